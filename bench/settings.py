"""Settings for the benchmark server: Husly's own settings, plus the floor page.

Two-factor is off because the benchmark logs its users in directly (a session made in-process);
every page still runs the same middleware, access checks and templates as in production.
"""

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
HUSLY_REQUIRE_2FA = False
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
# Login attempts are not what is measured; keep lockout from counting the setup logins.
AXES_ENABLED = False
