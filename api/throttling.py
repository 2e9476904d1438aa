"""Throttling per token (systems) or per user (browser sessions)."""
from knox.models import AuthToken
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class _PerClientThrottle(SimpleRateThrottle):
    def get_rate(self):
        # Read at request time so settings overrides (tests, deployments) take effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, AuthToken):
            ident = f"token:{request.auth.digest[:32]}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"anon:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ReadThrottle(_PerClientThrottle):
    scope = "api_read"

    def allow_request(self, request, view):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)


class WriteThrottle(_PerClientThrottle):
    scope = "api_write"

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)
