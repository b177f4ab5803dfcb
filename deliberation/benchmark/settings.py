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
# No rate at all, rather than a huge one: DRF's throttles keep every request's time in
# the window, and a million a minute would make each request read and write that list.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {scope: None for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]},
}
WRITE_RATE_LIMIT = "1000000/m"
