"""django-axes' lock-out check, for sign-ins that come with a request.

Axes refuses ``authenticate()`` calls without a request; those come only from code in this
process (management commands, the demo loader, tests), never from a client, so they skip
the lock-out check and go on to the ModelBackend."""
from axes.backends import AxesStandaloneBackend


class RequestAxesBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
