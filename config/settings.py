"""One settings module, driven by environment variables.

The defaults run on a fresh checkout with no services: a SQLite file, tasks run
in-process at commit, a local-memory cache and console e-mail. Production
(DEBUG off) refuses to start without a real SECRET_KEY and ALLOWED_HOSTS.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Not a secret: the key of a development checkout, refused below whenever DEBUG is off.
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # nosec B105

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="") or DEV_SECRET_KEY
ALLOWED_HOSTS = [host for host in env.list("ALLOWED_HOSTS", default=[]) if host] or (
    ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)

if not DEBUG:
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("Set SECRET_KEY to a random string of at least 50 characters when DEBUG is off.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated host names) when DEBUG is off.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # the API docs' Swagger UI and Redoc, served from here (no CDN)
    "axes",  # lockout after repeated failed logins (award/accounts/lockout.py)
    "csp",
    # The project's apps, one per audience; imports flow down this list's reverse (docs/architecture.md).
    "audit",
    "award",
    "channels_app",
    "scoring",
    "publications",
    "website",
    "dashboard",
    "api",
    "demo",
]

MIDDLEWARE = [
    "config.health.HealthCheck",  # first: the container's probe, before the host check and the HTTPS redirect
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.SecurityLog",  # the client's address for the security log; logs every 403 (outside the CSRF check)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.NumbersInRange",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "channels_app.context_processors.judging",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# Database: a SQLite file unless DATABASE_URL says otherwise
# (e.g. postgres://postgres@127.0.0.1:5432/award).
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once when the dev server and a command write at the same time; and
    # take the write lock when a transaction begins (IMMEDIATE), so that two transactions that read and then write
    # wait for each other instead of one failing with "database is locked" (SQLite cannot upgrade a reader).
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Django's own cursors bind on the client and never prepare; this lets the rescoring's statements, which bind on
    # the server (scoring/standings.py), be prepared once a connection (docs/operations.md, connection poolers).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, else local memory.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # django-redis, for its IGNORE_EXCEPTIONS: with Redis down every read is a miss and every write a no-op (logged),
    # so pages and dashboards fall back to the database instead of answering 500; short timeouts keep them quick.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "award"}}

# Celery: with no broker, tasks run in-process (at commit, since every caller
# enqueues through transaction.on_commit), so the embedded default behaves the
# same as production, only without a worker.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL.startswith("memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Europe/Oslo"
# A broker that goes away (a Redis restart, a network cut) is waited for, however long, by workers and beat: a worker
# retries at 2, 4, 6 ... s, at most 30 s apart, so it consumes again within 30 s of the broker's return
# (tests/scoring/test_outages.py). Celery gives up after 100 tries by default (about 45 minutes) and the worker ends.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A task under way when the connection is lost cannot be acknowledged, and the broker hands it out again: it is stopped
# (its transaction rolled back) rather than run twice side by side. Every task is idempotent, so the second run is the
# whole work (Celery 6's default).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Redis hands a task that was taken but never acknowledged (its worker killed) to another worker after the visibility
# timeout. Well over any task (an import job's step stops at 45 minutes, 0.75 x its stall limit of an hour), so that
# nothing still running is handed out twice; beat's repair restores the standings long before (README: worst-case
# staleness).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_BEAT_SCHEDULE = {
    "rescore-stale-editions": {
        "task": "scoring.tasks.rescore_stale_editions",
        "schedule": env.int("RESCORE_REPAIR_SECONDS", default=60),
    },
    "fail-stalled-import-jobs": {
        "task": "channels_app.tasks.fail_stalled_import_jobs",
        "schedule": 600,
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("sv", _("Swedish")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60  # the reader's choice outlives the browser session
# Every cookie is SameSite=Lax (Django's default for the session and CSRF cookies; the language cookie has none).
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Oslo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
# Production serves `collectstatic`'s output with hashed names (cached for a year) and gzip/brotli copies; while
# DEBUG is on the files are found where they are, so a checkout runs without collecting them.
if not DEBUG:
    # Static files from the application itself, compressed and cached for a year: gunicorn alone is a working site.
    # (While DEBUG is on, runserver's staticfiles serves them from where they are.)
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "whitenoise.middleware.WhiteNoiseMiddleware"
    )
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploaded files (the admin's import jobs keep their contacts.csv here): private, served by no URL, so MEDIA_URL
# stays unset. The web processes and the Celery workers must share it. A relative path is under BASE_DIR.
MEDIA_ROOT = BASE_DIR / env.str("MEDIA_ROOT", default="var/media")

# Outgoing e-mail (invitations, password resets) as one URL: printed to the console
# unless EMAIL_URL names a server, e.g. smtp+tls://user:password@smtp.example.org:587.
# Parts the URL leaves out (the console's host and port) keep Django's defaults.
vars().update({key: value for key, value in env.email_url("EMAIL_URL", default="consolemail://").items() if value is not None})
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="award@localhost")
# The site's own address for links in invitation mails (e.g. https://award.example.org); empty: the
# address of the request that sent them, as the organiser's browser reached the site.
SITE_URL = env.str("SITE_URL", default="").rstrip("/")

# The API (docs/api.md): a personal token or the browser's session (with its CSRF check); nothing without a login
# but what a view opens itself (the public results, getting a token); a token within its scopes; every error as JSON
# in the client's language; each token, and each address, throttled.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "api.permissions.TokenScopes"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerToken", "api.throttling.PerAddress"],
    "DEFAULT_THROTTLE_RATES": {
        "token": env.str("API_RATE_PER_TOKEN", default="120/min"),
        "address": env.str("API_RATE_PER_ADDRESS", default="300/min"),
    },
    "NUM_PROXIES": 0,  # the address is REMOTE_ADDR, never a header the client chose
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    # No OPTIONS answers describing a view (the schema does that): 405, never a view's serializer built for nothing.
    "DEFAULT_METADATA_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Customer Service Award API",
    "DESCRIPTION": "Judges log contacts, organisers run the year, companies read their own results, and everyone reads "
    "the published results. See docs/api.md.",
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The API's own path converters (api/converters.py), as the numbers they are.
    "PATH_CONVERTER_OVERRIDE": {
        "id": {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999_999},
        "year": {"type": "integer", "minimum": 1000, "maximum": 9999},
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Swagger UI (Redoc's page loads web fonts from another host); no validator badge, which another host draws.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None, "persistAuthorization": False},
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_errors"],
}

# Content-Security-Policy on every response (django-csp): everything from this site only, no inline script anywhere
# (the admin's own scripts are files too), no frames, no plugins. Inline style attributes stay allowed for the
# dashboard's bars, whose widths are data; no style can run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Brute force: after LOGIN_FAILURE_LIMIT failed logins an account, and separately an address, is locked out for
# LOGIN_LOCKOUT_MINUTES, on the site's login and the admin's alike (django-axes; the attempts are kept in the
# database). Behind a proxy, REMOTE_ADDR must be the client's address (set it in the proxy or gunicorn's
# --forwarded-allow-ips).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "award.accounts.lockout.locked_out"

# Company users log in on the site (the admin has its own login page) and land on their dashboard.
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

# The security log (audit/security.py, docs/security.md): one JSON line per login, refusal, publication, void and
# change, on the logger award.security, to stderr and, when SECURITY_LOG_FILE names one, to that file too (appended
# to, and reopened when logrotate moves it). It has its own handlers, so LOG_LEVEL and Celery's logging leave it alone.
SECURITY_LOG_FILE = env.str("SECURITY_LOG_FILE", default="")
security_handlers = {
    "security": {"class": "logging.StreamHandler", "formatter": "line"},  # stderr
    "security_file": {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": SECURITY_LOG_FILE,
        "formatter": "line",
        "encoding": "utf-8",
    },
}
if not SECURITY_LOG_FILE:
    del security_handlers["security_file"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}, **security_handlers},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {"award.security": {"handlers": list(security_handlers), "level": "INFO", "propagate": False}},
}
