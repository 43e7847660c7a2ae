"""Settings for the QA system, read from the environment.

One module for every environment. `DJANGO_ENV=production` turns on the production
defaults (HTTPS only, a second factor for every user, secrets from the environment);
anything else runs locally with an embedded SQLite database and a broker that needs no
server. Each variable a deployment may set is read here once, through `qa_system.env`.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF

from qa_system.env import env_bool, env_int, env_list, env_str, local_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("QA_VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_str("DJANGO_ENV", "development")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise RuntimeError("Production needs SECRET_KEY: at least 50 random characters.")
else:
    SECRET_KEY = env_str("SECRET_KEY") or local_secret_key(VAR_DIR / "secret_key")

# The key of children's pseudonyms (coredata.services.pseudonyms). Kept apart from
# SECRET_KEY so that rotating one does not change the other.
if PRODUCTION:
    PSEUDONYM_KEY = env_str("PSEUDONYM_KEY")
    if len(PSEUDONYM_KEY) < 32:
        raise RuntimeError("Production needs PSEUDONYM_KEY: at least 32 random characters.")
else:
    PSEUDONYM_KEY = env_str("PSEUDONYM_KEY") or local_secret_key(VAR_DIR / "pseudonym_key")

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The name people see in the header, page titles and emails.
SERVICE_NAME = env_str("SERVICE_NAME", "Sightline")
# The address people use to reach the app: links in emails start with it.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "organisation.apps.QAAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "rules.apps.AutodiscoverRulesConfig",
    "qa_system",
    "organisation.apps.OrganisationConfig",
    "coredata",
    "audits",
    "surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "organisation.middleware.SessionLimitsMiddleware",
    "organisation.middleware.RequireSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "qa_system.urls"
WSGI_APPLICATION = "qa_system.wsgi.application"
ASGI_APPLICATION = "qa_system.asgi.application"

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
                "qa_system.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# PostgreSQL when DATABASE_URL is set; otherwise an embedded SQLite file in WAL mode, so
# the web server and the Celery worker can read while the other writes.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "db.sqlite3"),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # A file, not memory, so that a real Celery worker process started by the
            # integration tests reads and writes the same test database; one per test
            # process, so two test runs in one checkout do not share it.
            "TEST": {"NAME": str(VAR_DIR / f"test_db_{os.getpid()}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "qa",
        }
    }
else:
    # One web process locally: an in-process cache is enough for login throttling.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication -------------------------------------------------------------------
AUTH_USER_MODEL = "organisation.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "organisation.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Accounts are created by the authority's administrators, who know the address.
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
# Throttling: five failed attempts per address in five minutes, ten per IP a minute.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/300s/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Addresses are set by the organisation's administrators, who vouch for them; without
# this allauth would refuse to set up a second factor for an address it has not verified.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_TOTP_ISSUER = SERVICE_NAME
# A second factor for every role in production; optional for the demo.
QA_REQUIRE_SECOND_FACTOR = env_bool("QA_REQUIRE_SECOND_FACTOR", default=PRODUCTION)

# Sessions end after 30 minutes without a request, and 12 hours after login in any case
# (organisation.middleware.SessionLimitsMiddleware enforces both).
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("SESSION_ABSOLUTE_HOURS", 12))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Security headers -----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# A strict policy: scripts, styles and images only from this site, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# Staff pages are in English. Survey pages for respondents are in English or Welsh, by
# their choice (the respondent pages activate it per request; no LocaleMiddleware).
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Locally and in tests whitenoise serves straight from static/ (no collectstatic step).
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"

# --- Email (an outside boundary: the console locally, SMTP in production) -------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "qa-system@localhost")

# --- API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "qa_system.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SERVICE_NAME} API",
    "DESCRIPTION": "Quality assurance data under the same visibility rules as the pages.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "status" or "kind"; each choice set gets its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "ImportRunStatusEnum": "coredata.models.imports.ImportRun.Status",
        "RefreshRunStatusEnum": "coredata.models.indicators.RefreshRun.Status",
        "AuditToolVersionStatusEnum": "audits.models.tools.AuditToolVersion.Status",
        "AuditKindEnum": "audits.models.audit.Audit.Kind",
        "AuditEventKindEnum": "audits.models.audit.AuditEvent.Kind",
        "AuditActionStatusEnum": "audits.models.audit.AuditAction.Status",
        "CampaignKindEnum": "surveys.models.campaigns.CampaignKind",
        "CampaignStatusEnum": "surveys.models.campaigns.CampaignStatus",
        "QuestionKindEnum": "surveys.models.templates.QuestionKind",
        "TemplateStatusEnum": "surveys.models.templates.TemplateStatus",
        "SectionKindEnum": "audits.models.tools.SectionKind",
    },
}

# --- Celery ---------------------------------------------------------------------------
# Redis when REDIS_URL is set. Otherwise kombu's filesystem transport: messages are files
# under var/celery, so `make run` needs no broker server and keeps queued work across
# restarts.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    _broker_dirs = {name: VAR_DIR / "celery" / name for name in ("queue", "processed", "control")}
    for _folder in _broker_dirs.values():
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dirs["queue"]),
        "data_folder_out": str(_broker_dirs["queue"]),
        "processed_folder": str(_broker_dirs["processed"]),
        "control_folder": str(_broker_dirs["control"]),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True  # Tasks record their outcome in run rows, not results.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 540)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "coredata.tasks.import_*": {"queue": "imports"},
    "coredata.tasks.refresh_*": {"queue": "indicators"},
    "*.tasks.notify_*": {"queue": "notifications"},
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# The one beat schedule. Each entry says why it runs.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Proves beat and a worker are alive: /healthz reads the time it writes.
    "heartbeat": {"task": "qa_system.tasks.heartbeat", "schedule": 30.0},
    # Nightly, so that date-driven figures (plans open a year, children not seen) move on
    # even on days nothing is imported.
    "refresh-indicators-nightly": {
        "task": "coredata.tasks.refresh_all_organisations",
        "schedule": crontab(hour=2, minute=15),
    },
    # --- Audits (audits/tasks.py) ---
    # The monthly programme draws its sample on the first of each month.
    "audits-draw-monthly-samples": {
        "task": "audits.tasks.draw_monthly_samples",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
    },
    # Reminders before due dates, escalation after them, unacknowledged escalations.
    "audits-deadline-reminders": {
        "task": "audits.tasks.notify_deadlines",
        "schedule": crontab(hour=7, minute=0),
    },
    "audits-unacknowledged-escalations": {
        "task": "audits.tasks.notify_unacknowledged_escalations",
        "schedule": crontab(minute=10),
    },
    # Audit results per unit and period, for the audit pages and the linked QA views.
    "audits-results": {
        "task": "audits.tasks.refresh_audit_results_all",
        "schedule": crontab(hour=2, minute=45),
    },
    # --- Surveys (surveys/tasks.py) ---
    # Invitations from core data events (plan ended, case closed, conference held).
    "surveys-event-invitations": {
        "task": "surveys.tasks.create_event_invitations",
        "schedule": crontab(hour=3, minute=30),
    },
    "surveys-invitation-reminders": {
        "task": "surveys.tasks.notify_invitation_reminders",
        "schedule": crontab(hour=10, minute=0),
    },
    # Child safety alerts not acknowledged in time go to the service manager.
    "surveys-safety-alert-escalation": {
        "task": "surveys.tasks.notify_unacknowledged_safety_alerts",
        "schedule": crontab(minute="*/15"),
    },
    # Closing campaigns deletes staff invitations (they only exist to send reminders).
    "surveys-close-ended-campaigns": {
        "task": "surveys.tasks.close_ended_campaigns",
        "schedule": crontab(hour=0, minute=20),
    },
    "surveys-results": {
        "task": "surveys.tasks.refresh_survey_results_all",
        "schedule": crontab(hour=3, minute=0),
    },
    # --- Linked QA views (qa_system/tasks.py) ---
    # Flags where the measures disagree, after the nightly refreshes above.
    "qa-flags": {
        "task": "qa_system.tasks.refresh_flags_all",
        "schedule": crontab(hour=4, minute=0),
    },
    # Removing what is past each organisation's retention policy, before the nightly
    # refreshes work the stored results out from what is kept.
    "qa-retention": {
        "task": "qa_system.tasks.retention_apply_all",
        "schedule": crontab(hour=1, minute=15),
    },
    # The weekly digest to each manager, Monday morning.
    "qa-weekly-digest": {
        "task": "qa_system.tasks.notify_weekly_digest",
        "schedule": crontab(day_of_week=1, hour=7, minute=30),
    },
}
# /healthz reports beat as stale when the last heartbeat is older than this.
HEARTBEAT_STALE_AFTER = timedelta(minutes=5)

# --- Logging --------------------------------------------------------------------------
# Plain lines to stderr. Nothing identifying is logged: URLs carry no child identifiers
# and tasks take only database IDs.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint narrates each step of a PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
