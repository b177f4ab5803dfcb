"""A fixed-window write limit per user, kept in the cache (shared when REDIS_URL is set)."""

import time

from django.conf import settings
from django.core.cache import cache

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "30/m" -> (30, 60): at most 30 writes per 60 seconds."""
    count, _, period = rate.partition("/")
    return int(count), _UNITS[period.strip()[0].lower()]


def write_allowed(user, scope: str = "write", rate: str | None = None) -> bool:
    """Count one write by the user; False once the limit of the current window is reached."""
    limit, window = parse_rate(rate or settings.WRITE_RATE_LIMIT)
    bucket = int(time.time() // window)
    key = f"ratelimit:{scope}:{user.pk}:{bucket}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    return count <= limit


RATE_LIMITED_MESSAGE = "You are posting too fast. Please wait a minute and try again."
