"""Who may call the API: reads for every authenticated client; writes only for browser
sessions and for tokens granted write. The services then apply the portal's own rules
(programs.permissions: agency scoping, approval rights), as for the pages."""
from rest_framework.permissions import SAFE_METHODS, BasePermission
from knox.models import AuthToken

from .models import TokenGrant


def token_may_write(token: AuthToken) -> bool:
    return TokenGrant.objects.filter(token_digest=token.digest, can_write=True).exists()


class ReadOrGrantedWrite(BasePermission):
    message = "This token is read-only; ask an administrator for a token granted write access."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        if isinstance(request.auth, AuthToken):
            return token_may_write(request.auth)
        return True  # session (browser) user: the services decide
