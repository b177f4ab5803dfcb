"""Editors write options on the site; nobody else can, whatever they send."""

import pytest
from django.urls import reverse

from policies.models import Option, Strategy
from tests.factories import SanctionTypeFactory, StrategyFactory

pytestmark = pytest.mark.django_db


def _create_url(kind="strategy"):
    return reverse("deliberation:option-create", args=[kind])


def _edit_url(option):
    return reverse("deliberation:option-edit", args=[option.slug])


STRATEGY = {
    "title": "Extended deterrence",
    "slug": "",
    "summary": "Reassure allies.",
    "status": "draft",
    "body": "Joint exercises <script>alert(1)</script> and **patrols**.",
    "expected_impact": "Fewer provocations.",
    "time_horizon": "long",
}


def test_editor_creates_a_strategy_on_the_site(editor, editor_client):
    page = editor_client.get(reverse("deliberation:option-kind-choice"))
    assert _create_url() in page.content.decode()
    response = editor_client.post(_create_url(), STRATEGY)
    option = Strategy.objects.get(slug="extended-deterrence")
    assert response.status_code == 302
    assert response["Location"] == option.get_absolute_url()
    assert (option.status, option.author, option.time_horizon) == ("draft", editor, "long")
    assert "<strong>patrols</strong>" in option.body_html
    assert "<script" not in option.body_html
    detail = editor_client.get(option.get_absolute_url()).content.decode()
    assert "is saved as draft" in detail
    assert "Extended deterrence" in detail


def test_editor_edits_an_option_and_the_history_names_them(editor, editor_client):
    option = SanctionTypeFactory(title="Asset freezes", slug="asset-freezes")
    page = editor_client.get(option.get_absolute_url()).content.decode()
    assert _edit_url(option) in page
    form = editor_client.get(_edit_url(option)).content.decode()
    assert 'value="Asset freezes"' in form
    response = editor_client.post(
        _edit_url(option),
        {
            "title": "Targeted asset freezes",
            "slug": "asset-freezes",
            "summary": "",
            "status": "published",
            "body": "Freeze the accounts of named officials.",
            "description": "",
            "instrument": "asset_freeze",
            "enforcement_notes": "",
        },
    )
    assert response.status_code == 302
    option.refresh_from_db()
    assert option.title == "Targeted asset freezes"
    assert option.history.first().history_user == editor


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": "x" * 201}, "title", "at most 200 characters"),
        ({"title": "!!!"}, "slug", "give one"),
        ({"slug": "not a slug"}, "slug", "valid"),
        ({"status": "secret"}, "status", "not one of the available choices"),
        ({"time_horizon": "forever"}, "time_horizon", "not one of the available choices"),
    ],
)
def test_bad_option_gets_a_form_error_and_saves_nothing(editor_client, change, field, message):
    response = editor_client.post(_create_url(), {**STRATEGY, **change})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Option.objects.exists()


def test_a_taken_slug_is_a_form_error(editor_client):
    StrategyFactory(slug="extended-deterrence")
    response = editor_client.post(_create_url(), STRATEGY)
    assert response.status_code == 400
    assert "taken" in " ".join(response.context["form"].errors["slug"])
    response = editor_client.post(_create_url(), {**STRATEGY, "slug": "extended-deterrence"})
    assert response.status_code == 400
    assert Option.objects.count() == 1


def test_unknown_kind_or_option_is_not_found(editor_client):
    assert editor_client.get(_create_url("treaty")).status_code == 404
    assert editor_client.get(reverse("deliberation:option-edit", args=["nope"])).status_code == 404


@pytest.mark.parametrize("who", ["analyst_client", "moderator_client"])
def test_only_editors_write_options_even_by_forged_post(request, who):
    client = request.getfixturevalue(who)
    option = StrategyFactory(title="Deterrence")
    assert client.get(reverse("deliberation:option-kind-choice")).status_code == 403
    assert client.post(_create_url(), STRATEGY).status_code == 403
    response = client.post(_edit_url(option), {**STRATEGY, "slug": option.slug})
    assert response.status_code == 403
    option.refresh_from_db()
    assert option.title == "Deterrence"
    assert Option.objects.count() == 1
    assert _edit_url(option) not in client.get(option.get_absolute_url()).content.decode()


def test_anonymous_visitor_is_sent_to_log_in(anonymous_client):
    response = anonymous_client.post(_create_url(), STRATEGY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Option.objects.exists()
