"""Annotation pages and endpoints, including requests forged to bypass the page."""

import json

import pytest
from django.urls import reverse

from deliberation.models import Annotation, AnnotationReply, Flag
from policies.models import Option
from tests.factories import AnnotationFactory, StrategyFactory, UserFactory

BODY = "Apply pressure on key sectors of the economy through targeted measures."
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def option(db):
    return StrategyFactory(body=BODY, slug="targeted")


def target(phrase="key sectors", **extra):
    start = BODY.index(phrase)
    data = {
        "field": "body",
        "start": start,
        "end": start + len(phrase),
        "exact": phrase,
        "prefix": "",
        "suffix": "",
        "body": "A note on *this*.",
        "tags": "energy, finance",
        "visibility": "shared",
    }
    data.update(extra)
    return data


def create_url(option):
    return reverse("deliberation:annotation-create", args=[option.slug])


def test_analyst_saves_a_note_with_htmx_and_gets_the_item_and_its_target(analyst_client, option):
    response = analyst_client.post(create_url(option), target(), **HTMX)
    assert response.status_code == 201
    annotation = Annotation.objects.get()
    assert f'id="annotation-{annotation.pk}"' in response.content.decode()
    assert "<em>this</em>" in response.content.decode()
    saved = json.loads(response["HX-Trigger"])["annotation-saved"]["annotation"]
    quote, position = saved["target"]["selector"]
    assert quote == {
        "type": "TextQuoteSelector",
        "exact": "key sectors",
        "prefix": "Apply pressure on ",
        "suffix": annotation.suffix,
    }
    assert position == {"type": "TextPositionSelector", "start": 18, "end": 29}
    assert annotation.tags == ["energy", "finance"]


def test_plain_form_post_redirects_to_the_passage(analyst_client, option):
    response = analyst_client.post(create_url(option), target())
    annotation = Annotation.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/options/targeted/#annotation-{annotation.pk}")


def test_mismatched_quote_gets_a_form_error_and_saves_nothing(analyst_client, option):
    response = analyst_client.post(create_url(option), target(exact="key sectorz"), **HTMX)
    assert response.status_code == 422
    assert "does not match the option" in response.content.decode()
    assert response["HX-Retarget"] == "#annotation-form"
    response = analyst_client.post(create_url(option), target(start=500, end=510))
    assert response.status_code == 400
    assert "outside the text" in response.content.decode()
    assert not Annotation.objects.exists()


def test_anonymous_visitor_cannot_annotate(anonymous_client, option):
    response = anonymous_client.post(create_url(option), target())
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Annotation.objects.exists()


def test_draft_option_answers_404_to_analyst(analyst_client):
    draft = StrategyFactory(body=BODY, status=Option.Status.DRAFT)
    assert analyst_client.post(create_url(draft), target()).status_code == 404
    url = reverse("deliberation:annotation-list-json", args=[draft.slug])
    assert analyst_client.get(url).status_code == 404


def test_json_lists_what_the_reader_may_see(analyst, other_analyst, other_analyst_client, option):
    shared = AnnotationFactory(option=option, author=analyst, start=0, end=5)
    AnnotationFactory(option=option, author=analyst, start=6, end=14, visibility="private")
    own_private = AnnotationFactory(option=option, author=other_analyst, visibility="private")
    url = reverse("deliberation:annotation-list-json", args=[option.slug])
    data = other_analyst_client.get(url).json()
    ids = {a["id"] for a in data["annotations"]}
    assert ids == {f"annotation-{shared.pk}", f"annotation-{own_private.pk}"}
    assert data["fields"]["body"]["text"] == option.body_text
    assert data["can_annotate"] is True
    first = data["annotations"][0]
    assert first["target"]["source"].endswith("/options/targeted/#field-body")


