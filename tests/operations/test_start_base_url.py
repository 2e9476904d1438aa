"""``make start PORT=8001`` serves on that port, and links in e-mails follow it
(``PORTAL_BASE_URL``, README "Configuration") unless the address is configured.

The real ``start`` recipe runs with ``BIN`` pointing at a stand-in ``python`` that prints
the command it was given and the ``PORTAL_BASE_URL`` it sees (so nothing is set up or
served), and ``STAMP`` at an existing file (nothing is installed). The stand-in web
server exits at once, so ``ops/serve.sh`` reports it stopped and ``make`` fails: expected.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make start needs make")


def _start(tmp_path: Path, **env: str) -> list[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    stand_in = bin_dir / "python"
    stand_in.write_text('#!/bin/sh\necho "$* base=$PORTAL_BASE_URL"\n')
    stand_in.chmod(0o755)
    clean = {k: v for k, v in os.environ.items()
             if k not in ("PORTAL_BASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "MAKEFLAGS", "MAKELEVEL")}
    result = subprocess.run(
        ["make", "-s", "start", "PORT=8001", f"BIN={bin_dir}", f"STAMP={stand_in}"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120,
    )
    assert "make start: the web server stopped (exit status 0)" in result.stderr, result.stderr
    return [line for line in result.stdout.splitlines() if " base=" in line]


def test_make_start_on_another_port_sets_the_e_mail_base_url_to_it(tmp_path):
    lines = _start(tmp_path)
    assert lines[-1] == "manage.py runserver 127.0.0.1:8001 base=http://127.0.0.1:8001"
    assert all(line.endswith(" base=http://127.0.0.1:8001") for line in lines), lines


def test_a_configured_base_url_is_kept(tmp_path):
    lines = _start(tmp_path, PORTAL_BASE_URL="https://ssa.example.gov")
    assert lines[-1] == "manage.py runserver 127.0.0.1:8001 base=https://ssa.example.gov"
