"""Create the test provider's clients and users from a JSON file (see tests/identity/provider.py).

    {"clients": [{"client_id", "client_secret" (optional), "redirect_uris", "post_logout_redirect_uris"}],
     "users": [{"username", "password", "email", "groups"}]}
"""
import json
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from oauth2_provider.models import Application


class Command(BaseCommand):
    help = "Create or update the test provider's clients and users from a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        spec = json.loads(Path(path).read_text())
        for client in spec.get("clients", []):
            Application.objects.update_or_create(client_id=client["client_id"], defaults={
                "name": client["client_id"],
                "client_type": Application.CLIENT_CONFIDENTIAL,
                "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
                "client_secret": client.get("client_secret", "unused-" + client["client_id"]),
                "hash_client_secret": False,
                "redirect_uris": " ".join(client["redirect_uris"]),
                "post_logout_redirect_uris": " ".join(client.get("post_logout_redirect_uris", [])),
                "algorithm": Application.RS256_ALGORITHM,
                "skip_authorization": True,
            })
        for spec_user in spec.get("users", []):
            provider_user_set(**spec_user)


def provider_user_set(*, username: str, password: str = "", email: str = "", groups=(), active: bool = True) -> None:
    user, _ = User.objects.get_or_create(username=username)
    user.email = email or user.email
    user.is_active = active
    if password:
        user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get_or_create(name=name)[0] for name in groups])
