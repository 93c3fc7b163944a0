"""Settings for the claim-and-source annotator.

Every value is read from an environment variable (README.md lists them). The
defaults are the quick start's: SQLite and a filesystem message queue in
./data, so `make run` needs no server. With DEBUG off, unsafe values stop the
process with a one-line reason (config/env.py).
"""
from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from .env import (DEV_SECRET_KEY, ImproperlyConfiguredEnv, env_app_env, env_bool, env_int,
                  env_list, env_lockout_parameters, env_non_negative_int, env_positive_int,
                  env_proxy_ssl_header, production_problems)
import os

BASE_DIR = Path(__file__).resolve().parent.parent

try:
    DEBUG = env_bool("DEBUG", False)
    # APP_ENV=production declares a production deployment, where DEBUG must be off.
    # DEBUG off is production too, whatever APP_ENV says: the guard below applies.
    APP_ENV = env_app_env()
    DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data")).resolve()
    SECRET_KEY = os.environ.get("SECRET_KEY", "") or (DEV_SECRET_KEY if DEBUG else "")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
    _problems = production_problems(debug=DEBUG, secret_key=SECRET_KEY,
                                    allowed_hosts=ALLOWED_HOSTS, app_env=APP_ENV)
    if _problems:
        raise ImproperlyConfiguredEnv("refusing to start in production mode: "
                                      + " ".join(_problems))
    CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 60)
    MAX_UPLOAD_MB = env_positive_int("MAX_UPLOAD_MB", 50)
    MAX_BODY_MB = env_positive_int("MAX_BODY_MB", 10)
    # HTTPS: cookies marked Secure and plain http redirected, unless SECURE_COOKIES=false
    # (plain http on a closed network, or a test server).
    HTTPS = env_bool("SECURE_COOKIES", not DEBUG)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
    SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header()
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
    LOGIN_FAILURE_LIMIT = env_positive_int("LOGIN_FAILURE_LIMIT", 10)
    LOGIN_COOLOFF_MINUTES = env_positive_int("LOGIN_COOLOFF_MINUTES", 15)
    # Failures from one address over every user name (config.security.LockoutHandler); 0: off.
    LOGIN_ADDRESS_FAILURE_LIMIT = env_non_negative_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30)
    AXES_LOCKOUT_PARAMETERS = env_lockout_parameters()
