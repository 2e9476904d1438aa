"""Pages of the assessments app: assessments (workflow, compare) and selectivity (ranking, country)."""
