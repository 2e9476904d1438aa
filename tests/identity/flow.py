"""Going through a sign-in at the test provider without a browser: a ``requests`` session
plays the person at the provider, Django's test client plays their browser at the portal."""
from __future__ import annotations

from urllib.parse import urlparse

import requests
from django.test import Client

from tests.identity.provider import PASSWORD, RunningProvider

PORTAL_HOST = "127.0.0.1"  # a loopback redirect URI the provider accepts on any port


def portal_client() -> Client:
    return Client(HTTP_HOST=PORTAL_HOST)


def provider_session(provider: RunningProvider, username: str) -> requests.Session:
    """A session signed in at the provider as ``username``."""
    session = requests.Session()
    origin = provider.issuer.rsplit("/o", 1)[0]
    session.get(f"{origin}/accounts/login/", timeout=10)
    answer = session.post(f"{origin}/accounts/login/", timeout=10, allow_redirects=False, data={
        "username": username, "password": PASSWORD, "next": "/",
        "csrfmiddlewaretoken": session.cookies["provider_csrftoken"]})
    if answer.status_code != 302:
        raise AssertionError(f"the provider did not sign {username} in")
    return session


def callback_path(client: Client, provider_key: str, at_provider: requests.Session) -> str:
    """Start a sign-in at the portal, let the provider answer; returns the portal callback
    path with its code and state (what the browser would follow)."""
    start = client.get(f"/accounts/oidc/{provider_key}/")
    assert start.status_code == 302, start.content[:500]
    answer = at_provider.get(start["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    target = urlparse(answer.headers["Location"])
    assert target.path == "/accounts/oidc/callback/", answer.headers["Location"]
    return f"{target.path}?{target.query}"


def sign_in_through(client: Client, provider: RunningProvider, provider_key: str, username: str):
    """The whole sign-in; returns the portal's answer to the callback."""
    return client.get(callback_path(client, provider_key, provider_session(provider, username)))