def test_anonymous_json_has_shared_annotations_only_and_read_only(
    anonymous_client, analyst, option
):
    shared = AnnotationFactory(option=option, author=analyst)
    AnnotationFactory(option=option, author=analyst, visibility="private")
    url = reverse("deliberation:annotation-list-json", args=[option.slug])
    data = anonymous_client.get(url).json()
    assert [a["id"] for a in data["annotations"]] == [f"annotation-{shared.pk}"]
    assert data["can_annotate"] is False


def test_forged_requests_on_another_analysts_private_annotation_answer_404(
    analyst, other_analyst_client, option
):
    private = AnnotationFactory(option=option, author=analyst, visibility="private", body="secret")
    for name, data in [
        ("annotation-edit", {"body": "x", "tags": "", "visibility": "shared"}),
        ("annotation-delete", {}),
        ("annotation-reply", {"body": "hello"}),
        ("annotation-flag", {"reason": "spam"}),
    ]:
        response = other_analyst_client.post(
            reverse(f"deliberation:{name}", args=[private.pk]), data
        )
        assert response.status_code == 404, name
    assert (
        other_analyst_client.get(
            reverse("deliberation:annotation-edit", args=[private.pk])
        ).status_code
        == 404
    )
    private.refresh_from_db()
    assert private.body == "secret" and private.visibility == "private"
    assert not AnnotationReply.objects.exists() and not Flag.objects.exists()


def test_forged_edit_or_delete_of_another_analysts_shared_annotation_is_forbidden(
    analyst, other_analyst_client, option
):
    shared = AnnotationFactory(option=option, author=analyst, body="original")
    edit = reverse("deliberation:annotation-edit", args=[shared.pk])
    delete = reverse("deliberation:annotation-delete", args=[shared.pk])
    assert (
        other_analyst_client.post(edit, {"body": "x", "visibility": "private"}).status_code == 403
    )
    assert other_analyst_client.post(delete).status_code == 403
    shared.refresh_from_db()
    assert shared.body == "original" and shared.visibility == "shared"


