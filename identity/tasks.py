"""Scheduled identity work (celery beat, ssa_portal/celery.py): ask providers about
their accounts, and report accounts not seen for 90 days."""
from __future__ import annotations

from celery import shared_task

from ssa_portal.security.audit import security_event

from .provider_checks import provider_accounts_check
from .selectors import DORMANT_AFTER_DAYS, accounts_not_seen

REPORT_NAMES_MAX = 200


@shared_task(acks_late=True)
def provider_accounts_verify() -> dict[str, int]:
    """Disable accounts their provider no longer vouches for (and revoke their API tokens)."""
    return provider_accounts_check()


@shared_task(acks_late=True)
def dormant_accounts_report() -> int:
    """Write the dormant-accounts report to the security log (the page
    ``/accounts/dormant/`` lists the same accounts); returns how many there are."""
    names = list(accounts_not_seen().values_list("username", flat=True)[: REPORT_NAMES_MAX + 1])
    count = accounts_not_seen().count() if len(names) > REPORT_NAMES_MAX else len(names)
    security_event("dormant_accounts", request=None, user="-", days=DORMANT_AFTER_DAYS, count=count,
                   accounts=",".join(names[:REPORT_NAMES_MAX]))
    return count
