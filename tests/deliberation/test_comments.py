"""Posting, replying, editing and deleting comments, by plain POST and by htmx."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from deliberation import services
from deliberation.models import Comment, CommentRevision, Stance
from tests.factories import CommentFactory, StrategyFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Write limits are counted in the cache, which outlives a test's database."""
    cache.clear()
    yield
    cache.clear()


def _create_url(option):
    return reverse("deliberation:comment-create", args=[option.slug])


def test_analyst_posts_an_argument_with_javascript_off(analyst, analyst_client):
    option = StrategyFactory()
    response = analyst_client.post(
        _create_url(option), {"body": "Freezing assets **works**.", "stance": "support"}
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == option.get_absolute_url() + f"#comment-{comment.pk}"
    assert comment.author == analyst
    assert comment.stance == Stance.SUPPORT
    assert comment.body_html == "<p>Freezing assets <strong>works</strong>.</p>\n"
    page = analyst_client.get(response["Location"]).content.decode()
    assert "Your argument is posted." in page
    assert "Freezing assets <strong>works</strong>." in page


def test_analyst_posts_with_htmx_and_gets_the_discussion_back(analyst_client):
    option = StrategyFactory()
    response = analyst_client.post(
        _create_url(option), {"body": "Against, because.", "stance": "oppose"}, headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="discussion"') or 'id="discussion"' in html[:200]
    assert "<html" not in html
    assert "Against, because." in html
    assert "Your argument is posted." in html


def test_other_analyst_replies_under_the_comment(other_analyst, other_analyst_client):
    parent = CommentFactory(body="Top level")
    response = other_analyst_client.post(
        _create_url(parent.option),
        {"body": "I disagree.", "stance": "oppose", "parent": parent.pk},
    )
    assert response.status_code == 302
    reply = Comment.objects.get(parent=parent)
    assert reply.author == other_analyst
    html = other_analyst_client.get(parent.option.get_absolute_url()).content.decode()
    block = html[html.index(f'id="comment-{parent.pk}"') :]
    assert block.index("Top level") < block.index("I disagree.")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"body": "", "stance": "support"}, "body", "Write something before posting."),
        ({"body": "   ", "stance": "support"}, "body", "Write something before posting."),
        (
            {"body": "x" * (settings.COMMENT_MAX_LENGTH + 1), "stance": "support"},
            "body",
            "at most 5000 characters",
        ),
        ({"body": "Fine", "stance": "maybe"}, "stance", "Choose for, against, or neutral"),
        ({"body": "Fine"}, "stance", "Choose for, against, or neutral"),
    ],
)
def test_bad_comment_gets_an_error_next_to_the_field_and_saves_nothing(
    analyst_client, data, field, message
):
    option = StrategyFactory()
    response = analyst_client.post(_create_url(option), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert f'id="id_new_{field}_error"' in html
    assert Comment.objects.count() == 0


def test_bad_comment_by_htmx_returns_the_form_with_its_error(analyst_client):
    option = StrategyFactory()
    response = analyst_client.post(
        _create_url(option), {"body": "", "stance": "support"}, headers=HTMX
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#new"
    assert "Write something before posting." in response.content.decode()
    assert Comment.objects.count() == 0


def test_reply_to_a_comment_on_another_option_is_refused(analyst_client):
    elsewhere = CommentFactory()
    option = StrategyFactory()
    response = analyst_client.post(
        _create_url(option), {"body": "Sneaky", "stance": "neutral", "parent": elsewhere.pk}
    )
    assert response.status_code == 400
    assert "same option" in response.content.decode()
    assert Comment.objects.count() == 1


def test_comment_on_non_existent_option_is_404(analyst_client):
    response = analyst_client.post(
        reverse("deliberation:comment-create", args=["no-such-option"]),
        {"body": "Hello", "stance": "support"},
    )
    assert response.status_code == 404
    assert Comment.objects.count() == 0


def test_anonymous_visitor_cannot_post(anonymous_client):
    option = StrategyFactory()
    response = anonymous_client.post(_create_url(option), {"body": "Hi", "stance": "support"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert Comment.objects.count() == 0


def test_author_edits_and_the_earlier_version_is_kept(analyst, analyst_client):
    comment = CommentFactory(author=analyst, body="First take", stance=Stance.SUPPORT)
    url = reverse("deliberation:comment-edit", args=[comment.pk])
    form = analyst_client.get(url)
    assert form.status_code == 200
    assert "First take" in form.content.decode()
    response = analyst_client.post(url, {"body": "Second take", "stance": "neutral"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Second take"
    assert comment.stance == Stance.NEUTRAL
    assert comment.edited is not None
    revision = CommentRevision.objects.get(comment=comment)
    assert (revision.body, revision.stance) == ("First take", Stance.SUPPORT)
    html = analyst_client.get(comment.option.get_absolute_url()).content.decode()
    assert "(edited)" in html


def test_edit_form_by_htmx_is_a_fragment(analyst, analyst_client):
    comment = CommentFactory(author=analyst, body="Draft")
    response = analyst_client.get(
        reverse("deliberation:comment-edit", args=[comment.pk]), headers=HTMX
    )
    html = response.content.decode()
    assert "<html" not in html
    assert f'id="edit-{comment.pk}"' in html
    assert "Draft" in html


def test_author_deletes_and_replies_keep_their_place(analyst, analyst_client):
    comment = CommentFactory(author=analyst, body="Regrettable")
    reply = CommentFactory(option=comment.option, parent=comment, body="A reply stays")
    response = analyst_client.post(reverse("deliberation:comment-delete", args=[comment.pk]))
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.deleted and comment.body == "" and comment.body_html == ""
    assert Comment.objects.filter(pk=reply.pk, parent=comment).exists()
    html = analyst_client.get(comment.option.get_absolute_url()).content.decode()
    assert "Regrettable" not in html
    assert "This comment was deleted by its author." in html
    assert html.index(f'id="comment-{comment.pk}"') < html.index("A reply stays")


def test_service_refuses_over_long_body(analyst):
    option = StrategyFactory()
    with pytest.raises(services.ValidationError) as error:
        services.comment_create(
            author=analyst, option=option, body="x" * 5001, stance=Stance.SUPPORT
        )
    assert "body" in error.value.message_dict
    assert Comment.objects.count() == 0


def test_posting_too_fast_is_limited(analyst_client, settings):
    settings.WRITE_RATE_LIMIT = "2/m"
    option = StrategyFactory()
    for _ in range(2):
        response = analyst_client.post(_create_url(option), {"body": "Hi", "stance": "support"})
        assert response.status_code == 302
    response = analyst_client.post(_create_url(option), {"body": "Again", "stance": "support"})
    assert response.status_code == 429
    assert "posting too fast" in response.content.decode()
    assert Comment.objects.count() == 2
