"""Benchmark of a newcomer's set-up (not a test): ``make start`` from a fresh clone, on
the embedded SQLite default, until the portal answers a page.

Clones the committed HEAD of this repository into a temporary directory, links its
``.venv`` to this checkout's (the packages are installed: the goal, under 60 s, is
counted from there), clears ``DATABASE_URL`` and the broker variables, runs ``make start
PORT=<free port>`` and polls ``http://127.0.0.1:<port>/`` until it answers below 500
(the sign-in redirect counts). Prints the total and when each step began (migrate,
reference data, demo data, server), with the load average, then stops the server.

    .venv/bin/python benchmarks/setup.py [--repeat 2] [--source /path/to/checkout]
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Output lines that mark the start of a step of `make start`.
MARKERS = (
    ("schema", "manage.py schema_setup"),
    ("reference data", "manage.py load_reference_data"),
    ("demo data", "manage.py load_demo_data"),
    ("server", "Starting development server"),
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="GET"), timeout=2) as response:
            return response.status < 500
    except urllib.error.HTTPError as exc:
        return exc.code < 500
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def one_run(source: Path, timeout: float) -> tuple[float, dict[str, float], str]:
    """Seconds from ``make start`` to the first answered page, when each step began, the log."""
    workdir = Path(tempfile.mkdtemp(prefix="ssa-setup-"))
    clone = workdir / "clone"
    subprocess.run(["git", "clone", "--quiet", str(source), str(clone)], check=True)
    (clone / ".venv").symlink_to((source / ".venv").resolve())
    for requirements in clone.glob("requirements*.txt"):  # installed: older than the venv's stamp
        os.utime(requirements, (0, 0))
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "FIGURES_CACHE_URL")}
    port = free_port()
    lines: list[tuple[float, str]] = []
    start = time.perf_counter()
    process = subprocess.Popen(
        ["make", "start", f"PORT={port}"], cwd=clone, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )

    def read() -> None:
        for line in process.stdout:
            lines.append((time.perf_counter() - start, line.rstrip()))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        while not answers(f"http://127.0.0.1:{port}/"):
            if process.poll() is not None:
                raise SystemExit("make start stopped:\n" + "\n".join(text for _, text in lines[-40:]))
            if time.perf_counter() - start > timeout:
                raise SystemExit(f"no page after {timeout:.0f} s")
            time.sleep(0.2)
        total = time.perf_counter() - start
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(workdir, ignore_errors=True)
    steps = {}
    for name, marker in MARKERS:
        steps[name] = next((at for at, text in lines if marker in text), float("nan"))
    return total, steps, "\n".join(f"{at:7.1f}  {text}" for at, text in lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--source", type=Path, default=ROOT, help="the checkout to clone (its committed HEAD)")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--log", action="store_true", help="print make start's output with timestamps")
    args = parser.parse_args()
    for run in range(1, args.repeat + 1):
        load = os.getloadavg()
        total, steps, log = one_run(args.source.resolve(), args.timeout)
        if args.log:
            print(log)
        began = ", ".join(f"{name} at {at:.1f} s" for name, at in steps.items())
        print(f"run {run}: make start to a served page in {total:.1f} s ({began}); "
              f"load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, after {os.getloadavg()[0]:.2f}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
