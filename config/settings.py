"""Husly settings: one module, every deployment choice read from the environment.

See docs/configuration.md for the variables. Defaults give a safe local install on SQLite:
DEBUG off, a secret key generated once under var/, two-factor required.
"""

import os
import re
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HUSLY_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    # A local install keeps one generated key so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_flag("DEBUG")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

# The demo municipality runs on synthetic identities and lets staff skip two-factor.
HUSLY_DEMO = env_flag("HUSLY_DEMO")
HUSLY_ALLOW_SYNTHETIC_IDS = env_flag("HUSLY_ALLOW_SYNTHETIC_IDS", HUSLY_DEMO)
HUSLY_REQUIRE_2FA = env_flag("HUSLY_REQUIRE_2FA", not HUSLY_DEMO)
HUSLY_HTTPS = env_flag("HUSLY_HTTPS")

INSTALLED_APPS = [
    # The admin site is husly.accounts.admin_site.site (administrators with two-factor, ADR 0014).
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # WhiteNoise serves the hashed files from collectstatic under runserver too (make demo).
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "husly.common",
    "husly.accounts",
    "husly.access",
    "husly.people",
    "husly.housing",
    "husly.allocation",
    "husly.followup",
    "husly.board",
    "husly.outcomes",
    "husly.financing",
    "husly.fidelity",
    "husly.guidance",
    "husly.forum",
    "husly.costs",
    "husly.reminders",
    "husly.inbox",
    "husly.integrations",
    "husly.imports",
    "husly.demo",
    "husly.api",
    "ninja",
]

