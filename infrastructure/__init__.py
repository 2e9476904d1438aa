"""What every app builds on and no app owns: validated saving with history and rationale,
optimistic locking (``version``), scope locks, publishing background work (with deferral
while the broker is down), list exports and portable SQL fragments.

Depends on no portal app; ``programs``, ``evaluations``, ``assessments``, ``dashboards``
and ``api`` import from here.
"""
