"""The history of an option: every version with who, when and what changed."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from policies import services
from policies.history import option_versions, text_diff
from policies.models import Option
from tests.factories import (
    BriefFactory,
    InitiativeFactory,
    SanctionTypeFactory,
    StrategyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def history_url(option):
    return reverse("policies:option-history", args=[option.slug])


def test_editor_change_through_the_service_records_who_and_what_changed(editor):
    strategy = StrategyFactory(title="Deterrence", time_horizon="medium")

    services.option_update(
        option=strategy, by=editor, title="Deterrence first", time_horizon="long"
    )

    latest, first = option_versions(strategy)
    assert first.action == "Created"
    assert latest.action == "Changed"
    assert latest.user == editor
    changes = {change.name: (change.old, change.new) for change in latest.changes}
    assert changes == {
        "title": ("Deterrence", "Deterrence first"),
        "time_horizon": ("Medium term (one to three years)", "Long term (over three years)"),
    }


def test_history_page_shows_before_and_after_of_an_editors_change(editor, anonymous_client):
    strategy = StrategyFactory(summary="Old summary.")
    services.option_update(option=strategy, by=editor, summary="New summary.")

    response = anonymous_client.get(history_url(strategy))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="version-user">edith</span>' in html
    assert '<span class="change-old">Old summary.</span>' in html
    assert '<span class="change-new">New summary.</span>' in html
    assert "Summary" in html


def test_change_through_the_api_records_the_signed_in_editor(editor, anonymous_client):
    strategy = StrategyFactory(summary="Before the edit.")
    api = APIClient()
    api.force_authenticate(editor)

    response = api.patch(
        f"/api/strategies/{strategy.slug}/", {"summary": "After the edit."}, format="json"
    )

    assert response.status_code == 200, response.content
    latest = option_versions(strategy)[0]
    assert latest.user == editor
    assert [(c.name, c.old, c.new) for c in latest.changes] == [
        ("summary", "Before the edit.", "After the edit.")
    ]


def test_long_text_change_is_shown_as_an_escaped_line_diff(editor, anonymous_client):
    initiative = InitiativeFactory(objectives="Deter provocations.\nKeep allies close.")
    services.option_update(
        option=initiative,
        by=editor,
        objectives="Deter provocations.\n<script>alert(1)</script> Keep allies closer.",
    )

    response = anonymous_client.get(history_url(initiative))

    html = response.content.decode()
    assert '<span class="diff-line diff-same">  Deter provocations.</span>' in html
    assert '<span class="diff-line diff-removed">− Keep allies close.</span>' in html
    assert (
        '<span class="diff-line diff-added">+ &lt;script&gt;alert(1)&lt;/script&gt; '
        "Keep allies closer.</span>"
    ) in html
    assert "<script>alert(1)</script>" not in html


def test_text_diff_marks_added_removed_and_skipped_lines():
    old = "\n".join(f"line {n}" for n in range(10))
    new = old.replace("line 1", "line one").replace("line 8", "line eight")

    lines = [(line.op, line.text) for line in text_diff(old, new)]

    assert ("removed", "line 1") in lines and ("added", "line one") in lines
    assert ("removed", "line 8") in lines and ("added", "line eight") in lines
    assert ("gap", "…") in lines
    assert ("same", "line 5") not in lines  # far from both changes


def test_status_and_brief_changes_are_shown_by_name(editor):
    brief = BriefFactory(title="Russia–North Korea brief")
    sanction = SanctionTypeFactory(status=Option.Status.DRAFT)

    services.option_update(option=sanction, by=editor, brief=brief)
    services.option_publish(option=sanction, by=editor)

    published, linked, _created = option_versions(sanction)
    assert [(c.name, c.old, c.new) for c in linked.changes] == [
        ("brief", "", "Russia–North Korea brief")
    ]
    assert [(c.name, c.old, c.new) for c in published.changes] == [("status", "Draft", "Published")]
    assert published.user == editor


def test_saves_of_the_common_row_are_part_of_the_timeline(editor):
    strategy = StrategyFactory(title="Engage")
    base = Option.objects.get(pk=strategy.pk)
    base._history_user = editor
    base.title = "Engage China"
    base.save()

    latest = option_versions(strategy)[0]
    assert latest.user == editor
    assert [(c.name, c.old, c.new) for c in latest.changes] == [("title", "Engage", "Engage China")]


def test_draft_history_is_not_found_for_anonymous_and_analysts(
    anonymous_client, analyst_client, editor_client
):
    draft = StrategyFactory(status=Option.Status.DRAFT)

    assert anonymous_client.get(history_url(draft)).status_code == 404
    assert analyst_client.get(history_url(draft)).status_code == 404
    assert editor_client.get(history_url(draft)).status_code == 200


def test_option_page_links_to_its_history(anonymous_client):
    strategy = StrategyFactory()

    html = anonymous_client.get(strategy.get_absolute_url()).content.decode()

    assert f'href="{history_url(strategy)}"' in html


def test_history_page_runs_a_constant_number_of_queries(
    anonymous_client, django_assert_max_num_queries
):
    strategy = StrategyFactory(time_horizon="short")
    editors = [UserFactory(role="Editor") for _ in range(4)]
    briefs = [BriefFactory() for _ in range(4)]
    for n in range(12):
        services.option_update(
            option=strategy,
            by=editors[n % 4],
            summary=f"Summary {n}",
            body=f"Paragraph {n}.\n\nSecond paragraph {n}.",
            brief=briefs[n % 4],
            author=editors[(n + 1) % 4],
        )

    with django_assert_max_num_queries(8):
        response = anonymous_client.get(history_url(strategy))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="version"') == 13
    assert "Summary 11" in html and "Summary 0" in html
