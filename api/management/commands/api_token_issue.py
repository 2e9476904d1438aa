"""Issue an API token for a user: ``manage.py api_token_issue alice --label "FMS feed" [--write] [--days 90]``."""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api.tokens import DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, api_token_issue
from programs.models import User
from infrastructure.dates import datetime_text


class Command(BaseCommand):
    help = "Issue a knox API token (read-only unless --write) and print it once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--label", required=True, help="The system that will hold the token")
        parser.add_argument("--days", type=int, default=DEFAULT_TOKEN_DAYS,
                            help=f"Days until the token expires (1-{MAX_TOKEN_DAYS})")
        parser.add_argument("--write", action="store_true", help="Allow writes (the user's permissions still apply)")

    def handle(self, *args, username, label, days, write, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}.") from exc
        try:
            grant, token = api_token_issue(user=user, label=label, days=days, can_write=write)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Token for {username} ({grant}), expires {datetime_text(grant.expires_at)}.\n"
            "Store it now; it is not shown again:\n"
        )
        self.stdout.write(token)
