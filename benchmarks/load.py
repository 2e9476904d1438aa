"""Bounded load test of the portal: analysts saving, managers reading dashboards, API
clients paging, all at once, against a running server (gunicorn on 127.0.0.1).

Two steps (docs/performance.md, "Load", has the full recipe and the figures):

    # 1. once: users, passwords and API tokens for the load, written to a JSON file
    DATABASE_URL=... .venv/bin/python benchmarks/load.py prepare --out /tmp/load-users.json
    # 2. the load itself (the server must run with the same DATABASE_URL)
    .venv/bin/python benchmarks/load.py run --base-url http://127.0.0.1:8001 \
        --users /tmp/load-users.json --concurrency 50 --duration 120

Where the budget goes, without a server: ``cost`` sends each request kind of the mix
through Django in its own process (on a copy of the data: the grid saves write) and prints
the web process's CPU time, the SQL time and the query count of each, weighted by the
mix's rates at the given think times (``--profile grid`` adds a cProfile of those kinds):

    DATABASE_URL=... REDIS_URL=... .venv/bin/python benchmarks/load.py cost --users /tmp/load-users.json

``run`` uses only the standard library (threads + http.client, one keep-alive connection
per virtual user). With ``--think 0`` (the default) every virtual user loops without
pause, a closed-loop saturation test: throughput is what the server sustains, and latency
is mostly queueing. ``--think S`` makes the people (analysts, managers) read for 0.5-1.5 x
S seconds before each action, as people do; ``--api-think S`` makes API clients wait
between pages likewise (a polling client rather than a bulk sync).
Mix (by virtual user): 40 % analysts (open the measurement grid of one of their agency's
programs, save one cell), 30 % managers (portfolio, a region, a country, goal coverage,
the program list), 30 % API clients (page through /api/v1/programs/ and /api/v1/measurements/
with page_size=100). Every response must be 2xx/3xx, and a save must land on the grid
again (302); anything else counts as an error, with its status and path recorded.
"""
from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import random
import re
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PASSWORD = "load-test-passphrase-2026"
ANALYSTS, MANAGERS, API_CLIENTS = 20, 15, 15
API_RESOURCES = ("programs", "measurements")


# --- prepare (Django) ------------------------------------------------------------------


