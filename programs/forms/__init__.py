"""Forms of the programs pages (thin: parse and validate input; services write)."""
