"""Writes of notifications: emitted by the programs services after their change commits
(a value returned, values awaiting approval, a decision on a proposal), by the daily
digest (reporting due or overdue), and read marks from the inbox.

E-mail goes through Django's e-mail backend (console in development, SMTP in
production: README, ``EMAIL_*``), never inside the user's request: immediate e-mails
are a task published after commit, digests a daily beat task.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from infrastructure.links import portal_url
from infrastructure.task_dispatch import enqueue_on_commit
from programs.permissions import ANALYST, MANAGER

from .models import DEFAULT_DELIVERY, Delivery, Notification, NotificationKind, NotificationPreference, ReportingPolicy
from .reporting import OVERDUE, reporting_rows

DIGEST_WINDOW = dt.timedelta(days=2)  # a digest covers what a missed daily run left unsent


def deliveries(user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """user id -> the e-mail delivery they chose for ``kind`` (default when unset); one query."""
    user_ids = list(user_ids)
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind).values_list("user_id", "delivery")
    )
    return {uid: chosen.get(uid, DEFAULT_DELIVERY[kind]) for uid in user_ids}


def notify(*, recipient_ids: Iterable[int], kind: str, title: str, body: str = "", url: str = "") -> list[Notification]:
    """Put one notification in each recipient's inbox; those who chose immediate e-mail get
    it once the current transaction commits. Three queries whatever the recipients."""
    ids = sorted({int(i) for i in recipient_ids if i})
    if not ids:
        return []
    rows = Notification.objects.bulk_create(
        [Notification(recipient_id=uid, kind=kind, title=title[:300], body=body, url=url[:500]) for uid in ids]
    )
    delivery = deliveries(ids, kind)
    immediate = [n.pk for n in rows if delivery[n.recipient_id] == Delivery.IMMEDIATE]
    if immediate:
        from .tasks import notifications_email

        enqueue_on_commit(notifications_email, immediate)
    return rows


def _send(messages: list[EmailMessage]) -> None:
    if messages:
        with get_connection() as connection:
            connection.send_messages(messages)


def notifications_email(*, notification_ids: Iterable[int]) -> int:
    """E-mail each notification not yet sent, one message each; returns how many went."""
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(notification_ids), emailed_at__isnull=True)
            .exclude(recipient__email="")
            .select_related("recipient")
        )
        _send([
            EmailMessage(f"[SSA Portal] {n.title}", _body(n), to=[n.recipient.email]) for n in rows
        ])
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=timezone.now())
    return len(rows)


def _body(notification: Notification) -> str:
    lines = [notification.title]
    if notification.body:
        lines += ["", notification.body]
    if notification.url:
        lines += ["", f"Deal with it here: {portal_url(notification.url)}"]
    lines += ["", f"Choose which e-mails you receive: {portal_url(reverse('notifications:preferences'))}"]
    return "\n".join(lines)


def digest_send(*, now: dt.datetime | None = None) -> int:
    """The daily digest: first today's reporting reminders, then one e-mail per user with
    the notifications of the kinds they want daily that are not yet sent. Returns the
    number of e-mails sent."""
    now = now or timezone.now()
    reporting_reminders_create(today=timezone.localdate(now))
    with transaction.atomic():
        unsent = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(emailed_at__isnull=True, created_at__gte=now - DIGEST_WINDOW, created_at__lte=now)
            .exclude(recipient__email="")
            .select_related("recipient")
            .order_by("recipient_id", "created_at", "id")
        )
        chosen = {
            (p.user_id, p.kind): p.delivery
            for p in NotificationPreference.objects.filter(user_id__in={n.recipient_id for n in unsent})
        }
        by_user: dict[int, list[Notification]] = defaultdict(list)
        for n in unsent:
            if chosen.get((n.recipient_id, n.kind), DEFAULT_DELIVERY[n.kind]) == Delivery.DIGEST:
                by_user[n.recipient_id].append(n)
        messages = []
        for items in by_user.values():
            body = "\n\n".join(_body(n).rsplit("\n\n", 1)[0] for n in items)
            body += f"\n\nYour inbox: {portal_url(reverse('notifications:inbox'))}"
            messages.append(EmailMessage(
                f"[SSA Portal] Daily digest: {len(items)} notification{'s' if len(items) != 1 else ''}",
                body, to=[items[0].recipient.email],
            ))
        _send(messages)
        Notification.objects.filter(pk__in=[n.pk for items in by_user.values() for n in items]).update(emailed_at=now)
    return len(messages)


def reporting_reminders_create(*, today: dt.date) -> int:
    """One "reporting due or overdue" notification per analyst whose agency's running
    programs owe values on ``today``, at most one per analyst and (real) day. Returns how
    many were created."""
    grace = ReportingPolicy.current().grace_days
    by_agency: dict[int, list] = defaultdict(list)
    for row in reporting_rows(agency_id=None, today=today, grace_days=grace):
        by_agency[row.agency_id].append(row)
    if not by_agency:
        return 0
    User = get_user_model()
    already = set(
        Notification.objects.filter(kind=NotificationKind.REPORTING_DUE, created_at__date=timezone.localdate())
        .values_list("recipient_id", flat=True)
    )
    analysts = defaultdict(list)
    for uid, agency_id in User.objects.filter(
        is_active=True, groups__name=ANALYST, agency_id__in=list(by_agency)
    ).values_list("id", "agency_id"):
        if uid not in already:
            analysts[agency_id].append(uid)
    created = 0
    for agency_id, uids in analysts.items():
        rows = by_agency[agency_id]
        overdue = sum(1 for r in rows if r.state == OVERDUE)
        programs = sorted({r.program_code for r in rows})
        title = f"{len(rows)} value{'s' if len(rows) != 1 else ''} owed: {overdue} overdue, {len(rows) - overdue} due"
        body = "Programs: " + ", ".join(programs[:20]) + (" ..." if len(programs) > 20 else "")
        created += len(notify(recipient_ids=uids, kind=NotificationKind.REPORTING_DUE, title=title, body=body,
                              url=reverse("dashboards:worklist", args=["reporting"])))
    return created


# --- emitted by the programs services --------------------------------------------------


def values_returned_notify(*, measurements: Iterable, reason: str) -> None:
    """Tell each value's last author that it came back, with the manager's reason.
    ``measurements`` have ``moe`` and ``moe.program`` loaded."""
    by_author: dict[int, list] = defaultdict(list)
    for m in measurements:
        if m.entered_by_id:
            by_author[m.entered_by_id].append(m)
    for author_id, items in by_author.items():
        first = items[0]
        program = first.moe.program
        what = f"{first.moe.name} {first.period}" if len(items) == 1 else f"{len(items)} values of {program.code}"
        notify(
            recipient_ids=[author_id], kind=NotificationKind.VALUE_RETURNED,
            title=f"Returned for revision: {what}", body=f"Reason: {reason}",
            url=reverse("programs:measurement-grid", args=[program.pk]) + f"?fy={first.period[2:6]}",
        )


def values_submitted_notify(*, program_counts: Mapping[tuple[int, str], int]) -> None:
    """Tell every manager that values wait for their approval: one notification per
    program ((program id, code) -> number of values just submitted)."""
    if not program_counts:
        return
    managers = list(
        get_user_model().objects.filter(is_active=True, groups__name=MANAGER).values_list("id", flat=True)
    )
    for (program_id, code), count in program_counts.items():
        notify(
            recipient_ids=managers, kind=NotificationKind.VALUES_AWAITING_APPROVAL,
            title=f"{count} value{'s' if count != 1 else ''} of {code} awaiting approval",
            url=reverse("programs:approvals") + f"?program={program_id}",
        )


def proposal_decided_notify(*, program, action: str, reason: str) -> None:
    """Tell whoever proposed ``program`` (the author of its first history row) the decision."""
    from programs.models import Program

    proposer = (
        Program.history.filter(id=program.pk, history_type="+").values_list("history_user_id", flat=True).first()
    )
    decision = {"approve": "approved", "terminate": "not approved (terminated)"}.get(action, action)
    notify(
        recipient_ids=[proposer] if proposer else [], kind=NotificationKind.PROPOSAL_DECIDED,
        title=f"Your proposal {program.code} was {decision}", body=f"Reason: {reason}",
        url=reverse("programs:program-detail", args=[program.pk]),
    )


# --- the inbox -------------------------------------------------------------------------


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (``ids`` None: all of them); returns how many."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


def preferences_set(*, user, choices: Mapping[str, str]) -> None:
    """Store the user's e-mail delivery per kind (kinds and deliveries already validated)."""
    with transaction.atomic():
        for kind, delivery in choices.items():
            NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})
