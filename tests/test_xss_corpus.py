"""Stored XSS: every payload of tests/xss_payloads.txt goes through every text field a user
or editor can fill (option title, summary, body and kind fields, and their edits; comments
and replies; annotation notes, tags and replies; flag notes; moderation reasons; profile
name, affiliation and bio; actor names; brief titles, publishers and texts) and comes out
inert on the pages (option, history, brief, profile, moderation queue), in the admin and in
the browsable API, as parsed by html.parser; CSV cells that a spreadsheet would run as
formulas are escaped."""

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client

from deliberation.annotations import annotation_create, annotation_reply_create
from deliberation.profiles import profile_update
from deliberation.services import comment_create, comment_hide, flag_create
from policies.models import Actor, Brief, Option
from policies.services import option_create, option_update
from tests import factories as f

PAYLOADS = [
    line
    for line in (Path(__file__).parent / "xss_payloads.txt").read_text().splitlines()
    if line.strip() and not line.startswith("# ")
]
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "data",
    "background",
    "srcdoc",
    "srcset",
}
SAFE_SCHEMES = {"http", "https", "mailto"}
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
FORBIDDEN_ELEMENTS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}


def test_corpus_has_at_least_sixty_payloads():
    assert len(PAYLOADS) >= 60
    assert len(set(PAYLOADS)) == len(PAYLOADS)


class InertChecker(HTMLParser):
    """Collects every way the parsed page could run code or leave the site."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            src = attributes.get("src") or ""
            kind = (attributes.get("type") or "").lower()
            if src:
                if not src.startswith("/") or src.startswith("//"):
                    self.problems.append(f"script from elsewhere: {src!r}")
            elif kind != "application/json":
                self.problems.append("inline script element")
            self._in_script = kind or "src"
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"<{tag}> element")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() in {
            "refresh",
            "set-cookie",
        }:
            self.problems.append("<meta http-equiv> redirect or cookie")
        for name, value in attrs:
            name = name.lower()
            if name.startswith("on"):
                self.problems.append(f"event handler attribute {name}={value!r} on <{tag}>")
            if name == "style" and value and "url(" in value.lower():
                self.problems.append(f"style with url() on <{tag}>")
            if name in URL_ATTRIBUTES and value is not None:
                self.check_url(tag, name, value)

    handle_startendtag = handle_starttag

    def check_url(self, tag, name, value):
        if name == "srcdoc":
            self.problems.append(f"srcdoc on <{tag}>")
            return
        cleaned = re.sub(r"[\x00-\x20]", "", value).lower()
        match = SCHEME.match(cleaned)
        if match and match.group(1) not in SAFE_SCHEMES:
            self.problems.append(f"{name}={value!r} on <{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script == "src" and data.strip():
            self.problems.append("script element with both src and a body")
        if self._in_script == "application/json" and "</" in data:
            self.problems.append("JSON script data that could close the element")


def assert_inert(response, where):
    assert response.status_code == 200, f"{where}: {response.status_code}"
    content_type = response.get("Content-Type", "")
    if "html" not in content_type:
        assert content_type.startswith(("application/json", "text/csv")), where
        return
    checker = InertChecker()
    checker.feed(response.content.decode())
    checker.close()
    assert checker.problems == [], f"{where}: {checker.problems[:5]}"


def _fields_for(kind, text):
    if kind == Option.Kind.STRATEGY:
        return {"expected_impact": text}
    if kind == Option.Kind.INITIATIVE:
        return {"description": text, "objectives": text}
    return {"description": text, "enforcement_notes": text}


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    """One option, author, comment, reply, annotation and actor per payload: built once for
    the module inside a transaction that is rolled back at the end, as setUpTestData does."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_corpus()
        transaction.set_rollback(True)


def _build_corpus():
    kinds = list(Option.Kind.values)
    made = []
    flagger = f.UserFactory(username="xss-flagger")
    moderator = f.UserFactory(username="xss-moderator", role="Moderator")
    for n, payload in enumerate(PAYLOADS):
        user = f.UserFactory(username=f"xss{n}")
        profile_update(user=user, display_name=payload[:80], affiliation=payload[:120], bio=payload)
        actor = Actor.objects.create(name=f"{payload[:100]} #{n}", slug=f"xss-actor-{n}")
        kind = kinds[n % 3]
        text = f"Pressure works. {payload}"
        option = option_create(
            kind=kind,
            title=payload[:200],
            slug=f"xss-{n}",
            summary=payload[:300],
            body=text,
            status=Option.Status.PUBLISHED,
            actors=[actor],
            **_fields_for(kind, text),
        )
        brief = Brief.objects.create(
            title=payload[:300], slug=f"xss-brief-{n}", publisher=payload[:200], text=payload
        )
        # A second version, so the history pages show a change made of the payload.
        option_update(option=option, by=user, brief=brief, summary=f"{payload[:290]} (v2)")
        comment = comment_create(author=user, option=option, body=payload, stance="support")
        reply = comment_create(
            author=user, option=option, body=payload, stance="oppose", parent=comment
        )
        flag_create(user=flagger, comment=comment, reason="abuse", note=payload[:500])
        if n % 2:
            comment_hide(moderator=moderator, comment=reply, reason=payload[:300])
        annotation = annotation_create(
            author=user,
            option=option,
            field="body",
            start=0,
            end=8,
            exact="Pressure",
            body=payload,
            tags=[payload[:40]],
        )
        annotation_reply_create(author=user, annotation=annotation, body=payload)
        flag_create(user=flagger, annotation=annotation, reason="spam", note=payload[:500])
        made.append((user, option, comment, annotation, actor))
    return made


