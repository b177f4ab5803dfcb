"""The deliberation models in the admin: bounded changelists, moderation actions."""

import pytest
from django.urls import reverse

from deliberation.models import Flag, ModerationAction
from tests.factories import (
    AnnotationFactory,
    CommentFactory,
    EndorsementFactory,
    FlagFactory,
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