def django_setup() -> None:
    """Django in this process, production-like (DEBUG off unless the environment says)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssa_portal.settings")
    os.environ.setdefault("DEBUG", "False")
    import django

    django.setup()


def prepare(out: Path) -> None:
    django_setup()
    from django.contrib.auth.models import Group
    from django.db.models import Count

    from api.tokens import api_token_issue
    from programs.models import Agency, Program, User
    from programs.permissions import ANALYST, MANAGER

    agencies = list(
        Agency.objects.annotate(n=Count("led_programs")).filter(n__gt=0).order_by("-n").values_list("pk", "code")
    )
    analyst_group, _ = Group.objects.get_or_create(name=ANALYST)
    manager_group, _ = Group.objects.get_or_create(name=MANAGER)

    def user(name: str, group, agency_id=None) -> User:
        account, _ = User.objects.get_or_create(username=name, defaults={"email": f"{name}@example.gov"})
        account.set_password(PASSWORD)
        account.agency_id = agency_id
        account.is_active = True
        account.save()
        account.groups.set([group])
        return account

    analysts, assigned = [], set()
    for i in range(ANALYSTS):
        agency_id, code = agencies[i % len(agencies)]
        account = user(f"load_analyst_{i}", analyst_group, agency_id)
        # Each analyst keeps their own programs, as in the office: two analysts saving the
        # same cell at once would be refused (409, optimistic locking), which is correct
        # but not what this test measures.
        programs = list(
            Program.objects.filter(lead_agency_id=agency_id, archived_at__isnull=True, moes__isnull=False)
            .exclude(pk__in=assigned).distinct().order_by("?").values_list("pk", flat=True)[:20]
        )
        assigned.update(programs)
        analysts.append({"username": account.username, "agency": code, "programs": programs})
    managers = [{"username": user(f"load_manager_{i}", manager_group).username} for i in range(MANAGERS)]
    reader = user("load_api_reader", analyst_group, agencies[0][0])
    tokens = [api_token_issue(user=reader, label=f"load test client {i}", days=2)[1] for i in range(API_CLIENTS)]
    from dashboards.tables.links import SCHEME_SLUG_OF
    from programs.models import Country, Region

    data = {
        "password": PASSWORD,
        "analysts": analysts,
        "managers": managers,
        "tokens": tokens,
        "countries": list(Country.objects.filter(programs__isnull=False).distinct().values_list("iso3", flat=True)[:40]),
        "regions": [[SCHEME_SLUG_OF[r.scheme], r.code] for r in Region.objects.all()],
    }
    out.write_text(json.dumps(data, indent=1))
    print(f"wrote {out}: {len(analysts)} analysts, {len(managers)} managers, {len(tokens)} API tokens")


# --- run (standard library only) -------------------------------------------------------


@dataclass
class Sample:
    kind: str
    label: str
    seconds: float
    status: int
    ok: bool


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)
    signed_in: int = 0
    refusals: list[str] = field(default_factory=list)

    def add(self, sample: Sample, error: str | None = None) -> None:
        with self.lock:
            self.samples.append(sample)
            if error:
                self.errors[error] += 1

    def refused(self, label: str, path: str, status: int, content: bytes) -> None:
        """Keep what the portal said when it refused (the first 20): the page's error
        messages, or the start of the body when it has none."""
        text = content.decode("utf-8", "replace")
        messages = [html.unescape(re.sub(r"<[^>]+>", "", m)).strip() for m in REFUSAL.findall(text)]
        said = "; ".join(messages) or " ".join(text.split())[:300]
        with self.lock:
            if len(self.refusals) < 20:
                self.refusals.append(f"{label} {path}: HTTP {status}: {said}")


class Browser:
    """One keep-alive connection with cookies (session, CSRF), like one browser tab."""

    def __init__(self, base: str) -> None:
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname, url.port or 80
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict, bytes]:
        headers = {"Host": f"{self.host}:{self.port}", **self.headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                content = response.read()
                break
            except Exception as exc:
                # a fresh connection for the next request, whatever went wrong with this one
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                retry = isinstance(exc, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError))
                if attempt == 2 or not retry:  # a stale keep-alive connection is retried once
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), content

    def sign_in(self, username: str, password: str) -> None:
        self.request("GET", "/accounts/login/")
        status, headers, _ = self.request(
            "POST", "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"sign-in of {username} failed: {status}")


CELL = re.compile(r'name="value_(\d+)_(FY\d{4}-Q\d)"')
VERSION = r'name="version_{key}"[^>]*value="(\d*)"|value="(\d*)"[^>]*name="version_{key}"'


REFUSAL = re.compile(r'class="usa-(?:error-message|alert__text)"[^>]*>(.*?)</', re.S)


def timed(recorder: Recorder, kind: str, label: str, call, expect=(200,), path: str = ""):
    started = time.perf_counter()
    try:
        status, headers, content = call()
    except Exception as exc:  # noqa: BLE001 - a load test records failures, it does not stop
        recorder.add(Sample(kind, label, time.perf_counter() - started, 0, False), f"{label}: {type(exc).__name__}")
        return None
    elapsed = time.perf_counter() - started
    ok = status in expect
    recorder.add(Sample(kind, label, elapsed, status, ok), None if ok else f"{label}: HTTP {status}")
    if not ok:
        recorder.refused(label, path, status, content)
    return status, headers, content


def signed_in(base, username, password, recorder, stop) -> Browser | None:
    """A browser signed in as ``username``; a failed sign-in is an error, retried. Each
    success is counted in ``recorder.signed_in`` (the measured window starts after all)."""
    while not stop.is_set():
        browser = Browser(base)
        started = time.perf_counter()
        try:
            browser.sign_in(username, password)
            recorder.add(Sample("sign-in", "sign-in", time.perf_counter() - started, 302, True))
            with recorder.lock:
                recorder.signed_in += 1
            return browser
        except Exception as exc:  # noqa: BLE001
            recorder.add(Sample("sign-in", "sign-in", time.perf_counter() - started, 0, False),
                         f"sign-in: {type(exc).__name__}")
    return None


def pause(rng: random.Random, stop: threading.Event, think: float) -> None:
    """A person's reading time between two actions: uniform in [0.5, 1.5] x ``think`` s."""
    if think > 0:
        stop.wait(rng.uniform(0.5, 1.5) * think)


