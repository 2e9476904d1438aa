import time

from django.core.management.base import BaseCommand, CommandError

from programs.demo.loading import benchmark_portfolio_generate
from programs.demo.portfolio import PortfolioError, PortfolioSize
from infrastructure.history import acting_as


class Command(BaseCommand):
    help = (
        "Generate a large synthetic portfolio (program codes BENCH-...) with bulk inserts, for "
        "performance work. Use a dedicated database; refuses one with other programs unless --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--countries", type=int, default=200)
        parser.add_argument("--programs", type=int, default=20_000)
        parser.add_argument("--moes", type=int, default=100_000)
        parser.add_argument("--measurements", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--force", action="store_true",
                            help="Generate even if the database already holds non-benchmark programs.")

    def handle(self, *args, **options) -> None:
        size = PortfolioSize(countries=options["countries"], programs=options["programs"],
                             moes=options["moes"], measurements=options["measurements"])
        started = time.monotonic()
        progress = self.stdout.write if options["verbosity"] >= 1 else None
        try:
            with acting_as("benchmark data generator"):
                report = benchmark_portfolio_generate(size=size, seed=options["seed"], force=options["force"],
                                                      progress=progress)
        except PortfolioError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Benchmark portfolio generated in {time.monotonic() - started:.1f} s: {report}"))
