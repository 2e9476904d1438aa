"""Refusals because of a record's current state, not because of the request's shape.

``StateConflict`` is a Django ``ValidationError`` (pages and forms show it as any other
field error), which the API answers with 409 Conflict in its error shape, ``errors`` by
field included (api.errors): the request was well-formed, the record is not in a state
that allows it (approving a measurement that is not submitted, moving a program by a
transition its status does not allow, funding a year outside the program's years).
"""
from django.core.exceptions import ValidationError


class StateConflict(ValidationError):
    """The record's current state does not allow this change (HTTP 409 in the API)."""