except ImproperlyConfiguredEnv as exc:
    # One line, no traceback: this is an operator's mistake, not a bug.
    sys.stderr.write(f"annotator: {exc}\n")
    raise SystemExit(2) from None

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "annotator",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.CSPMiddleware",  # django-csp's, its header built once
    # Before anything reads the body (config/security.py: why Django's own limit is not enough).
    "config.security.RequestBodyLimitMiddleware",
    # Query strings and form bodies that are not UTF-8: a 400 naming the field, before any
    # view reads them (Django would put U+FFFD in place of the bad bytes).
    "config.security.StrictFormMiddleware",
    "config.middleware.TokenApiLane",  # a token API request: none of the session's below
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "annotator.password_gate.PasswordChangeRequiredMiddleware",  # one-time password: its page
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "annotator.api.errors.DatabaseUnavailableMiddleware",  # database down: 503, not 500
    # Last, as django-axes asks: it turns a lockout of the HTML login forms into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
        conn_max_age=CONN_MAX_AGE,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The web server and the Celery worker write the same file: WAL lets
    # readers go on during a write, IMMEDIATE takes the write lock at BEGIN so
    # two writers queue on the busy timeout instead of failing mid-transaction.
    # Connections are kept (DB_CONN_MAX_AGE) like PostgreSQL's: opening one and
    # running its pragmas costs about a millisecond per request.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT takes seconds on the explorer's GROUP BYs and saves nothing on the
    # app's short queries: off for our connections (an `options` in DATABASE_URL is kept).
    pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    pg_options["options"] = " ".join(filter(None, [pg_options.get("options"), "-c jit=off"]))
    DATABASES["default"]["ENGINE"] = "config.postgresql"   # a health check without SELECT 1

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files (served by whitenoise, hashed names when DEBUG is off) ----
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
MEDIA_ROOT = DATA_DIR / "media"  # nothing is stored or served from here: no MEDIA_URL
# Request bodies: MAX_BODY_MB for a JSON or form body, MAX_UPLOAD_MB for a multipart upload
# (an import file), both checked on the declared length by config.security's middleware.
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_BODY_MB * 1024 * 1024
# An upload larger than this is spooled to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Security headers and cookies (docs/decisions.md, "Production settings") ----------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
# The pages hand the CSRF token to the JavaScript in their json_script config, so no
# script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = HTTPS
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# A load balancer's health check may speak plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy (django-csp): scripts and styles from this origin only, as
# files: no inline script, no eval. The API docs page widens styles and images for
# Swagger UI (config/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# --- Login lockout (django-axes): failures counted in the database --------------------
AUTHENTICATION_BACKENDS = [
    "config.security.LockoutBackend",  # refuses a locked-out caller before the password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_RESET_ON_SUCCESS = True  # a signed-in user's earlier typos are forgiven
# A fixed cool-off: attempts during a lockout are refused without being counted.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "config.security.client_ip"
# Also locks an address that fails LOGIN_ADDRESS_FAILURE_LIMIT times over any user names.
AXES_HANDLER = "config.security.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "config.security.lockout_response"  # 429, a page or JSON

# --- REST framework --------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous request then gets 401 with a WWW-Authenticate header.
    # Our own tokens (annotator.models.ApiToken), not DRF's single authtoken.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "annotator.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "annotator.api.schema.AnnotatorAutoSchema",
    "EXCEPTION_HANDLER": "annotator.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["annotator.api.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "annotator.api.renderers.ContentNegotiation",
    # JSON in UTF-8, not nested too deeply to store, every string valid Unicode and every
    # number finite: else a 400 naming the field, not a stored value that breaks reads
    "DEFAULT_PARSER_CLASSES": ["annotator.api.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Claim-and-source annotator API",
    "DESCRIPTION": "Projects, documents, spans, attributions, suggestions and reviews. "
                   "Offsets are Unicode code points, half-open [start, end).",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from the sidecar package: the docs work on a closed network.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "DocumentStatusEnum": "annotator.models.DocStatus",
        "LabelStatusEnum": "annotator.models.LabelStatus",
        "ReviewStateEnum": "annotator.models.ReviewState",
        "RoleEnum": "annotator.models.Role",
        "OriginEnum": "annotator.models.Origin",
        "TokenStatusEnum": "annotator.models.TokenStatus",
        "ExportFormatEnum": "annotator.formats.registry.export_choices",
        "ImportFormatEnum": "annotator.formats.registry.import_names",
        # A reviewer's decision on a label (a document can also be returned).
        "LabelDecisionEnum": ["approve", "reject"],
    },
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "config.security.document_refusals"],
}

# --- Celery ------------------------------------------------------------------
# Quick start: kombu's filesystem transport (a real worker, no broker server;
# docs/decisions.md says why). Production: CELERY_BROKER_URL=redis://...
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://localhost/")
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "annotator")
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # job state lives on database rows, not in a result backend
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = DATA_DIR / "broker"
    # The transport expects its folders to exist, on the sending side too.
    (_broker_dir / "queue").mkdir(parents=True, exist_ok=True)
    (_broker_dir / "processed").mkdir(parents=True, exist_ok=True)
    (_broker_dir / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Exchange bindings (kombu's default is ./control in the working directory).
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        # How often the worker looks into the queue folder (kombu's default: every second,
        # so a job waited up to a second to begin). A look is one listdir of a few files:
        # under 1 % of a CPU for an idle worker (docs/benchmarks.md, "Quick start").
        "polling_interval": 0.05,
    }
else:
    # Redis redelivers an unacknowledged message after this many seconds: it
    # must exceed the longest a task may run, or a slow task runs twice.
    # The socket timeouts bound a send to a Redis that accepts connections but does
    # not answer (paused, overloaded): without them a send blocks for ever.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 15 * 60,
                                       "socket_timeout": 5, "socket_connect_timeout": 3}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
try:  # beat writes its schedule there and does not make the folder
    DATA_DIR.mkdir(parents=True, exist_ok=True)
except OSError:  # a read-only web host that runs no beat needs none
    pass
