"""Serializers of the API, by topic: thin shapes over the models; writes go to services."""