def test_payloads_are_inert_on_the_site_pages(db, corpus, client):
    assert_inert(client.get("/"), "home")
    assert_inert(client.get("/options/"), "option list")
    for n, (user, option, _comment, _annotation, actor) in enumerate(corpus):
        page = client.get(option.get_absolute_url())
        assert_inert(page, f"option page, payload {n}")
        assert_inert(client.get(f"/people/{user.username}/"), f"profile, payload {n}")
        if n % 5 == 0:
            assert_inert(client.get(f"/options/?actor={actor.slug}"), f"actor filter {n}")


def test_payloads_are_inert_for_signed_in_analysts(db, corpus, analyst_client):
    for n, (_user, option, *_rest) in enumerate(corpus):
        assert_inert(analyst_client.get(option.get_absolute_url()), f"option page {n}")


def test_payloads_are_inert_on_history_and_brief_pages(db, corpus, client):
    for n, (_user, option, *_rest) in enumerate(corpus):
        history = client.get(f"/options/{option.slug}/history/")
        assert_inert(history, f"history, payload {n}")
        assert "(v2)" in history.content.decode(), "the edit is on the history page"
        assert_inert(client.get(f"/briefs/xss-brief-{n}/"), f"brief, payload {n}")


def test_payloads_are_inert_for_moderators(db, corpus, moderator_client):
    """Moderators also see hidden replies with their reasons, flag notes and the queue."""
    for n, (_user, option, *_rest) in enumerate(corpus):
        if n % 3 == 0:
            assert_inert(moderator_client.get(option.get_absolute_url()), f"option page {n}")
    queue = moderator_client.get("/moderation/")
    assert_inert(queue, "moderation queue")
    assert queue.context["page_obj"].paginator.count == 2 * len(corpus)
    for page in range(2, queue.context["page_obj"].paginator.num_pages + 1):
        assert_inert(moderator_client.get(f"/moderation/?page={page}"), f"queue page {page}")


ADMIN_MODELS = [
    ("policies", "strategy"),
    ("policies", "initiative"),
    ("policies", "sanctiontype"),
    ("policies", "option"),
    ("policies", "actor"),
    ("deliberation", "comment"),
    ("deliberation", "annotation"),
    ("deliberation", "profile"),
    ("auth", "user"),
]


def test_payloads_are_inert_in_the_admin(db, corpus, staff_client):
    for app, model in ADMIN_MODELS:
        assert_inert(staff_client.get(f"/admin/{app}/{model}/"), f"admin {model} list")
    for n, (user, option, comment, annotation, actor) in enumerate(corpus):
        if n % 7:
            continue
        specific = option.specific
        for url in (
            f"/admin/policies/{specific._meta.model_name}/{option.pk}/change/",
            f"/admin/policies/{specific._meta.model_name}/{option.pk}/history/",
            f"/admin/deliberation/comment/{comment.pk}/change/",
            f"/admin/deliberation/annotation/{annotation.pk}/change/",
            f"/admin/deliberation/profile/{user.profile.pk}/change/",
            f"/admin/policies/actor/{actor.pk}/change/",
            f"/admin/auth/user/{user.pk}/change/",
        ):
            assert_inert(staff_client.get(url), f"{url} (payload {n})")


def test_payloads_are_inert_in_the_browsable_api(db, corpus, analyst):
    client = Client()
    client.force_login(analyst)
    html = {"HTTP_ACCEPT": "text/html"}
    for url in (
        "/api/options/?page_size=200",
        "/api/comments/",
        "/api/annotations/",
        "/api/actors/?page_size=200",
    ):
        assert_inert(client.get(url, **html), f"browsable {url}")
        as_json = client.get(url, HTTP_ACCEPT="application/json")
        assert as_json["Content-Type"].startswith("application/json")
        assert as_json["X-Content-Type-Options"] == "nosniff"
    for n, (_user, option, comment, *_rest) in enumerate(corpus):
        if n % 5:
            continue
        assert_inert(client.get(f"/api/options/{option.slug}/", **html), f"option api {n}")
        assert_inert(client.get(f"/api/comments/{comment.pk}/", **html), f"comment api {n}")


def test_csv_export_escapes_formula_cells(db, corpus, analyst_client):
    for url in ("/api/comments/?format=csv", "/api/options/?format=csv"):
        response = analyst_client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        content = b"".join(response.streaming_content).decode()
        cells = [cell for row in csv.reader(io.StringIO(content)) for cell in row]
        dangerous = [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
        assert dangerous == [], f"{url}: {dangerous[:5]}"
        # The formula payloads are still there, escaped rather than dropped.
        assert any("HYPERLINK" in cell for cell in cells), url