# Pre-tagging: documents per task. Jobs of every kind: how long one may go without
# a heartbeat (running) or without starting (queued) before the watchdog sends it
# again (PRETAG_STALE_SECONDS is its old name, still read when JOB_STALE_SECONDS is not
# set); how often beat sends the watchdog.
try:
    PRETAG_BATCH_SIZE = env_int("PRETAG_BATCH_SIZE", 20)
    JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", env_int("PRETAG_STALE_SECONDS", 120))
    JOB_WATCHDOG_SECONDS = env_positive_int("JOB_WATCHDOG_SECONDS", 60)
    # How long the API remembers an Idempotency-Key and its answer (the watchdog
    # deletes older ones): far longer than any client keeps retrying.
    IDEMPOTENCY_KEY_SECONDS = env_positive_int("IDEMPOTENCY_KEY_SECONDS", 24 * 3600)
    # A project's claim grouping waits this long after a label change (0: at once).
    CLAIM_GROUPS_DELAY_SECONDS = env_int("CLAIM_GROUPS_DELAY_SECONDS", 5)
except ImproperlyConfiguredEnv as exc:
    sys.stderr.write(f"annotator: {exc}\n")
    raise SystemExit(2) from None
CELERY_BEAT_SCHEDULE = {
    # Resume jobs whose worker died (every worker also does it when it starts).
    "pretag-watchdog": {"task": "annotator.pretag_watchdog",
                        "schedule": float(JOB_WATCHDOG_SECONDS)},
}

# Import and export (docs/formats.md). Exports are zips written by workers into
# EXPORT_DIR, which the web processes must see too (one disk, or a shared one).
EXPORT_DIR = Path(os.environ.get("EXPORT_DIR", DATA_DIR / "exports")).resolve()
# Trained tagger models (one directory each), written by workers and read by the workers
# that pre-tag: like EXPORT_DIR, one disk or a shared one.
MODEL_DIR = Path(os.environ.get("MODEL_DIR", DATA_DIR / "models")).resolve()
try:
    # Finished export zips are deleted this many days after they finished (the
    # watchdog does it; 0 keeps them for ever). The job stays, its download says 410.
    EXPORT_RETENTION_DAYS = env_int("EXPORT_RETENTION_DAYS", 7)
    if EXPORT_RETENTION_DAYS < 0:
        raise ImproperlyConfiguredEnv(f"EXPORT_RETENTION_DAYS={EXPORT_RETENTION_DAYS} must be "
                                      "0 (keep for ever) or more.")
    IMPORT_MAX_LINE_KB = env_int("IMPORT_MAX_LINE_KB", 10 * 1024)       # one JSON line
    IMPORT_MAX_UNZIPPED_MB = env_int("IMPORT_MAX_UNZIPPED_MB", 500)    # a zip, unpacked
    # Training (annotator/services/training.py): the approved documents a project needs
    # before it can train a model, and the CRF's passes (fewer: faster, rougher).
    TRAINING_MIN_DOCUMENTS = env_positive_int("TRAINING_MIN_DOCUMENTS", 10)
    TRAINING_MAX_ITERATIONS = env_positive_int("TRAINING_MAX_ITERATIONS", 120)
except ImproperlyConfiguredEnv as exc:
    sys.stderr.write(f"annotator: {exc}\n")
    raise SystemExit(2) from None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"},
                # django-axes: its warnings (each failure, each lockout), not its chatter.
                "axes": {"level": "WARNING"}},
}

# --- Projects and accounts made from the browser (members page) ------------------------
try:
    # Who may create projects: "staff" (site staff, the default) or "anyone" signed in
    # (annotator.access.may_create_projects decides it for the API and the page).
    PROJECT_CREATORS = os.environ.get("PROJECT_CREATORS", "staff").strip().lower() or "staff"
    if PROJECT_CREATORS not in ("staff", "anyone"):
        raise ImproperlyConfiguredEnv(f"PROJECT_CREATORS={os.environ['PROJECT_CREATORS']!r} "
                                      "is not one of: staff, anyone.")
    # Invitations send a set-password link by e-mail. Without EMAIL_HOST the mails are
    # written to the log (console backend) and the members page shows the link to pass on.
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
    EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
        "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
        else "django.core.mail.backends.console.EmailBackend")
    EMAIL_PORT = env_positive_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 10
    DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "annotator@localhost")
    # How long an invitation's set-password link works (Django's password reset timeout).
    PASSWORD_RESET_TIMEOUT = env_positive_int("INVITE_LINK_DAYS", 7) * 24 * 3600
except ImproperlyConfiguredEnv as exc:
    sys.stderr.write(f"annotator: {exc}\n")
    raise SystemExit(2) from None
