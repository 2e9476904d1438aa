"""Who may call the API: reads for every authenticated client; writes only for browser
sessions and for tokens granted write. The services then apply the portal's own rules
(programs.permissions: agency scoping, approval rights), as for the pages."""
from rest_framework.permissions import SAFE_METHODS, BasePermission
from knox.models import AuthToken

from .models import TokenGrant
from .tokens import may_hold_write_token

READ_ONLY_TOKEN = (
    "This token is read-only. Issue yourself a token with the scope \"Read and write\" on the API tokens "
    "page (/api-tokens/) and send it instead; your own rights still apply to every write."
)
READ_ONLY_ACCOUNT = (
    "This token is read-only, and your account has no role that writes, so it cannot hold a token that writes."
)


def token_may_write(token: AuthToken) -> bool:
    return TokenGrant.objects.filter(token_digest=token.digest, can_write=True).exists()


class ReadOrGrantedWrite(BasePermission):
    """The 403's message names what the token's holder can do about it: issue their own
    write token at /api-tokens/, unless their account holds no role that writes."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        if isinstance(request.auth, AuthToken):
            if token_may_write(request.auth):
                return True
            self.message = READ_ONLY_TOKEN if may_hold_write_token(request.user) else READ_ONLY_ACCOUNT
            return False
        return True  # session (browser) user: the services decide
