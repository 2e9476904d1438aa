"""Demo portfolio and scale-benchmark data.

One builder (``portfolio.portfolio_build``) writes a synthetic but plausible portfolio
with bulk inserts; ``manage.py load_demo_data`` runs it at demo size and
``manage.py generate_benchmark_data`` at scale. The text it draws from (countries,
program themes, MOEs, partners, donors) is in ``catalogue``.
"""
