"""Production profile: refuses to start with a weak secret key (the rule is in
``secret_key``) or with the test client's host name allowed, serves static files only from
``collectstatic``'s output, sends e-mail over SMTP and turns on the secure transport
settings. Select with ``DJANGO_SETTINGS_MODULE=ssa_portal.settings.production``."""
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import INSECURE_DEV_SECRET_KEY, SECRET_KEY, env
from .secret_key import secret_key_problem

DEBUG = env.bool("DEBUG", default=False)
_secret_key_problem = secret_key_problem(SECRET_KEY, development_key=INSECURE_DEV_SECRET_KEY)
if _secret_key_problem:
    raise ImproperlyConfigured(
        f"{_secret_key_problem} Production needs a random value: "
        'python -c "import secrets; print(secrets.token_urlsafe(64))"'
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
if "testserver" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must not contain 'testserver' (the test client's host) in production.")
WHITENOISE_USE_FINDERS = False  # static files from collectstatic's STATIC_ROOT only

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