MIDDLEWARE = [
    # Outermost, so its time covers the whole request; it reads who it was after the answer.
    "husly.common.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "husly.access.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "husly.accounts.middleware.SsoLogoutFormActionMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "husly.access.context_processors.staff",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'husly.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Answers only the SSO callback's claims (husly.accounts.sso); inert without them.
    "husly.accounts.backends.OIDCBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Inactivity expiry: every request renews the cookie, so the age is time since last use.
SESSION_COOKIE_AGE = int(os.environ.get("HUSLY_SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HUSLY_HTTPS
# No JavaScript reads the CSRF cookie: forms, htmx included, send the token as a form field.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = HUSLY_HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = HUSLY_HTTPS
if HUSLY_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_flag("HUSLY_SSL_REDIRECT", True)
    # systemd and the proxy ask for health over plain HTTP on the loopback (docs/deploy.md).
    SECURE_REDIRECT_EXEMPT = [r"^helse/$"]
    SECURE_HSTS_SECONDS = 31536000
    # Both apply to Husly's own host name and the names below it only (ADR 0014).
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Form fields and JSON bodies; uploaded files do not count here and stream to temporary files
# above FILE_UPLOAD_MAX_MEMORY_SIZE (the services cap photos at 5 MB, consent scans at 10 MB;
# the reverse proxy caps the whole request body).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default, 2.5 MB
# Photos and scans are read only through the app: nobody else on the server reads them.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Emergency access (break the glass) lasts this many hours, then needs a new reason.
HUSLY_BREAK_GLASS_HOURS = int(os.environ.get("HUSLY_BREAK_GLASS_HOURS", "12"))

# E-mail (the daily reminders, husly.reminders). Mails go to the console (the journal of the
# timer's service) until a mail server is named; EMAIL_BACKEND overrides the choice.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST and not HUSLY_DEMO
    else "django.core.mail.backends.console.EmailBackend")
EMAIL_USE_SSL = env_flag("EMAIL_USE_SSL")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", not EMAIL_USE_SSL)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or (465 if EMAIL_USE_SSL else
                                                  587 if EMAIL_USE_TLS else 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Husly <husly@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where staff reach Husly: the links in the mails start with it.
HUSLY_BASE_URL = os.environ.get("HUSLY_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Calls per integration token (ADR 0027): "<count>/<s|m|h|d>". Counted in Django's cache, so
# several web processes need a shared cache to enforce one limit between them.
HUSLY_API_TOKEN_RATE = os.environ.get("HUSLY_API_TOKEN_RATE", "120/m").strip()
if not re.fullmatch(r"[1-9][0-9]*/[0-9]*(s|sec|m|min|h|hour|d|day)", HUSLY_API_TOKEN_RATE):
    raise ImproperlyConfigured(
        f"HUSLY_API_TOKEN_RATE must look like 120/m (calls per s, m, h or d), not "
        f"{HUSLY_API_TOKEN_RATE!r}.")

AXES_FAILURE_LIMIT = int(os.environ.get("HUSLY_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Husly"

# Single sign-on with OpenID Connect (ADR 0025): on when an issuer and a client id are set.
# The endpoints come from <issuer>/.well-known/openid-configuration. The IdP only says who
# the person is; the Husly user must exist, be active and have a role.
HUSLY_OIDC_ISSUER = os.environ.get("HUSLY_OIDC_ISSUER", "").strip().rstrip("/")
HUSLY_OIDC_CLIENT_ID = os.environ.get("HUSLY_OIDC_CLIENT_ID", "").strip()
HUSLY_OIDC_CLIENT_SECRET = os.environ.get("HUSLY_OIDC_CLIENT_SECRET", "")
HUSLY_OIDC_SCOPES = os.environ.get("HUSLY_OIDC_SCOPES", "").strip() or "openid email profile"
HUSLY_OIDC_NAME = os.environ.get("HUSLY_OIDC_NAME", "").strip() or "Entra ID"
HUSLY_OIDC_USERNAME_CLAIM = os.environ.get("HUSLY_OIDC_USERNAME_CLAIM", "").strip() or "email"
HUSLY_OIDC_USERNAME_FIELD = os.environ.get("HUSLY_OIDC_USERNAME_FIELD", "").strip() or "email"
if HUSLY_OIDC_USERNAME_FIELD not in {"email", "username", "sso_identifier"}:
    raise ImproperlyConfigured(
        "HUSLY_OIDC_USERNAME_FIELD must be email, username or sso_identifier.")
# private_key_jwt instead of the client secret (ID-porten, HelseID): a private RSA or EC key,
# a JWK (JSON) or PEM file readable by the service user only; its key id for a PEM file.
HUSLY_OIDC_PRIVATE_KEY_FILE = os.environ.get("HUSLY_OIDC_PRIVATE_KEY_FILE", "").strip()
HUSLY_OIDC_PRIVATE_KEY_ID = os.environ.get("HUSLY_OIDC_PRIVATE_KEY_ID", "").strip()
HUSLY_OIDC_REQUIRE_MFA = env_flag("HUSLY_OIDC_REQUIRE_MFA")
HUSLY_OIDC_LOGOUT = env_flag("HUSLY_OIDC_LOGOUT")
HUSLY_OIDC_TIMEOUT_SECONDS = float(os.environ.get("HUSLY_OIDC_TIMEOUT_SECONDS", "10"))

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("nn", _("Norwegian Nynorsk")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": VAR_DIR / "media"}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Without collectstatic (tests, a fresh checkout) templates still resolve unhashed names.
WHITENOISE_MANIFEST_STRICT = False
WHITENOISE_USE_FINDERS = env_flag("HUSLY_STATIC_FINDERS", DEBUG)

# A cache shared by every web process (rate limits of the integration API, ADR 0027): Redis
# in production (HUSLY_CACHE_URL=redis://127.0.0.1:6379/1); otherwise each process has its own.
HUSLY_CACHE_URL = os.environ.get("HUSLY_CACHE_URL", "")
if HUSLY_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": HUSLY_CACHE_URL, "KEY_PREFIX": "husly"}}
elif HUSLY_CACHE_URL:
    raise ValueError("HUSLY_CACHE_URL must start with redis://, rediss:// or unix://")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Logs: plain lines for a developer, one JSON object a line in production
# (HUSLY_LOG_FORMAT=json). Neither carries person data: see husly/common/logs.py.
HUSLY_LOG_FORMAT = os.environ.get("HUSLY_LOG_FORMAT", "plain")
if HUSLY_LOG_FORMAT not in ("plain", "json"):
    raise ValueError("HUSLY_LOG_FORMAT must be plain or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"()": "husly.common.logs.PlainFormatter",
                             "format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
                   "json": {"()": "husly.common.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler",
                             "formatter": HUSLY_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Configuring "django" drops Django's default handlers, mail_admins among them: no error
        # report with request data or local variables is ever e-mailed.
        "django": {"level": "INFO"},
        # Request logs carry URLs only; URLs never carry health data (see docs/security.md).
        "django.request": {"level": "WARNING"},
        # One line a request (route pattern, status, ms, who); off with LOG_LEVEL=WARNING.
        "husly.request": {"level": os.environ.get("HUSLY_REQUEST_LOG_LEVEL", "INFO")},
        # runserver's own request lines carry the full path and query: the line above has
        # what is needed without them.
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # Its progress lines name every step of every letter: noise, and no use in operation.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Error reports never show POST data, nor local variables unless DEBUG is on.
DEFAULT_EXCEPTION_REPORTER_FILTER = "husly.common.reporting.HideRequestDataFilter"
