"""Start the test OpenID Connect provider (tests/oidc_provider, django-oauth-toolkit) as a
subprocess on a free loopback port, with its own SQLite file, keys and seeded users.

Clients (all redirect to the portal's ``/accounts/oidc/callback/`` on any loopback port):
``portal-secret`` (client_secret_basic), ``portal-jwt`` (private_key_jwt), and the fault
clients ``portal-expired`` / ``portal-tampered`` (see tests/oidc_provider/validator.py).
Users (password ``PASSWORD``): see ``USERS``.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "provider-pass-1"
SECRET = "portal-secret-value"
CLIENTS = ("portal-secret", "portal-jwt", "portal-expired", "portal-tampered")
USERS = [
    {"username": "ana", "email": "ana@state.example.gov", "groups": ["ssa-analysts"]},
    {"username": "max", "email": "max@state.example.gov", "groups": ["ssa-managers", "piv-card"]},
    {"username": "mel", "email": "mel@state.example.gov", "groups": ["ssa-managers"]},
    {"username": "dora", "email": "dora@mail.example.mil", "groups": ["ssa-analysts", "agency:DOD"]},
    {"username": "eve", "email": "eve@unknown-agency.example", "groups": ["ssa-analysts"]},
    {"username": "nogroup", "email": "nogroup@state.example.gov", "groups": ["cafeteria"]},
    {"username": "leaver", "email": "leaver@state.example.gov", "groups": ["ssa-analysts"]},
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rsa_pem() -> tuple[str, rsa.RSAPrivateKey]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return pem, key


@dataclass
class RunningProvider:
    issuer: str
    client_key_file: str  # the portal's private key for private_key_jwt
    directory: Path
    env: dict
    process: subprocess.Popen

    def manage(self, *args: str) -> None:
        """Run a management command of the provider (e.g. ``provider_user leaver --disable``)."""
        subprocess.run([sys.executable, "-m", "tests.oidc_provider.manage", *args], env=self.env, cwd=ROOT,
                       check=True, capture_output=True, timeout=60)

    def _seed(self, name: str, users: list[dict]) -> None:
        spec = self.directory / f"{name}.json"
        spec.write_text(json.dumps({"users": [{**user, "password": PASSWORD} for user in users]}))
        self.manage("provider_seed", str(spec))

    def user_groups_set(self, username: str, groups: list[str]) -> None:
        """Give provider user ``username`` (one of ``USERS``) these groups."""
        self._seed(f"user-{username}", [{**next(u for u in USERS if u["username"] == username), "groups": groups}])

    def seed_users(self) -> None:
        """Put every test user back as seeded (active, with its groups)."""
        self._seed("users", USERS)

    def portal_settings(self, key: str, client_id: str, **overrides) -> dict:
        """The portal's OIDC_PROVIDERS entry for ``client_id`` at this provider."""
        values = {
            "name": f"Test provider ({client_id})",
            "issuer": self.issuer,
            "client_id": client_id,
            "client_auth": "client_secret_basic",
            "client_secret": SECRET,
            "scopes": "openid email profile groups",
            "piv_acr_values": ["http://idmanagement.gov/ns/assurance/aal/3?hspd12=true"],
            "agency_claim": "agency",
            "agency_domains": {"state.example.gov": "DOS", "mail.example.mil": "DOD"},
            "groups_claim": "groups",
        }
        if client_id == "portal-jwt":
            values.update(client_auth="private_key_jwt", client_secret="", private_key_file=self.client_key_file)
        values.update(overrides)
        return values


def provider_start(directory: Path) -> RunningProvider:
    """Make keys, migrate, seed and start the provider; return when its discovery answers."""
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}/o"
    signing_pem, _ = _rsa_pem()
    (directory / "signing.pem").write_text(signing_pem)
    client_pem, client_key = _rsa_pem()
    (directory / "client.pem").write_text(client_pem)
    public_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(client_key.public_key()))
    (directory / "client_keys.json").write_text(json.dumps({"portal-jwt": public_jwk}))
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")},
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "PROVIDER_DB": str(directory / "provider.sqlite3"),
        "PROVIDER_ISSUER": issuer,
        "PROVIDER_SIGNING_KEY": str(directory / "signing.pem"),
        "PROVIDER_CLIENT_KEYS": str(directory / "client_keys.json"),
        "PYTHONPATH": str(ROOT),
    }
    callbacks = ["http://127.0.0.1/accounts/oidc/callback/", "http://localhost/accounts/oidc/callback/"]
    after_logout = ["http://127.0.0.1/accounts/login/", "http://localhost/accounts/login/"]
    spec = {
        "clients": [{"client_id": c, "client_secret": SECRET, "redirect_uris": callbacks,
                     "post_logout_redirect_uris": after_logout} for c in CLIENTS],
        "users": [{**user, "password": PASSWORD} for user in USERS],
    }
    (directory / "seed.json").write_text(json.dumps(spec))
    manage = [sys.executable, "-m", "tests.oidc_provider.manage"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True, timeout=120)
    subprocess.run([*manage, "provider_seed", str(directory / "seed.json")], env=env, cwd=ROOT, check=True, timeout=60)
    log = open(directory / "provider.log", "w")
    process = subprocess.Popen([*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], env=env, cwd=ROOT,
                               stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"test provider exited; see {directory / 'provider.log'}")
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).ok:
                break
        except requests.RequestException:
            pass
        time.sleep(0.2)
    else:
        process.terminate()
        raise RuntimeError("test provider did not answer within 30 s")
    return RunningProvider(issuer=issuer, client_key_file=str(directory / "client.pem"), directory=directory,
                           env=env, process=process)


def provider_stop(provider: RunningProvider) -> None:
    provider.process.terminate()
    try:
        provider.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        provider.process.kill()
