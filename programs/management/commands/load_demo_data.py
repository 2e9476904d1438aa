from django.core.management.base import BaseCommand, CommandError

from infrastructure.history import acting_as
from programs.demo.loading import DEMO_SEED, demo_portfolio_load
from programs.demo.portfolio import PortfolioError


class Command(BaseCommand):
    help = (
        "Load the demo portfolio (countries' tiers, 150 programs with funding, MOEs, targets, "
        "measurements, vetting, donors, strategies, a crisis) and the demo users. Idempotent: "
        "when the demo portfolio exists, only the demo users' passwords are reset. Prints the "
        "demo users' new passwords."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=DEMO_SEED, help="Random seed (same seed, same data).")

    def handle(self, *args, **options) -> None:
        verbose = options["verbosity"] >= 2
        try:
            with acting_as("demo data loader"):
                result = demo_portfolio_load(seed=options["seed"], progress=self.stdout.write if verbose else None)
        except PortfolioError as exc:
            raise CommandError(str(exc)) from exc
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"Demo portfolio created: {result.report}"))
            if result.apps_built:
                self.stdout.write(f"Demo data added by: {', '.join(result.apps_built)}")
        else:
            self.stdout.write("Demo portfolio already present (DEMO- programs); nothing added. "
                              "Demo users' passwords reset.")
        self.stdout.write("\nDemo users (passwords are new on every run; note them now):")
        for credential in result.credentials:
            self.stdout.write(f"  {credential.user.username:<16} {credential.role:<14} {credential.password}")
