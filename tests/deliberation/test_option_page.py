"""The discussion panel of an option page: tally, thread, summary, constant queries."""

from datetime import timedelta

import pytest
from django.urls import reverse

from deliberation.models import Comment, Stance
from tests.factories import (
    CommentFactory,
    EndorsementFactory,
    StrategyFactory,
    UserFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_reads_discussion_and_is_invited_to_log_in(anonymous_client):
    option = StrategyFactory(title="Targeted Sanctions")
    CommentFactory(option=option, body="Freezes hurt the elite.", stance=Stance.SUPPORT)
    VoteFactory(option=option, choice="support")
    response = anonymous_client.get(option.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Freezes hurt the elite." in html
    assert "to add your argument" in html
    assert 'name="body"' not in html
    assert '<svg class="tally-bar"' in html
    assert 'data-tally="support">1<' in html


def test_arguments_for_and_against_are_in_their_own_columns(analyst_client):
    option = StrategyFactory()
    CommentFactory(option=option, body="Pro point", stance=Stance.SUPPORT)
    CommentFactory(option=option, body="Contra point", stance=Stance.OPPOSE)
    html = analyst_client.get(option.get_absolute_url()).content.decode()
    column_for = html.index('id="column-for"')
    column_against = html.index('id="column-against"')
    assert column_for < html.index("Pro point") < column_against < html.index("Contra point")
    assert 'data-summary="for">1<' in html
    assert 'data-summary="against">1<' in html


def test_summary_names_the_most_endorsed_argument_on_each_side(analyst_client):
    option = StrategyFactory()
    weak = CommentFactory(option=option, body="Weak pro", stance=Stance.SUPPORT)
    strong = CommentFactory(option=option, body="Strong pro", stance=Stance.SUPPORT)
    Comment.objects.filter(pk=strong.pk).update(endorsement_count=3)
    Comment.objects.filter(pk=weak.pk).update(endorsement_count=1)
    html = analyst_client.get(option.get_absolute_url()).content.decode()
    summary = html[
        html.index("Most endorsed argument for") : html.index("Most endorsed argument against")
    ]
    assert "Strong pro" in summary
    assert "Weak pro" not in summary


def test_sort_by_most_endorsed_puts_endorsed_argument_first(analyst_client):
    option = StrategyFactory()
    CommentFactory(option=option, body="Early and ignored")
    popular = CommentFactory(option=option, body="Late and popular")
    for _ in range(2):
        EndorsementFactory(comment=popular)
    Comment.objects.filter(pk=popular.pk).update(endorsement_count=2)
    url = option.get_absolute_url()
    oldest = analyst_client.get(url).content.decode()
    column = oldest[oldest.index('id="column-for"') :]
    assert column.index("Early and ignored") < column.index("Late and popular")
    endorsed = analyst_client.get(url + "?sort=endorsed").content.decode()
    column = endorsed[endorsed.index('id="column-for"') :]
    assert column.index("Late and popular") < column.index("Early and ignored")
    newest = analyst_client.get(url + "?sort=newest").content.decode()
    column = newest[newest.index('id="column-for"') :]
    assert column.index("Late and popular") < column.index("Early and ignored")


def test_an_action_sent_by_htmx_keeps_the_order_the_reader_chose(analyst_client):
    option = StrategyFactory()
    early = CommentFactory(option=option, body="Early and ignored")
    popular = CommentFactory(option=option, body="Late and popular")
    Comment.objects.filter(pk=popular.pk).update(endorsement_count=2)
    page = "http://testserver" + option.get_absolute_url() + "?sort=endorsed"
    response = analyst_client.post(
        reverse("deliberation:comment-endorse", args=[early.pk]),
        headers={"HX-Request": "true", "HX-Current-URL": page},
    )
    html = response.content.decode()
    assert '<strong aria-current="true">Most endorsed</strong>' in html
    column = html[html.index('id="column-for"') :]
    assert column.index("Late and popular") < column.index("Early and ignored")


@pytest.mark.parametrize(
    "sort, query",
    [("newest", "?sort=newest"), ("oldest", ""), ("bogus", "")],
)
def test_without_javascript_an_action_returns_to_the_thread_in_its_order(
    analyst_client, sort, query
):
    option = StrategyFactory()
    comment = CommentFactory(option=option)
    page = "http://testserver" + option.get_absolute_url() + f"?sort={sort}"
    response = analyst_client.post(
        reverse("deliberation:comment-endorse", args=[comment.pk]), headers={"Referer": page}
    )
    assert response.status_code == 302
    assert response["Location"] == option.get_absolute_url() + query + f"#comment-{comment.pk}"
    followed = analyst_client.get(response["Location"]).content.decode()
    if sort == "newest":
        assert '<strong aria-current="true">Newest first</strong>' in followed


@pytest.mark.parametrize("header", ["Referer", "HX-Current-URL"])
def test_a_malformed_page_address_in_a_header_is_ignored(analyst_client, header):
    option = StrategyFactory()
    comment = CommentFactory(option=option)
    response = analyst_client.post(
        reverse("deliberation:comment-endorse", args=[comment.pk]),
        headers={header: "http://[", **({"HX-Request": "true"} if header != "Referer" else {})},
    )
    assert response.status_code in (200, 302)
    assert comment.endorsements.count() == 1


def test_deep_replies_are_collapsed_behind_a_link_that_loads_them(analyst_client):
    option = StrategyFactory()
    parent = CommentFactory(option=option, body="Level 0")
    for depth in range(1, 8):
        parent = CommentFactory(option=option, parent=parent, body=f"Level {depth}")
    html = analyst_client.get(option.get_absolute_url()).content.decode()
    assert "Level 4" in html
    assert "Level 5" not in html
    assert "Show 3 more replies" in html
    level4 = Comment.objects.get(body="Level 4")
    replies_url = reverse("deliberation:comment-replies", args=[level4.pk])
    assert replies_url in html
    page = analyst_client.get(replies_url).content.decode()
    assert "Level 5" in page and "Level 6" in page and "Level 7" in page
    partial = analyst_client.get(replies_url, headers={"HX-Request": "true"}).content.decode()
    assert "Level 7" in partial
    assert "<html" not in partial


def test_deep_replies_keep_the_threads_order(analyst_client):
    option = StrategyFactory()
    parent = CommentFactory(option=option, body="Level 0")
    for depth in range(1, 5):
        parent = CommentFactory(option=option, parent=parent, body=f"Level {depth}")
    first = CommentFactory(option=option, parent=parent, body="First deep reply")
    CommentFactory(option=option, parent=parent, body="Second deep reply")
    Comment.objects.filter(pk=first.pk).update(created=first.created - timedelta(hours=1))
    replies_url = reverse("deliberation:comment-replies", args=[parent.pk])

    page = analyst_client.get(option.get_absolute_url() + "?sort=newest").content.decode()
    assert f'href="{replies_url}?sort=newest"' in page
    newest = analyst_client.get(replies_url + "?sort=newest").content.decode()
    assert newest.index("Second deep reply") < newest.index("First deep reply")
    loaded = analyst_client.get(
        replies_url,
        headers={
            "HX-Request": "true",
            "HX-Current-URL": "http://testserver" + option.get_absolute_url() + "?sort=newest",
        },
    ).content.decode()
    assert loaded.index("Second deep reply") < loaded.index("First deep reply")


def test_analyst_sees_own_vote(analyst, analyst_client):
    option = StrategyFactory()
    VoteFactory(option=option, voter=analyst, choice="oppose")
    html = analyst_client.get(option.get_absolute_url()).content.decode()
    assert "You voted <strong>oppose</strong>" in html


def _thread(option, count):
    authors = UserFactory.create_batch(3)
    roots = []
    for i in range(count):
        parent = roots[i % len(roots)] if roots and i % 3 else None
        comment = CommentFactory(
            option=option,
            author=authors[i % 3],
            parent=parent,
            stance=[Stance.SUPPORT, Stance.OPPOSE, Stance.NEUTRAL][i % 3],
        )
        if parent is None:
            roots.append(comment)
    return authors


def _count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_option_page_queries_do_not_grow_with_the_thread(
    analyst, analyst_client, django_assert_max_num_queries
):
    small, large = StrategyFactory(), StrategyFactory()
    _thread(small, 3)
    _thread(large, 300)
    for option in (small, large):
        VoteFactory(option=option, voter=analyst)
    small_count = _count_queries(
        analyst_client, small.get_absolute_url(), django_assert_max_num_queries, 40
    )
    large_count = _count_queries(
        analyst_client, large.get_absolute_url(), django_assert_max_num_queries, 40
    )
    assert small_count == large_count


def test_option_list_shows_tallies_in_constant_queries(
    analyst, analyst_client, django_assert_max_num_queries
):
    options = StrategyFactory.create_batch(12)
    for option in options:
        VoteFactory(option=option, choice="support")
        VoteFactory(option=option, choice="oppose")
        CommentFactory(option=option)
    VoteFactory(option=options[0], voter=analyst, choice="abstain")
    with django_assert_max_num_queries(15):
        response = analyst_client.get(reverse("policies:option-list"))
    html = response.content.decode()
    assert html.count('class="card-tally"') == 12
    assert "you: abstain" in html


def test_home_page_shows_recent_arguments_and_votes(
    anonymous_client, django_assert_max_num_queries
):
    option = StrategyFactory(title="Targeted Sanctions")
    CommentFactory(option=option, body="Recent pro argument")
    VoteFactory(option=option, voter=UserFactory(username="voter1"), choice="oppose")
    with django_assert_max_num_queries(20):
        html = anonymous_client.get(reverse("policies:home")).content.decode()
    assert "Recent activity" in html
    assert "Recent pro argument" in html
    assert "voter1 voted <strong>oppose</strong>" in html