def test_author_edits_then_deletes_own_annotation(analyst, analyst_client, option):
    mine = AnnotationFactory(option=option, author=analyst)
    edit = reverse("deliberation:annotation-edit", args=[mine.pk])
    assert "A note." in analyst_client.get(edit).content.decode()
    response = analyst_client.post(edit, {"body": "Better", "tags": "x", "visibility": "private"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.body, mine.tags, mine.visibility) == ("Better", ["x"], "private")
    response = analyst_client.post(
        reverse("deliberation:annotation-delete", args=[mine.pk]), **HTMX
    )
    assert json.loads(response["HX-Trigger"]) == {
        "annotation-deleted": {"id": f"annotation-{mine.pk}"}
    }
    assert not Annotation.objects.exists()


def test_reply_flag_and_moderation_through_the_panel(
    analyst, other_analyst_client, moderator_client, option
):
    shared = AnnotationFactory(option=option, author=analyst)
    response = other_analyst_client.post(
        reverse("deliberation:annotation-reply", args=[shared.pk]), {"body": "Agreed."}, **HTMX
    )
    assert response.status_code == 200 and "Agreed." in response.content.decode()
    response = other_analyst_client.post(
        reverse("deliberation:annotation-flag", args=[shared.pk]), {"reason": "off_topic"}, **HTMX
    )
    assert response.status_code == 200
    assert Flag.objects.get().annotation == shared
    hide = reverse("deliberation:annotation-hide", args=[shared.pk])
    assert other_analyst_client.post(hide, {"reason": "mine"}).status_code == 403
    response = moderator_client.post(hide, {"reason": ""}, **HTMX)
    assert response.status_code == 422 and "Say why" in response.content.decode()
    assert moderator_client.post(hide, {"reason": "Abuse"}).status_code == 302
    shared.refresh_from_db()
    assert shared.hidden
    url = reverse("deliberation:annotation-list-json", args=[option.slug])
    assert other_analyst_client.get(url).json()["annotations"] == []


def test_option_page_shows_panel_with_filters(analyst, other_analyst, analyst_client, option):
    AnnotationFactory(option=option, author=analyst, body="my shared", tags=["energy"])
    AnnotationFactory(option=option, author=analyst, body="my private", visibility="private")
    AnnotationFactory(option=option, author=other_analyst, body="their shared")
    AnnotationFactory(
        option=option, author=other_analyst, body="their private", visibility="private"
    )
    AnnotationFactory(option=option, author=other_analyst, body="lost one", orphaned=True)
    page = analyst_client.get(option.get_absolute_url()).content.decode()
    assert "my shared" in page and "my private" in page and "their shared" in page
    assert "their private" not in page
    assert "Orphaned notes" in page and "lost one" in page
    assert "js/annotations.js" in page and "<script>" not in page
    # The panel sits in the column beside the text, before the discussion under it.
    side = page.index('class="option-side"')
    assert side < page.index('id="annotation-panel"') < page.index('id="discussion"')
    assert page.index('id="field-body"') < side
    mine = analyst_client.get(option.get_absolute_url() + "?annotations=mine").content.decode()
    assert "my shared" in mine and "their shared" not in mine
    tagged = analyst_client.get(
        option.get_absolute_url() + "?annotation_tag=energy"
    ).content.decode()
    assert "my shared" in tagged and "my private" not in tagged
    orphans = analyst_client.get(
        option.get_absolute_url() + "?annotations=orphaned"
    ).content.decode()
    assert "lost one" in orphans and "my shared" not in orphans


def test_anonymous_option_page_lists_shared_notes_read_only(anonymous_client, analyst, option):
    AnnotationFactory(option=option, author=analyst, body="visible to all")
    AnnotationFactory(option=option, author=analyst, body="kept private", visibility="private")
    page = anonymous_client.get(option.get_absolute_url()).content.decode()
    assert "visible to all" in page and "kept private" not in page
    assert 'id="annotation-form"' not in page and "Reply</button>" not in page


def _populate(option, count):
    authors = [UserFactory() for _ in range(4)]
    Annotation.objects.bulk_create(
        [
            Annotation(
                option=option,
                author=authors[i % 4],
                body=f"note {i}",
                body_html=f"<p>note {i}</p>",
                exact=option.body_text[i % 20 : i % 20 + 5],
                start=i % 20,
                end=i % 20 + 5,
                tags=[f"t{i % 3}"],
                visibility="shared" if i % 3 else "private",
            )
            for i in range(count)
        ]
    )
    for annotation in Annotation.objects.filter(option=option)[:20]:
        AnnotationReply.objects.create(
            annotation=annotation, author=authors[0], body="r", body_html="<p>r</p>"
        )


def _count_queries(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_option_page_with_200_annotations_runs_a_fixed_number_of_queries(
    analyst_client, option, django_assert_max_num_queries
):
    _populate(option, 10)
    url = option.get_absolute_url()
    small = _count_queries(analyst_client, url, django_assert_max_num_queries, 60)
    _populate(option, 190)
    large = _count_queries(analyst_client, url, django_assert_max_num_queries, 60)
    assert large == small
    json_url = reverse("deliberation:annotation-list-json", args=[option.slug])
    with django_assert_max_num_queries(8):
        data = analyst_client.get(json_url).json()
    assert len(data["annotations"]) > 130


def test_moderator_hiding_a_flagged_note_upholds_its_flags_and_restoring_dismisses_them(
    analyst, other_analyst, moderator, moderator_client, option
):
    shared = AnnotationFactory(option=option, author=analyst)
    flag = Flag.objects.create(annotation=shared, flagged_by=other_analyst, reason="spam")
    hide = reverse("deliberation:annotation-hide", args=[shared.pk])
    assert moderator_client.post(hide, {"reason": "Spam"}, **HTMX).status_code == 200
    flag.refresh_from_db()
    assert flag.resolution == Flag.Resolution.UPHELD and flag.resolved_by == moderator
    queue = moderator_client.get(reverse("deliberation:moderation-queue")).content.decode()
    assert "No open flags" in queue

    second = Flag.objects.create(annotation=shared, flagged_by=UserFactory(), reason="abuse")
    restore = reverse("deliberation:annotation-restore", args=[shared.pk])
    assert moderator_client.post(restore, {}, **HTMX).status_code == 200
    second.refresh_from_db()
    shared.refresh_from_db()
    assert not shared.hidden and second.resolution == Flag.Resolution.DISMISSED


def test_moderator_hides_a_flagged_note_from_the_queue(
    analyst, other_analyst, moderator_client, option
):
    shared = AnnotationFactory(option=option, author=analyst, body="Buy cheap watches")
    Flag.objects.create(annotation=shared, flagged_by=other_analyst, reason="spam")
    queue_url = reverse("deliberation:moderation-queue")
    queue = moderator_client.get(queue_url).content.decode()
    hide = reverse("deliberation:annotation-hide", args=[shared.pk])
    assert f'action="{hide}"' in queue
    assert f"#annotation-{shared.pk}" in queue

    response = moderator_client.post(hide, {"reason": "", "from": "queue"}, follow=True)
    assert response.redirect_chain[-1][0] == queue_url
    assert "Say why" in response.content.decode()
    shared.refresh_from_db()
    assert not shared.hidden

    response = moderator_client.post(hide, {"reason": "Spam", "from": "queue"}, follow=True)
    assert response.redirect_chain[-1][0] == queue_url
    assert "The note is hidden." in response.content.decode()
    assert "No open flags" in response.content.decode()
    shared.refresh_from_db()
    assert shared.hidden and shared.hidden_reason == "Spam"


def test_author_cannot_edit_or_delete_a_note_the_moderators_hid(
    analyst, analyst_client, moderator, option
):
    from deliberation import annotations as services

    mine = AnnotationFactory(option=option, author=analyst, body="Rude words")
    services.annotation_hide(moderator=moderator, annotation=mine, reason="Abuse")
    page = analyst_client.get(option.get_absolute_url()).content.decode()
    assert "Hidden by a moderator" in page and "Rude words" in page
    edit = reverse("deliberation:annotation-edit", args=[mine.pk])
    assert f'href="{edit}"' not in page
    assert analyst_client.get(edit).status_code == 403
    response = analyst_client.post(edit, {"body": "Nice words", "visibility": "private"})
    assert response.status_code == 403
    delete = reverse("deliberation:annotation-delete", args=[mine.pk])
    assert analyst_client.post(delete).status_code == 403
    mine.refresh_from_db()
    assert (mine.body, mine.visibility, mine.hidden) == ("Rude words", "shared", True)


def test_forged_requests_on_another_analysts_reply_are_forbidden(
    analyst, other_analyst, other_analyst_client, option
):
    shared = AnnotationFactory(option=option, author=other_analyst)
    reply = AnnotationReply.objects.create(
        annotation=shared, author=analyst, body="Mine", body_html="<p>Mine</p>"
    )
    edit = reverse("deliberation:annotation-reply-edit", args=[reply.pk])
    delete = reverse("deliberation:annotation-reply-delete", args=[reply.pk])
    assert other_analyst_client.get(edit).status_code == 403
    assert other_analyst_client.post(edit, {"body": "Yours now"}).status_code == 403
    assert other_analyst_client.post(delete).status_code == 403
    reply.refresh_from_db()
    assert reply.body == "Mine"


def test_moderator_cannot_reach_an_analysts_private_note(analyst, moderator_client, option):
    private = AnnotationFactory(option=option, author=analyst, visibility="private")
    for name in ("annotation-hide", "annotation-restore", "annotation-flag"):
        url = reverse(f"deliberation:{name}", args=[private.pk])
        assert moderator_client.post(url, {"reason": "spam"}).status_code == 404, name
    private.refresh_from_db()
    assert not private.hidden
    assert not Flag.objects.exists()
