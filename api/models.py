"""API token grants: what a knox token may do beyond reading.

Tokens are knox ``AuthToken`` rows (stored hashed, with an expiry). A token without a
grant, or with ``can_write=False``, is read-only; with ``can_write=True`` it may write,
and the services still apply the token user's own permissions (agency scoping, approval
rights), exactly as for the pages.

The grant names its token by knox's digest rather than by a foreign key: knox's model
is swappable through a ``KNOX_TOKEN_MODEL`` setting the project does not define, and a
foreign key to it would break ``makemigrations`` for every app.
"""
from django.conf import settings
from django.db import models


class TokenGrant(models.Model):
    token_digest = models.CharField(max_length=128, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_grants")
    label = models.CharField(max_length=120, help_text="Which system holds this token, e.g. 'DSCA FMS feed'.")
    can_write = models.BooleanField(default=False, help_text="Read-only unless granted.")
    expires_at = models.DateTimeField(editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    # When the token last authenticated an API request, to the minute (api.tokens.
    # api_token_use_record); null: never used.
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.label} ({'read-write' if self.can_write else 'read-only'})"


class ProgramRepresentation(models.Model):
    """Derived: each program's API representation as compact JSON text, the list
    endpoint's pages concatenated from it (:mod:`api.program_representations`).

    Kept current by PostgreSQL triggers on every table the representation reads, in the
    transaction that changes it: never written by Python. No foreign key: a program's
    deletion removes its row through the same triggers."""

    program_id = models.BigIntegerField("program", primary_key=True)
    body = models.TextField()

    class Meta:
        db_table = "api_program_representation"

    def __str__(self) -> str:
        return f"representation of program {self.program_id}"
