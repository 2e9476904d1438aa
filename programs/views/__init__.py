"""Pages of the programs app, by topic: programs, measures, records."""
