"""A small, real OpenID Connect provider (django-oauth-toolkit) for the test suite.

``tests/identity/provider.py`` runs it as a subprocess on a loopback port with its own
SQLite file; it stands in for an agency's identity provider (Login.gov, Entra ID, Okta).
Configured from environment variables that the fixture sets:

- ``PROVIDER_DB``: the SQLite file; ``PROVIDER_ISSUER``: ``http://127.0.0.1:<port>/o``;
- ``PROVIDER_SIGNING_KEY``: PEM file of the RSA key that signs ID tokens;
- ``PROVIDER_CLIENT_KEYS``: JSON file, client id -> public JWK (``private_key_jwt``).
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "test-provider-only-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oauth2_provider",
    "tests.oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "tests.oidc_provider.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [BASE_DIR / "templates"],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                                       "django.contrib.auth.context_processors.auth"]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ.get("PROVIDER_DB", "provider.sqlite3")}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
LOGIN_URL = "/accounts/login/"
# The portal runs on the same host (another port): cookies must not collide.
SESSION_COOKIE_NAME = "provider_session"
CSRF_COOKIE_NAME = "provider_csrftoken"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; test-only users

_key_file = os.environ.get("PROVIDER_SIGNING_KEY")
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": os.environ.get("PROVIDER_ISSUER", ""),
    "OIDC_RSA_PRIVATE_KEY": Path(_key_file).read_text() if _key_file else "",
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
    "PKCE_REQUIRED": True,
    "ALLOW_LOCALHOST_LOOPBACK": True,
    "SCOPES": {"openid": "OpenID Connect", "email": "E-mail", "profile": "Profile", "groups": "Groups"},
    "OAUTH2_VALIDATOR_CLASS": "tests.oidc_provider.validator.ProviderValidator",
}