def grid_save_body(page: str, rng: random.Random, csrf: str) -> tuple[str, dict] | None:
    """The form an analyst sends from a grid page: one random cell changed (with the
    version it read), as a correction of an approved value would be; ``(fy, body)``, or
    None when the grid has no cell. The value is 1-100: within every MOE's range (a
    percent MOE refuses more than 100, ``programs.models.moe_value_problem``). Cells of a
    value with a breakdown by category are left alone: their categories must add up to the
    value, so a random new value is refused (400, rightly); they are changed on the
    breakdown page, which is not in the mix."""
    cells = [found.groups() for chunk in page.split('<td class="grid-cell">')
             if (found := CELL.search(chunk)) and "breakdown</a>" not in chunk]
    if not cells:
        return None
    moe, period = rng.choice(cells)
    key = f"{moe}_{period}"
    match = re.search(VERSION.format(key=re.escape(key)), page)
    version = (match.group(1) or match.group(2)) if match else ""
    fy = period[2:6]
    return fy, {
        "csrfmiddlewaretoken": csrf, "fy": fy,
        f"value_{key}": str(rng.randint(1, 100)), f"version_{key}": version,
        "rationale_category": "data_correction", "rationale": "load test",
    }


def manager_pages(data: dict, rng: random.Random) -> list[tuple[str, Callable[[], str]]]:
    """The managers' pages of the mix, each (label, a function giving a URL to read)."""
    return [
        ("portfolio", lambda: "/dashboards/portfolio/"),
        ("region", lambda: "/dashboards/regions/{}/{}/".format(*rng.choice(data["regions"]))),
        ("country", lambda: f"/dashboards/countries/{rng.choice(data['countries'])}/"),
        ("goal coverage", lambda: "/dashboards/goal-coverage/"),
        ("program list", lambda: f"/programs/?page={rng.randint(1, 50)}"),
    ]


def api_page(rng: random.Random, resource: str | None = None) -> tuple[str, str]:
    """An API client's next page: (label, URL), of programs or measurements at random."""
    resource = resource or rng.choice(API_RESOURCES)
    return f"{resource} page", f"/api/v1/{resource}/?page={rng.randint(1, 100)}&page_size=100"


def analyst_loop(base, data, me, recorder, stop, think):
    browser = signed_in(base, me["username"], data["password"], recorder, stop)
    rng = random.Random(me["username"])
    while not stop.is_set():
        pause(rng, stop, think)
        program = rng.choice(me["programs"])
        path = f"/programs/{program}/measurements/"
        got = timed(recorder, "analyst", "grid GET", lambda: browser.request("GET", path), path=path)
        if not got:
            continue
        save = grid_save_body(got[2].decode("utf-8", "replace"), rng, browser.cookies.get("csrftoken", ""))
        if save is None:
            continue
        fy, body = save
        pause(rng, stop, think)
        timed(recorder, "analyst", "grid save POST", lambda: browser.request("POST", path + f"?fy={fy}", body),
              expect=(302,), path=f"{path}?fy={fy} {sorted(k for k in body if k.startswith('value_'))}")


def manager_loop(base, data, me, recorder, stop, think):
    browser = signed_in(base, me["username"], data["password"], recorder, stop)
    rng = random.Random(me["username"])
    pages = manager_pages(data, rng)
    while not stop.is_set():
        pause(rng, stop, think)
        label, path = rng.choice(pages)
        url = path()
        timed(recorder, "manager", label, lambda: browser.request("GET", url), path=url)


