"""Base settings, read from environment variables with embedded defaults.

With no ``DATABASE_URL`` the portal runs on SQLite; with no broker URL Celery runs tasks
in process (``task_always_eager``), so one command starts it on a bare machine.
PostgreSQL and Redis are the production engines and what CI tests against.
"""
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)
# Development-only fallback; ``production`` refuses to start with it.
INSECURE_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "django_celery_beat",
    "infrastructure",
    "programs",
    "evaluations",
    "assessments",
    "allocation",
    "dashboards",
    "reports",
    "api",
    "identity",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "infrastructure.middleware.ControlCharacterPathMiddleware",  # after auth: the 404 page shows the user
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "ssa_portal.urls"
WSGI_APPLICATION = "ssa_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "programs.context_processors.portal_roles",
                "notifications.context_processors.unread_notifications",
                "identity.context_processors.local_sign_in",
            ],
            # us_date / us_datetime: the one way pages show dates and times (infrastructure/dates.py);
            # counted: the one plural rule (infrastructure/wording.py).
            "builtins": ["infrastructure.templatetags.portal_dates", "infrastructure.templatetags.portal_wording"],
        },
    },
]

# Every form's widgets in the U.S. Web Design System's classes, limits stated as hints
# (infrastructure/form_rendering.py; option markup in templates/django/forms/widgets/).
FORM_RENDERER = "infrastructure.form_rendering.PortalFormRenderer"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Fail fast when the database is unreachable instead of hanging a worker.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
elif DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Readers (a page polling an import's progress) go on while a background thread
    # writes (WAL); writers queue instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", timeout=20, transaction_mode="IMMEDIATE"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "programs.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Password reset links (ssa_portal/security/passwords.py) work once and expire after an hour.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)

# E-mail (password reset links, notifications): printed on the console in development;
# production sends it over SMTP (settings in production.py).
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SSA Portal <no-reply@localhost>")
# The portal's address as users reach it: every link in an e-mail (notifications, password
# reset) starts with it (infrastructure/links.py); make start sets it from PORT when unset.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)  # seconds: a slow mail server must not hang a request

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
# Where the portal's users are: history pages show times in this zone (storage stays UTC).
DISPLAY_TIME_ZONE = env.str("DISPLAY_TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True
# Dates month first ("Dec 1, 2026"), times with their zone ("Dec 1, 2026, 9:20 PM EST"):
# ssa_portal/formats/en/formats.py, also what the admin shows.
FORMAT_MODULE_PATH = ["ssa_portal.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG  # serve from static/ in development; collectstatic in production
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "media"

# --- Celery -------------------------------------------------------------------------
# No broker configured: tasks run in process (eager). Celery still takes a producer from
# its pool for an eager call (to serialise the arguments as a publish would), which builds
# a broker connection object; with no URL that is amqp:// without a host, and kombu logs
# "No hostname was supplied. Reverting to default 'localhost'" on every save. kombu's
# in-memory transport, named with a host, is what a process without a broker has: nothing
# is published to it (eager calls run at once) and it never touches the network.
IN_PROCESS_BROKER_URL = "memory://localhost/"
_CONFIGURED_BROKER_URL = env.str("CELERY_BROKER_URL", default=env.str("REDIS_URL", default=""))
CELERY_BROKER_URL = _CONFIGURED_BROKER_URL or IN_PROCESS_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = not _CONFIGURED_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=_CONFIGURED_BROKER_URL or None) or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Two kinds of broker connection, configured apart:
# - Publishing (web processes, and tasks that enqueue more work) must never hang a request
#   when Redis is down: a 1 s connect timeout, no publish retries, no connection retries
#   (``max_retries`` in the transport options is what kombu uses when a publisher opens its
#   channel); the caller records the work as a DeferredTask instead (infrastructure/task_dispatch.py).
# - Consuming (the worker's consumer, beat's scheduler) must outlive any outage: the
#   ``broker_connection_*`` retry settings are read only by them, and retry forever with
#   kombu's back-off (2 s, 4 s, ... at most 30 s between attempts).
#   tests/operations/test_faults.py stops and restarts Redis under a running worker and beat.
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 3,
    "max_retries": 0,
    "retry_on_timeout": False,
}
# The result backend must not retry either: after Redis has gone away, its default policy
# (20 reconnection attempts, 1 s apart) held every save for 20 s (tests/operations/test_faults.py).
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "retry_policy": {"max_retries": 0}}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # forever
# How often beat republishes work deferred while the broker was down (seconds).
DEFERRED_TASKS_REPLAY_SECONDS = env.float("DEFERRED_TASKS_REPLAY_SECONDS", default=60.0)
# Full recomputes on a schedule; incremental ones are enqueued by the writes themselves.
CELERY_BEAT_SCHEDULE = {
    "replay-deferred-tasks": {
        "task": "infrastructure.tasks.deferred_tasks_replay",
        "schedule": DEFERRED_TASKS_REPLAY_SECONDS,
    },
    "selectivity-recompute-all": {
        "task": "assessments.tasks.selectivity_recompute",
        "schedule": 6 * 3600.0,
    },
    "rollups-recompute-all": {
        "task": "evaluations.tasks.rollups_recompute_all",
        "schedule": 3600.0,
    },
    # Dashboards store their figures; refresh them ahead of the first viewer.
    "dashboards-figures-refresh": {
        "task": "dashboards.tasks.figures_refresh",
        "schedule": 600.0,
    },
    # Identity: accounts their provider no longer vouches for; accounts not seen for 90 days.
    "identity-provider-accounts-verify": {
        "task": "identity.tasks.provider_accounts_verify",
        "schedule": 3600.0,
    },
    # Reporting reminders and the daily digest e-mail (notifications app).
    "notifications-digest-send": {
        "task": "notifications.tasks.digest_send",
        "schedule": 24 * 3600.0,
    },
    "identity-dormant-accounts-report": {
        "task": "identity.tasks.dormant_accounts_report",
        "schedule": 7 * 24 * 3600.0,
    },
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Dashboards: how old stored figures may be served, after their inputs changed, while a
# worker refreshes them (dashboards/selectors/snapshots.py); 0 computes them on the next view.
DASHBOARD_FIGURES_MAX_AGE = env.int("DASHBOARD_FIGURES_MAX_AGE", default=60)

# Caches. "default" stays in process memory (API throttling). "figures" holds the
# dashboards' stored figures and briefs, and the workers' heartbeat
# (infrastructure/worker_heartbeat.py); it must be shared by every web process and worker:
# FIGURES_CACHE_URL (django-environ's cache URLs: redis://host:6379/2, dbcache://table,
# filecache:///path) or, by default, the database cache on PostgreSQL (its table is
# created by the dashboards migrations) and a file cache beside the database on the
# embedded SQLite set-up.
FIGURES_CACHE_TABLE = "dashboards_figures_cache"
if env.str("FIGURES_CACHE_URL", default=""):
    _figures_cache = env.cache_url("FIGURES_CACHE_URL")
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    _figures_cache = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": FIGURES_CACHE_TABLE,
                      "OPTIONS": {"MAX_ENTRIES": 5000}}
