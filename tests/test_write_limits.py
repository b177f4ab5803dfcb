"""Writes per analyst are limited (WRITE_RATE_LIMIT, 30 a minute by default): arguments,
edits, flags, notes and note replies, in the browser and the API, counted together in the
cache that every server shares. Past the limit the answer says so and nothing is saved."""

import pytest
from django.urls import reverse

from deliberation.models import Annotation, AnnotationReply, Comment, Flag
from tests.api.conftest import api_client
from tests.factories import AnnotationFactory, CommentFactory, StrategyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def two_writes_a_minute(settings):
    settings.WRITE_RATE_LIMIT = "2/m"


@pytest.fixture
def option(db):
    return StrategyFactory(slug="targeted-sanctions")


def _note_data(option, start=6, end=14):
    text = option.rendered_text("body")
    return {
        "field": "body",
        "start": start,
        "end": end,
        "exact": text[start:end],
        "prefix": text[max(0, start - 32) : start],
        "suffix": text[end : end + 32],
        "body": "A note.",
        "visibility": "shared",
    }


def _argue(client, option, body):
    return client.post(
        reverse("deliberation:comment-create", args=[option.slug]),
        {"body": body, "stance": "support"},
    )


def test_analyst_writing_notes_too_fast_is_limited(analyst_client, option):
    url = reverse("deliberation:annotation-create", args=[option.slug])
    codes = [analyst_client.post(url, _note_data(option)).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert Annotation.objects.count() == 2
    third = analyst_client.post(url, _note_data(option))
    assert "posting too fast" in third.content.decode()


def test_past_the_limit_the_htmx_note_form_shows_the_message(analyst_client, option):
    url = reverse("deliberation:annotation-create", args=[option.slug])
    for _ in range(2):
        assert analyst_client.post(url, _note_data(option), HTTP_HX_REQUEST="true").status_code == (
            201
        )
    response = analyst_client.post(url, _note_data(option), HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "posting too fast" in response.content.decode()
    assert Annotation.objects.count() == 2


def test_note_replies_flags_and_edits_count_towards_the_same_limit(analyst, analyst_client, option):
    note = AnnotationFactory(option=option, body="Someone's note.")
    own = AnnotationFactory(option=option, author=analyst, body="Mine.")
    reply = analyst_client.post(
        reverse("deliberation:annotation-reply", args=[note.pk]), {"body": "Agreed."}
    )
    edit = analyst_client.post(
        reverse("deliberation:annotation-edit", args=[own.pk]),
        {"body": "Mine, edited.", "visibility": "shared"},
    )
    assert (reply.status_code, edit.status_code) == (302, 302)
    flag = analyst_client.post(
        reverse("deliberation:annotation-flag", args=[note.pk]), {"reason": "spam"}
    )
    assert flag.status_code == 429
    assert not Flag.objects.exists()
    late_reply = analyst_client.post(
        reverse("deliberation:annotation-reply", args=[note.pk]),
        {"body": "Late."},
        HTTP_HX_REQUEST="true",
    )
    assert late_reply.status_code == 422
    assert "posting too fast" in late_reply.content.decode()
    assert list(AnnotationReply.objects.values_list("body", flat=True)) == ["Agreed."]


def test_flagging_arguments_counts_towards_the_limit(analyst_client, option):
    assert _argue(analyst_client, option, "One.").status_code == 302
    assert _argue(analyst_client, option, "Two.").status_code == 302
    target = CommentFactory(option=option)
    response = analyst_client.post(
        reverse("deliberation:comment-flag", args=[target.pk]), {"reason": "spam"}
    )
    assert response.status_code == 429
    assert not Flag.objects.exists()


def test_the_limit_counts_browser_and_api_writes_together(analyst, analyst_client, option):
    assert _argue(analyst_client, option, "From the page.").status_code == 302
    api = api_client(analyst)
    response = api.post(
        "/api/comments/", {"option": option.slug, "body": "From the API."}, format="json"
    )
    assert response.status_code == 201
    response = api.post(
        "/api/flags/",
        {"comment": CommentFactory(option=option).pk, "reason": "spam"},
        format="json",
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert _argue(analyst_client, option, "Again from the page.").status_code == 429
    assert Comment.objects.filter(author=analyst).count() == 2


def test_each_analyst_has_their_own_limit(analyst_client, other_analyst_client, option):
    for n in range(2):
        assert _argue(analyst_client, option, f"Ana {n}").status_code == 302
    assert _argue(analyst_client, option, "Ana again").status_code == 429
    assert _argue(other_analyst_client, option, "Oscar").status_code == 302


def test_notes_written_through_the_api_count_towards_the_same_limit(analyst, option):
    api = api_client(analyst)
    note = {"option": option.slug, **_note_data(option)}
    assert api.post("/api/annotations/", note, format="json").status_code == 201
    assert api.post("/api/annotations/", note, format="json").status_code == 201
    response = api.post("/api/annotations/", note, format="json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Annotation.objects.filter(author=analyst).count() == 2
