"""A site-wide content version, so that costly public reads can be cached and still be
exact: any write moves the version on, and a cached answer is only found under the
version that was current when it was computed.

Every write reaches the site as an unsafe HTTP request (pages, API, admin) or through a
management command, and both move the version on once the write has committed. A reader
reads the version *before* it computes; if a write commits meanwhile, the answer is
stored under the old version, which nobody asks for again.

The version lives in the shared cache (Redis in production). With a per-process cache a
second server could not see the other's writes, so the response cache is only on when
settings.RESPONSE_CACHE says so (by default: when REDIS_URL is set).
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "content-version"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Bounds how stale an answer could be if something wrote to the database behind the
# site's back (a shell session, SQL by hand).
RESPONSE_TTL = 300


def enabled() -> bool:
    return getattr(settings, "RESPONSE_CACHE", False)


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A clock value, so a version lost with the cache is never handed out again.
        version = time.time_ns()
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def mark_content_changed() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet, or evicted
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


class ContentVersionMiddleware:
    """Moves the content version on after every unsafe request, once it has answered
    (its writes are committed by then)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and enabled():
            mark_content_changed()
        return response


def _changed_on_commit(sender, **kwargs):
    if enabled():
        transaction.on_commit(mark_content_changed)


def connect_signals() -> None:
    """Writes made outside a request (management commands, the shell) count too."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_changed_on_commit, dispatch_uid=f"freshness-{id(signal)}")


class RenderedPanel:
    """HTML rendered ahead, placed by `{% include %}` like a template (it renders itself)."""

    def __init__(self, html: str):
        self.html = html

    def render(self, context=None) -> str:
        return self.html


def panel_for_anonymous(request, name: str, render) -> RenderedPanel:
    """A page panel rendered by `render()`. What an anonymous reader sees is the same for
    every anonymous reader, so it comes from the shared cache while nothing changes."""
    if not enabled() or request.method != "GET" or request.user.is_authenticated:
        return RenderedPanel(render())
    url = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    key = f"panel:{content_version()}:{name}:{url}"
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, RESPONSE_TTL)
    return RenderedPanel(html)
