"""Stored cross-site scripting: what analysts write is rendered inert everywhere."""

from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.urls import reverse

from deliberation.models import Comment
from tests.factories import StrategyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Write limits are counted in the cache, which outlives a test's database."""
    cache.clear()
    yield
    cache.clear()


PAYLOADS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert('x')>",
    "[click](javascript:alert('x'))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">link</a>',
    "<svg onload=alert(1)>",
    '"><iframe src="https://evil.example"></iframe>',
]


class _Dangers(HTMLParser):
    """Collects what a browser would execute: script/iframe elements, event handler
    attributes and javascript:/data: links and sources (the site's own <link> icon aside)."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "iframe", "object", "embed"}:
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if (
                tag != "link"
                and name in {"href", "src"}
                and (value or "").strip().lower().startswith(("javascript:", "data:"))
            ):
                self.found.append(f"{tag}[{name}={value}]")


def dangers(html):
    parser = _Dangers()
    parser.feed(html)
    # The site's own scripts are files served from 'self'.
    return [item for item in parser.found if item != "script"] + [
        "inline script" for _ in range(html.count("<script>"))
    ]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_a_comment_is_rendered_inert(analyst_client, anonymous_client, payload):
    option = StrategyFactory()
    analyst_client.post(
        reverse("deliberation:comment-create", args=[option.slug]),
        {"body": f"Argument {payload}", "stance": "support"},
    )
    comment = Comment.objects.get()
    page = anonymous_client.get(option.get_absolute_url()).content.decode()
    assert dangers(comment.body_html) == []
    assert dangers(page) == []
    assert "Argument" in page


def test_payload_in_recent_activity_and_moderation_queue_is_escaped(
    analyst, analyst_client, moderator_client, anonymous_client
):
    option = StrategyFactory()
    analyst_client.post(
        reverse("deliberation:comment-create", args=[option.slug]),
        {"body": "<script>alert('home')</script>", "stance": "oppose"},
    )
    home = anonymous_client.get(reverse("policies:home")).content.decode()
    assert "<script>alert('home')</script>" not in home
    assert "&lt;script&gt;" in home
    page = anonymous_client.get(option.get_absolute_url())
    assert "script-src 'self'" in page["Content-Security-Policy"]
