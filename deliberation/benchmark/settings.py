"""The production settings, plus the baseline views, for the benchmark server only.

Rate limits are lifted (the load generator is one client hammering the site on
purpose) and HTTPS redirects are off because the load runs over plain loopback.
Everything else (DEBUG off, the psycopg pool, whitenoise, middleware) is production.
"""

from deliberation.settings import *  # noqa: F403
from deliberation.settings import REST_FRAMEWORK

ROOT_URLCONF = "deliberation.benchmark.urls"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
UNLIMITED = "1000000/min"
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        scope: UNLIMITED for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    },
}
WRITE_RATE_LIMIT = "1000000/m"