def api_loop(base, data, token, recorder, stop, think):
    browser = Browser(base)
    browser.headers["Authorization"] = f"Token {token}"
    browser.headers["Accept"] = "application/json"
    rng = random.Random(token)
    while not stop.is_set():
        pause(rng, stop, think)
        label, url = api_page(rng)
        timed(recorder, "api", label, lambda: browser.request("GET", url), path=url)


# --- cost (Django, in this process) ----------------------------------------------------


def mix_rates(concurrency: int, think: float, api_think: float) -> dict[str, float]:
    """Requests per second of each kind that ``run`` asks for at these think times, if
    answers were instant: an analyst reads twice per grid (before the GET and before the
    save), a manager once per page (five pages), an API client once per page (two)."""
    n_analysts, n_managers = round(concurrency * 0.4), round(concurrency * 0.3)
    n_api = concurrency - n_analysts - n_managers
    rates = {"analyst: grid GET": n_analysts / (2 * think), "analyst: grid save POST": n_analysts / (2 * think)}
    for label, _ in manager_pages({}, random.Random()):
        rates[f"manager: {label}"] = n_managers / think / 5
    for resource in API_RESOURCES:
        rates[f"api: {resource} page"] = n_api / api_think / len(API_RESOURCES)
    return rates


def cost(users_file: Path, repeat: int, concurrency: int, think: float, api_think: float,
         profile: str | None = None) -> None:
    """Each request kind of the mix through Django's whole stack in this process (the test
    client, DEBUG off as under gunicorn): the median web-process CPU time
    (``time.process_time``), wall time, time spent in SQL (the driver's round trips:
    PostgreSQL's work plus the wire) and query count of ``repeat`` requests after one
    warm-up; then, weighted by the mix's rates at these think times, how many CPU
    milliseconds per second each kind asks of the web workers and of PostgreSQL, out of
    the 1,000 per core the machine has. ``profile``: also a cProfile of the kinds whose
    label contains it (e.g. "grid"). Grid saves write: run it on a copy of the data."""
    import cProfile
    import pstats
    import statistics

    django_setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from programs.models import User

    data = json.loads(users_file.read_text())
    settings.ALLOWED_HOSTS = ["*"]
    clients: dict[str, Client] = {}

    def client_of(username: str) -> Client:
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        return clients[username]

    api = Client(HTTP_AUTHORIZATION=f"Token {data['tokens'][0]}", HTTP_ACCEPT="application/json")
    samples: dict[str, list[tuple[float, float, float, int]]] = defaultdict(list)

    profiler = cProfile.Profile() if profile else None

    def measure(label: str, call, expect: int = 200):
        profiled = profiler is not None and profile in label and samples_kept
        with CaptureQueriesContext(connection) as captured:
            if profiled:
                profiler.enable()
            started, cpu_started = time.perf_counter(), time.process_time()
            response = call()
            cpu, wall = time.process_time() - cpu_started, time.perf_counter() - started
            if profiled:
                profiler.disable()
        if response.status_code != expect:
            sys.exit(f"{label}: HTTP {response.status_code}, expected {expect}")
        sql = sum(float(q["time"]) for q in captured.captured_queries)
        samples[label].append((cpu * 1000, wall * 1000, sql * 1000, len(captured)))
        return response

    rng = random.Random(2026)
    manager = client_of(data["managers"][0]["username"])
    pages = manager_pages(data, rng)
    samples_kept = False
    for round_ in range(repeat + 1):  # round 0 warms caches and is dropped
        me = data["analysts"][round_ % len(data["analysts"])]
        analyst = client_of(me["username"])
        path = f"/programs/{rng.choice(me['programs'])}/measurements/"
        page = measure("analyst: grid GET", lambda: analyst.get(path))
        save = grid_save_body(page.content.decode(), rng, "")
        if save:
            fy, body = save
            measure("analyst: grid save POST", lambda: analyst.post(f"{path}?fy={fy}", body), expect=302)
        for label, url in pages:
            target = url()
            measure(f"manager: {label}", lambda: manager.get(target))
        for resource in API_RESOURCES:
            _, url = api_page(rng, resource)
            measure(f"api: {resource} page", lambda: api.get(url))
        if round_ == 0:
            samples.clear()
            samples_kept = True

    rates = mix_rates(concurrency, think, api_think)
    rows = []
    for label, got in samples.items():
        cpu, wall, sql = (statistics.median(s[i] for s in got) for i in range(3))
        rows.append((label, cpu, wall, sql, max(s[3] for s in got), rates[label]))
    rows.sort(key=lambda r: -r[1] * r[5])
    print(f"{repeat} requests of each kind, medians; the mix of {concurrency} users, people think {think:g} s, "
          f"API clients {api_think:g} s\n")
    print("| request | web CPU ms | wall ms | SQL ms | queries | per s in the mix | web CPU ms/s | SQL ms/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, cpu, wall, sql, queries, rate in rows:
        print(f"| {label} | {cpu:.1f} | {wall:.1f} | {sql:.1f} | {queries} | {rate:.1f} | {cpu * rate:.0f} | "
              f"{sql * rate:.0f} |")
    total_cpu, total_sql = sum(r[1] * r[5] for r in rows), sum(r[3] * r[5] for r in rows)
    print(f"| **all** | | | | | {sum(r[5] for r in rows):.1f} | **{total_cpu:.0f}** | **{total_sql:.0f}** |")
    if profiler is not None:
        print(f"\nPython profile of the requests whose kind contains {profile!r} (cProfile: slower than the "
              "figures above), by own time, then by cumulative time:")
        for order in ("tottime", "cumulative"):
            pstats.Stats(profiler, stream=sys.stdout).sort_stats(order).print_stats(25)
    print(f"\nThe mix asks the web workers for {total_cpu:.0f} CPU ms and the database for about {total_sql:.0f} ms "
          f"per second, of the {1000 * (os.cpu_count() or 1)} ms a second that {os.cpu_count()} cores give "
          "(SQL time includes the round trips). "
          f"Load average at the end: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def report(recorder: Recorder, seconds: float, concurrency: int) -> str:
    lines = [f"{concurrency} virtual users for {seconds:.0f} s", "",
             "| requests | count | per second | p50 ms | p95 ms | p99 ms | max ms | errors |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    groups: dict[str, list[Sample]] = defaultdict(list)
    for sample in recorder.samples:
        groups[f"{sample.kind}: {sample.label}"].append(sample)
        groups[f"{sample.kind} (all)"].append(sample)
    groups["ALL"] = recorder.samples
    for name in sorted(groups, key=lambda n: (n == "ALL", n)):
        samples = groups[name]
        ms = [s.seconds * 1000 for s in samples]
        errors = sum(not s.ok for s in samples)
        lines.append(f"| {name} | {len(samples)} | {len(samples) / seconds:.1f} | {percentile(ms, 50):.0f} | "
                     f"{percentile(ms, 95):.0f} | {percentile(ms, 99):.0f} | {max(ms):.0f} | {errors} |")
    if recorder.errors:
        lines += ["", "errors:"] + [f"- {k}: {v}" for k, v in sorted(recorder.errors.items())]
        lines += ["", "what the portal said (first 20):"] + [f"- {r}" for r in recorder.refusals]
    return "\n".join(lines)


def run(base: str, users_file: Path, concurrency: int, duration: float, warmup: float, think: float = 0.0,
        api_think: float = 0.0) -> int:
    data = json.loads(users_file.read_text())
    n_analysts = round(concurrency * 0.4)
    n_managers = round(concurrency * 0.3)
    n_api = concurrency - n_analysts - n_managers
    empty = [a["username"] for a in data["analysts"] if not a["programs"]]
    if empty:
        sys.exit(f"analysts without programs to edit: {', '.join(empty)}; prepare on the benchmark data")
    if n_analysts > len(data["analysts"]):
        print(f"note: {n_analysts} analysts share the {len(data['analysts'])} prepared accounts and their programs "
              "(saves of one cell at once may be refused with 409)", flush=True)
    recorder, stop = Recorder(), threading.Event()
    threads = []
    for i in range(n_analysts):
        me = data["analysts"][i % len(data["analysts"])]
        threads.append(threading.Thread(target=analyst_loop, args=(base, data, me, recorder, stop, think), daemon=True))
    for i in range(n_managers):
        me = data["managers"][i % len(data["managers"])]
        threads.append(threading.Thread(target=manager_loop, args=(base, data, me, recorder, stop, think), daemon=True))
    for i in range(n_api):
        token = data["tokens"][i % len(data["tokens"])]
        threads.append(threading.Thread(target=api_loop, args=(base, data, token, recorder, stop, api_think),
                                        daemon=True))
    print(f"{n_analysts} analysts, {n_managers} managers, {n_api} API clients against {base}; "
          f"people think {think:g} s between actions, API clients pause {api_think:g} s between pages", flush=True)
    for thread in threads:
        thread.start()
    # Sign-ins (a password hash each, CPU-bound) are not the steady state: the warm-up
    # starts once every person has signed in (or after 120 s, whatever is signed in).
    people, deadline = n_analysts + n_managers, time.monotonic() + 120
    while recorder.signed_in < people and time.monotonic() < deadline:
        time.sleep(0.2)
    print(f"{recorder.signed_in} of {people} people signed in; warm-up {warmup:g} s", flush=True)
    time.sleep(warmup)
    with recorder.lock:
        recorder.samples.clear()  # sign-ins and cold caches are not the steady state
        recorder.errors.clear()
        recorder.refusals.clear()
    load_before = os.getloadavg()
    started = time.monotonic()
    time.sleep(duration)
    with recorder.lock:
        measured = Recorder(samples=list(recorder.samples), errors=dict(recorder.errors),
                            refusals=list(recorder.refusals))
    elapsed = time.monotonic() - started
    load_after = os.getloadavg()
    stop.set()
    for thread in threads:
        thread.join(timeout=90)
    print(report(measured, elapsed, concurrency))
    print(f"\nload average (1, 5, 15 min) at the start of the window: {', '.join(f'{v:.2f}' for v in load_before)}; "
          f"at the end: {', '.join(f'{v:.2f}' for v in load_after)}; {os.cpu_count()} CPU cores")
    return 1 if measured.errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--out", type=Path, default=Path("/tmp/load-users.json"))
    r = sub.add_parser("run")
    r.add_argument("--base-url", default="http://127.0.0.1:8001")
    r.add_argument("--duration", type=float, default=120.0, help="measured seconds (after the warm-up)")
    r.add_argument("--warmup", type=float, default=15.0)
    c = sub.add_parser("cost", help="web CPU, SQL time and queries per request kind of the mix, in this process")
    c.add_argument("--repeat", type=int, default=9)
    c.add_argument("--profile", metavar="KIND", help="also profile (cProfile) the kinds whose label contains KIND")
    for command, think in ((r, 0.0), (c, 3.0)):
        command.add_argument("--users", type=Path, default=Path("/tmp/load-users.json"))
        command.add_argument("--concurrency", type=int, default=50)
        command.add_argument("--think", type=float, default=think,
                             help="mean seconds a person (analyst, manager) reads before the next action; 0: none")
        command.add_argument("--api-think", type=float, default=think / 3,
                             help="mean seconds an API client waits between pages")
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.out)
        return 0
    if args.command == "cost":
        if args.think <= 0 or args.api_think <= 0:
            parser.error("cost weighs the kinds by the mix's rates: give --think and --api-think above 0")
        cost(args.users, args.repeat, args.concurrency, args.think, args.api_think, args.profile)
        return 0
    return run(args.base_url, args.users, args.concurrency, args.duration, args.warmup, args.think, args.api_think)


if __name__ == "__main__":
    sys.exit(main())
