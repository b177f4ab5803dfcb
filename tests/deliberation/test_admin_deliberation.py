"""The deliberation models in the admin: bounded changelists, moderation actions."""

import pytest
from django.urls import reverse

from deliberation.models import Flag, ModerationAction
from tests.factories import (
    AnnotationFactory,
    CommentFactory,
    EndorsementFactory,
    FlagFactory,
    StrategyFactory,
    UserFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "factory"),
    [
        ("comment", CommentFactory),
        ("endorsement", EndorsementFactory),
        ("flag", FlagFactory),
        ("vote", VoteFactory),
        ("annotation", AnnotationFactory),
    ],
)
def test_changelists_run_a_bounded_number_of_queries(
    staff_client, django_assert_max_num_queries, model, factory
):
    factory.create_batch(20)
    url = reverse(f"admin:deliberation_{model}_changelist")
    with django_assert_max_num_queries(20):
        response = staff_client.get(url)
    assert response.status_code == 200
    assert "20 " in response.content.decode()


def test_comment_changelist_filters_by_stance_and_hidden(staff_client):
    CommentFactory(stance="support", body="Pro")
    CommentFactory(stance="oppose", body="Contra", hidden=True)
    url = reverse("admin:deliberation_comment_changelist")
    response = staff_client.get(url, {"stance__exact": "oppose", "hidden__exact": "1"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize(
    ("model", "make", "params"),
    [
        (
            "comment",
            lambda option, author: CommentFactory(option=option, author=author),
            lambda option, author: {"option__id__exact": option.pk, "author__id__exact": author.pk},
        ),
        (
            "endorsement",
            lambda option, author: EndorsementFactory(comment__option=option, user=author),
            lambda option, author: {
                "comment__option__id__exact": option.pk,
                "user__id__exact": author.pk,
                "comment__stance__exact": "support",
            },
        ),
        (
            "flag",
            lambda option, author: FlagFactory(comment__option=option, comment__author=author),
            lambda option, author: {
                "comment__option__id__exact": option.pk,
                "comment__author__id__exact": author.pk,
                "resolution__exact": "open",
            },
        ),
        (
            "vote",
            lambda option, author: VoteFactory(option=option, voter=author),
            lambda option, author: {"option__id__exact": option.pk, "voter__id__exact": author.pk},
        ),
    ],
)
def test_changelists_filter_by_option_and_person(staff_client, model, make, params):
    option, author = StrategyFactory(), UserFactory()
    make(option, author)
    make(StrategyFactory(), UserFactory())  # another option, another person
    make(option, UserFactory())  # the same option, another person
    url = reverse(f"admin:deliberation_{model}_changelist")
    page = staff_client.get(url)
    assert page.status_code == 200
    response = staff_client.get(url, params(option, author))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_staff_hides_comments_through_the_admin_action(staff, staff_client):
    flag = FlagFactory()
    response = staff_client.post(
        reverse("admin:deliberation_comment_changelist"),
        {"action": "hide_comments", "_selected_action": [flag.comment.pk]},
        follow=True,
    )
    assert "1 comment(s) hidden." in response.content.decode()
    flag.refresh_from_db()
    flag.comment.refresh_from_db()
    assert flag.comment.hidden
    assert flag.resolution == Flag.Resolution.UPHELD
    assert ModerationAction.objects.get().moderator == staff


def test_staff_dismisses_flags_through_the_admin_action(staff_client):
    flag = FlagFactory()
    staff_client.post(
        reverse("admin:deliberation_flag_changelist"),
        {"action": "dismiss_flags", "_selected_action": [flag.pk]},
    )
    flag.refresh_from_db()
    assert flag.resolution == Flag.Resolution.DISMISSED