else:
    _figures_cache = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                      "LOCATION": str(BASE_DIR / ".figures-cache"), "OPTIONS": {"MAX_ENTRIES": 5000}}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": {**_figures_cache, "TIMEOUT": None},  # entries carry their inputs' version
}

# --- REST framework -----------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first so that a missing credential answers 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadOrGrantedWrite"],
    "DEFAULT_FILTER_BACKENDS": [
        "api.filter_backend.PortalFilterBackend",
        "api.ordering.StableOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "api.renderers.CSVRenderer"],
    # JSON bodies only: a form-encoded body cannot say null, and the schema documents JSON.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ReadThrottle", "api.throttling.WriteThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_read": env.str("API_READ_RATE", default="1200/minute"),
        "api_write": env.str("API_WRITE_RATE", default="120/minute"),
    },
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.PortalContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "api.schema.PortalAutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SSA Portal API",
    "DESCRIPTION": "Security sector assistance programs, funding, measures of effectiveness, "
    "assessments, selectivity scores and evaluations.\n\n"
    "Authentication: a browser session, or `Authorization: Token <key>` for systems (tokens "
    "are issued on the portal's API tokens page, expire, and are read-only unless granted write). "
    "Lists are paged (`page`, `page_size` up to 1000), filterable (every resource takes "
    "`updated_since` for incremental sync) and ordered stably; add `format=csv` for CSV. "
    "Errors share one JSON shape: `status`, `code`, `detail` and, for 400, `errors` by field; "
    "a stale `version` on a write answers 409 with the changes made since.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.describe_accepted_values",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ImplementingPartnerKindEnum": "programs.models.ImplementingPartnerKind",
        "MoeKindEnum": "programs.models.MoeKind",
        "ProgramStatusEnum": "programs.models.ProgramStatus",
        "ApprovalStatusEnum": "programs.models.MeasurementStatus",  # same choices as AssessmentStatus
        "RollupStatusEnum": "evaluations.models.RollupStatus",
        "BandEnum": "assessments.models.Band",  # a score's band and its band before caps
        "ScenarioStatusEnum": "allocation.models.ScenarioStatus",
        "PriorityTierEnum": "programs.models.PriorityTier",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # ssa_portal.security logs every 403 once (who, where, why: ssa_portal/security/audit.py),
    # so Django's own line for it ("Forbidden (Permission denied)" with the view's traceback,
    # "Forbidden (CSRF ...)", "Forbidden: /api/...") is dropped.
    "filters": {"not_a_refusal": {"()": "ssa_portal.security.audit.NotARefusal"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's records go to the root handler alone: Django's own console handler (under
        # DEBUG) printed each of them a second time.
        "django": {"handlers": [], "level": "INFO"},
        "django.request": {"filters": ["not_a_refusal"]},
        "django.security.csrf": {"filters": ["not_a_refusal"]},
    },
}

# --- Security (docs/security.md) -------------------------------------------------------
# Apps and middleware are added here, beside the others, so the security measures stay in
# one block: CSP on every answer, logging of refusals, the absolute session limit, the
# TOTP second factor (required of administrators) and sign-in lock-out (django-axes).
import datetime as _dt  # noqa: E402

from csp.constants import NONE as _CSP_NONE, SELF as _CSP_SELF  # noqa: E402

INSTALLED_APPS += [
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ssa_portal.security.apps.SecurityConfig",
]


def _insert_after(anchor: str, *names: str) -> None:
    position = MIDDLEWARE.index(anchor) + 1
    MIDDLEWARE[position:position] = list(names)


_insert_after(
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "ssa_portal.security.audit.RefusalLogMiddleware",
)
_insert_after(
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ssa_portal.security.sessions.AbsoluteSessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ssa_portal.security.otp.OTPRequiredMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as django-axes requires

# A strict Content-Security-Policy in every profile: no inline script or style, no eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_CSP_SELF],
        "script-src": [_CSP_SELF],
        "style-src": [_CSP_SELF],
        "img-src": [_CSP_SELF, "data:"],
        "object-src": [_CSP_NONE],
        "frame-ancestors": [_CSP_NONE],
        "base-uri": [_CSP_SELF],
        "form-action": [_CSP_SELF],
    },
}

# Sign-in lock-out: 5 failures of one user name from one address lock it for 15 minutes;
# a successful sign-in resets the count. Only REMOTE_ADDR is trusted for the address.
AUTHENTICATION_BACKENDS = [
    "ssa_portal.security.backends.RequestAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
    "identity.oidc.backend.ProviderBackend",  # sign-in through an agency's identity provider
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = _dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False  # our own "ssa_portal.security" log says who, when and where

# Sessions: 30 minutes of inactivity, 12 hours at most. Activity renews the session at
# most once a minute (ssa_portal.security.sessions), not with a write on every request.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 60
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

OTP_TOTP_ISSUER = "SSA Portal"

LOGGING["loggers"]["ssa_portal.security"] = {"level": "INFO"}

# --- Identity providers (OpenID Connect; docs/security.md, "Identity providers") ------------
from .identity_providers import providers_from_env  # noqa: E402

OIDC_PROVIDERS = providers_from_env(env)
# False: only break-glass administrators sign in with a password (administrators can also
# switch it off in the admin: Identity > Sign-in policy).
LOCAL_PASSWORD_SIGN_IN = env.bool("LOCAL_PASSWORD_SIGN_IN", default=True)
