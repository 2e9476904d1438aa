"""API viewsets by topic; thin adapters over selectors, FilterSets and services."""
