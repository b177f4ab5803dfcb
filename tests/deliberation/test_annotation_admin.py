"""Annotations in the admin: filters, a target nobody can bend, moderation actions."""

import pytest
from django.urls import reverse

from deliberation.models import Annotation, Flag, ModerationAction
from tests.factories import AnnotationFactory, FlagFactory, StrategyFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:deliberation_annotation_changelist"


def listed(client, **params):
    response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    return {annotation.pk for annotation in response.context["cl"].queryset}


def test_staff_filters_annotations_by_option_author_visibility_tag_and_orphaned(staff_client):
    sanctions = StrategyFactory()
    ana, oscar = UserFactory(username="ana"), UserFactory(username="oscar")
    energy = AnnotationFactory(option=sanctions, author=ana, tags=["energy", "risk"])
    private = AnnotationFactory(option=sanctions, author=oscar, visibility="private")
    orphan = AnnotationFactory(author=oscar, orphaned=True, tags=["energy-policy"])
    elsewhere = AnnotationFactory(author=ana, tags=["risk"])

    assert listed(staff_client, option__id__exact=sanctions.pk) == {energy.pk, private.pk}
    assert listed(staff_client, author__id__exact=oscar.pk) == {private.pk, orphan.pk}
    assert listed(staff_client, visibility__exact="private") == {private.pk}
    assert listed(staff_client, orphaned__exact="1") == {orphan.pk}
    assert listed(staff_client, tag="energy") == {energy.pk}
    assert listed(staff_client, tag="risk") == {energy.pk, elsewhere.pk}
    page = staff_client.get(reverse(CHANGELIST)).content.decode()
    assert "?tag=energy-policy" in page and "By tag" in page


def test_staff_cannot_add_an_annotation_or_bend_its_target_in_the_admin(staff_client):
    annotation = AnnotationFactory()
    assert staff_client.get(reverse("admin:deliberation_annotation_add")).status_code == 403
    url = reverse("admin:deliberation_annotation_change", args=[annotation.pk])
    response = staff_client.post(
        url, {"start": 0, "end": 1, "exact": "x", "body": "changed", "visibility": "private"}
    )
    assert response.status_code in (200, 302)
    annotation.refresh_from_db()
    text = annotation.option.body_text
    assert text[annotation.start : annotation.end] == annotation.exact != "x"
    assert annotation.body == "A note." and annotation.visibility == "shared"


def test_staff_hides_flagged_annotations_through_the_admin_action(staff, staff_client):
    flag = FlagFactory(comment=None, annotation=AnnotationFactory())
    private = AnnotationFactory(visibility="private")
    response = staff_client.post(
        reverse(CHANGELIST),
        {"action": "hide_annotations", "_selected_action": [flag.annotation.pk, private.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 annotation(s) hidden." in page
    assert "Private annotations are not moderated." in page
    flag.refresh_from_db()
    assert Annotation.objects.get(pk=flag.annotation_id).hidden
    assert not Annotation.objects.get(pk=private.pk).hidden
    assert flag.resolution == Flag.Resolution.UPHELD and flag.resolved_by == staff
    assert ModerationAction.objects.get().action == ModerationAction.Action.HIDE

    response = staff_client.post(
        reverse(CHANGELIST),
        {"action": "restore_annotations", "_selected_action": [flag.annotation_id]},
        follow=True,
    )
    assert "1 annotation(s) restored." in response.content.decode()
    assert not Annotation.objects.get(pk=flag.annotation_id).hidden
