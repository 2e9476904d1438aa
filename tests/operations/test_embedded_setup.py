"""The embedded set-up of ``make start`` (README, "The two commands"): with no database and
no broker configured the portal runs on SQLite with tasks in process. Its raw SQL (flags,
coordination checks, dashboards) must run there too, so this test builds that set-up in a
subprocess (a fresh SQLite file set up as ``make start`` does, reference and demo data) and follows every
link of the pages a manager sees, failing on any server error.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CRAWL = textwrap.dedent(
    """
    import collections, re, sys
    import django
    django.setup()
    from django.core.management import call_command
    call_command("schema_setup", verbosity=0)  # as make start: a fresh file takes the fast path
    call_command("load_reference_data", verbosity=0)
    call_command("load_demo_data", verbosity=0)
    from django.test import Client
    from programs.models import User

    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username="manager"))
    seen, queue, failures = set(), collections.deque(["/"]), []
    while queue and len(seen) < int(sys.argv[1]):
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {path}")
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in re.findall(r'href="(/[^"#]*)"', response.content.decode()):
            href = href.replace("&amp;", "&")
            if not href.startswith(("/accounts/", "/static/", "/admin/")) and href not in seen:
                queue.append(href)
    must_work = ["/dashboards/portfolio/", "/dashboards/goal-coverage/", "/dashboards/regions/bureau/AF/",
                 "/dashboards/regions/command/AFRICOM/", "/dashboards/countries/KEN/"]
    must_work += [f"/dashboards/flags/{kind}/" for kind in ("overlaps", "gaps", "surge", "vetting", "stale",
                                                             "overdue", "crises")]
    for path in must_work:  # reached by the crawl or not, these must answer
        status = client.get(path).status_code
        if status != 200:
            failures.append(f"{status} {path}")
    print(f"pages={len(seen)}")
    print("failures=" + "; ".join(failures))
    """
)


def test_every_page_a_manager_reaches_works_on_sqlite_with_tasks_in_process(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DJANGO_SETTINGS_MODULE="ssa_portal.settings")
    result = subprocess.run([sys.executable, "-c", CRAWL, "300"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = dict(line.split("=", 1) for line in result.stdout.splitlines() if line.startswith(("pages=", "failures=")))
    assert int(lines["pages"]) >= 100  # the crawl reached the portal, not just a sign-in page
    assert lines["failures"] == "", lines["failures"]
