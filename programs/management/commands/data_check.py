from django.core.management.base import BaseCommand, CommandError

from programs.selectors.data_checks import CHECKS, data_findings


class Command(BaseCommand):
    help = (
        "Report stored rows that break a rule writes now enforce (periods of another "
        "frequency, values outside their MOE's range, ...). Changes nothing; exits with an "
        "error when it finds any."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rule", action="append", choices=sorted(CHECKS), help="Only this rule (repeatable).")

    def handle(self, *args, **options) -> None:
        count = 0
        for finding in data_findings(options.get("rule")):
            self.stdout.write(str(finding))
            count += 1
        if count:
            raise CommandError(f"{count} stored row(s) break a rule; correct them through the portal.")
        self.stdout.write("No stored row breaks a checked rule.")
