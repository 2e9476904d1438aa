"""The demo users, one per role, with a fresh random password on every run."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from ..models import Agency, User
from ..permissions import ADMINISTRATOR, ANALYST, MANAGER
from ..services.roles import roles_ensure


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    agency_code: str | None = None
    is_admin: bool = False


DEMO_USERS = (
    DemoUser("analyst.state", ANALYST, "DOS"),
    DemoUser("analyst.defense", ANALYST, "DOD"),
    DemoUser("manager", MANAGER),
    DemoUser("admin", ADMINISTRATOR, is_admin=True),
)


@dataclass(frozen=True)
class DemoCredential:
    user: User
    role: str
    password: str


def demo_users_ensure() -> list[DemoCredential]:
    """Create the demo users if missing (or bring their role, agency and flags back in
    line) and give each a new random password, which is returned to be shown once."""
    agencies = dict(Agency.objects.values_list("code", "id"))
    roles = roles_ensure()
    credentials = []
    with transaction.atomic():
        for spec in DEMO_USERS:
            user, _ = User.objects.get_or_create(
                username=spec.username, defaults={"email": f"{spec.username}@demo.example.gov"}
            )
            password = secrets.token_urlsafe(18)
            user.set_password(password)
            user.agency_id = agencies.get(spec.agency_code) if spec.agency_code else None
            user.is_staff = user.is_superuser = spec.is_admin
            user.is_active = True
            user.save()
            user.groups.add(roles[spec.role])
            credentials.append(DemoCredential(user=user, role=spec.role, password=password))
    return credentials
