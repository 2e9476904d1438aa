"""Why a sign-in through an identity provider was refused: one exception, shown to the
person on the refusal page and written to the security log."""
from __future__ import annotations


class SignInRefused(Exception):
    """A sign-in that must not go through.

    ``code``: a short machine name (``unknown_agency``, ``no_role``, ``piv_required``,
    ``account_disabled``, ``token_invalid``, ``token_expired``, ``state_unknown``,
    ``provider_error``, ``provider_unreachable``, ``username_taken``, ``email_unverified``,
    ``sign_in_failed``, ``invalid_claims``);
    ``message``: a sentence for the person; ``status``: the HTTP status of the page.
    """

    def __init__(self, code: str, message: str, *, status: int = 403) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
