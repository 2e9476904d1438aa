"""The REST API app has no models of its own beyond API token grants."""
