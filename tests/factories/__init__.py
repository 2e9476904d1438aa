"""Test data builders, one module per app: ``programs`` (factory-boy factories of the
core models and programs with every relation filled), ``assessments`` (frameworks,
approved assessments, tiers, rollups), ``dashboards`` (a small portfolio summarised by
the real recomputes).

``from tests import factories`` then ``factories.ProgramFactory(...)``,
``factories.country("KEN")``: every public name of ``programs`` is available here (a
star import, so a factory added there needs no second line here)."""
from .programs import *  # noqa: F401,F403
