"""Disable, re-enable or delete a test provider user: what an agency does when staff leave."""
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Disable (--disable), enable (--enable) or delete (--delete) a provider user."

    def add_arguments(self, parser):
        parser.add_argument("username")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--disable", action="store_true")
        group.add_argument("--enable", action="store_true")
        group.add_argument("--delete", action="store_true")

    def handle(self, *args, username, disable, enable, delete, **options):
        users = User.objects.filter(username=username)
        if delete:
            users.delete()
        else:
            users.update(is_active=enable)
