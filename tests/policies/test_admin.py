import io
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from policies import extensions
from policies.models import (
    Brief,
    Initiative,
    InitiativeStrategy,
    Lesson,
    Option,
    PastPolicy,
    SanctionType,
    Strategy,
)
from tests.factories import (
    AnnotationFactory,
    BriefFactory,
    CommentFactory,
    EndorsementFactory,
    FlagFactory,
    InitiativeFactory,
    SanctionTypeFactory,
    StrategyFactory,
    UserFactory,
    VoteFactory,
)

BRIEFS = Path(__file__).resolve().parent.parent / "briefs"
REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
IDS = [model._meta.label for model, _ in REGISTERED]


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def world(db, staff):
    """At least one row of every model registered in the admin."""
    call_command("load_demo", stdout=io.StringIO())
    option = Strategy.objects.get(slug="targeted-sanctions")
    comment = CommentFactory(option=option)
    EndorsementFactory(comment=comment)
    FlagFactory(comment=comment)
    VoteFactory(option=option)
    annotation = AnnotationFactory(option=option)
    from knox.models import AuthToken

    from deliberation import models as d

    AuthToken.objects.create(user=staff)
    d.ModerationAction.objects.create(moderator=staff, action="hide", comment=comment)
    d.AnnotationReply.objects.create(annotation=annotation, author=staff, body="Yes", body_html="")
    d.Profile.objects.get_or_create(user=staff)
    from datetime import timedelta

    from django.utils import timezone

    d.Invitation.objects.create(
        email="new@example.org",
        token="t" * 40,
        invited_by=staff,
        expires_at=timezone.now() + timedelta(days=7),
    )
    return option


@pytest.mark.parametrize("model, model_admin", REGISTERED, ids=IDS)
def test_staff_opens_changelist_add_and_change_pages(world, staff_client, model, model_admin):
    response = staff_client.get(_url(model, "changelist"))
    assert response.status_code == 200
    assert staff_client.get(_url(model, "changelist") + "?q=a").status_code == 200
    request = response.wsgi_request
    if model_admin.has_add_permission(request):
        assert staff_client.get(_url(model, "add")).status_code == 200
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"no {model._meta.label} row to open"
    response = staff_client.get(_url(model, "change", quote(obj.pk)), follow=True)
    assert response.status_code == 200
    assert str(obj).split()[0] in response.content.decode() or model is Option


def test_anonymous_visitors_are_sent_to_the_admin_login(client, db):
    response = client.get(_url(Strategy, "changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def _many_options(count, prefix):
    brief = BriefFactory()
    authors = [UserFactory() for _ in range(3)]
    for n in range(count):
        factory = (StrategyFactory, InitiativeFactory, SanctionTypeFactory)[n % 3]
        factory(slug=f"{prefix}-{n}", brief=brief, author=authors[n % 3])


def _changelist_queries(client, model):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(model, "changelist")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", [Option, Strategy, Initiative, SanctionType])
def test_option_changelists_run_the_same_few_queries_for_ten_or_hundreds_of_rows(
    staff_client, model
):
    _many_options(12, "few")
    few = _changelist_queries(staff_client, model)
    _many_options(300, "many")
    many = _changelist_queries(staff_client, model)
    assert many == few
    assert many <= 25


def test_brief_and_link_changelists_are_query_bounded(staff_client, django_assert_max_num_queries):
    for n in range(150):
        brief = BriefFactory()
        initiative = InitiativeFactory(slug=f"i-{n}", brief=brief)
        InitiativeStrategy.objects.create(
            initiative=initiative, strategy=StrategyFactory(slug=f"s-{n}", brief=brief)
        )
    for model in (Brief, InitiativeStrategy):
        with django_assert_max_num_queries(20):
            assert staff_client.get(_url(model, "changelist")).status_code == 200


def _strategy_form(strategy, **changes):
    data = {
        "title": strategy.title,
        "slug": strategy.slug,
        "summary": strategy.summary,
        "status": strategy.status,
        "body": strategy.body,
        "expected_impact": strategy.expected_impact,
        "time_horizon": strategy.time_horizon,
        "initiativestrategy_set-TOTAL_FORMS": "0",
        "initiativestrategy_set-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_saving_an_option_in_the_admin_renders_markdown_and_tells_text_handlers(staff_client):
    strategy = StrategyFactory(body="Old text.")
    calls = []

    def handler(option, old_texts):
        calls.append(old_texts)

    extensions.text_change_handlers.append(handler)
    try:
        response = staff_client.post(
            _url(Strategy, "change", strategy.pk),
            _strategy_form(strategy, body="New <script>alert(1)</script> **text**."),
        )
    finally:
        extensions.text_change_handlers.remove(handler)
    assert response.status_code == 302, response.content.decode()[:2000]
    strategy.refresh_from_db()
    assert "<strong>text</strong>" in strategy.body_html and "<script" not in strategy.body_html
    assert calls == [{"body": "Old text.\n"}]


def test_adding_an_option_in_the_admin_renders_it_and_records_the_author(staff_client, staff):
    data = _strategy_form(
        Strategy(title="New Idea", slug="new-idea", status="draft", time_horizon="short"),
        body="*Fresh*",
        expected_impact="Some **impact**",
    )
    response = staff_client.post(_url(Strategy, "add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Strategy.objects.get(slug="new-idea")
    assert created.body_html == "<p><em>Fresh</em></p>\n" and created.author == staff
    assert created.kind == "strategy"


def test_invalid_option_form_shows_errors_and_saves_nothing(staff_client):
    StrategyFactory(slug="taken")
    data = _strategy_form(Strategy(title="X", slug="taken", status="draft", time_horizon="long"))
    response = staff_client.post(_url(Strategy, "add"), data)
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Strategy.objects.count() == 1


def test_publish_and_archive_actions_change_the_status(staff_client):
    drafts = [StrategyFactory(slug=f"d-{n}", status="draft") for n in range(3)]
    response = staff_client.post(
        _url(Strategy, "changelist"),
        {"action": "publish", "_selected_action": [d.pk for d in drafts[:2]]},
    )
    assert response.status_code == 302
    statuses = dict(Option.objects.values_list("slug", "status"))
    assert statuses == {"d-0": "published", "d-1": "published", "d-2": "draft"}
    staff_client.post(
        _url(Option, "changelist"), {"action": "archive", "_selected_action": [drafts[0].pk]}
    )
    assert Option.objects.get(slug="d-0").status == "archived"


def test_publishing_in_the_admin_records_who_and_says_what_changed(staff_client, staff):
    drafts = [StrategyFactory(slug=f"p-{n}", status="draft") for n in range(2)]
    StrategyFactory(slug="p-live", status="published")
    selected = [d.pk for d in drafts] + [Option.objects.get(slug="p-live").pk]

    response = staff_client.post(
        _url(Strategy, "changelist"),
        {"action": "publish", "_selected_action": selected},
        follow=True,
    )

    assert "2 options published. 1 already published." in response.content.decode()
    latest = Strategy.history.filter(slug="p-0").latest("history_date")
    assert latest.status == "published"
    assert latest.history_user == staff


def test_the_brief_page_in_the_admin_lists_its_options_with_links(staff_client):
    brief = BriefFactory(title="Arctic")
    option = StrategyFactory(slug="arctic-patrols", title="Arctic patrols", brief=brief)

    page = staff_client.get(_url(Brief, "change", brief.pk)).content.decode()

    assert "Options drawn from this brief" in page
    assert "Arctic patrols" in page
    assert _url(Option, "change", option.pk) in page


def test_saving_a_brief_in_the_admin_keeps_its_options(staff_client):
    brief = BriefFactory(title="Arctic", slug="arctic")
    StrategyFactory(slug="arctic-patrols", brief=brief)

    response = staff_client.post(
        _url(Brief, "change", brief.pk),
        {
            "title": "Arctic shipping",
            "slug": "arctic",
            "publisher": "",
            "published_on": "",
            "url": "example.org/arctic",
            "text": "",
            "options-TOTAL_FORMS": "1",
            "options-INITIAL_FORMS": "1",
        },
    )

    assert response.status_code == 302
    brief.refresh_from_db()
    assert brief.title == "Arctic shipping"
    assert brief.url == "https://example.org/arctic"
    assert Option.objects.get(slug="arctic-patrols").brief == brief


def test_lessons_are_linked_from_the_past_policy_page(staff_client):
    policy = PastPolicy.objects.create(name="Containment", slug="containment")
    lesson = Lesson.objects.create(name="Adaptability", slug="adaptability")

    response = staff_client.post(
        _url(PastPolicy, "change", policy.pk),
        {
            "name": "Containment",
            "slug": "containment",
            "description": "",
            "impact_on_east_asia": "Tensions.",
            "brief": "",
            "Lesson_past_policies-TOTAL_FORMS": "1",
            "Lesson_past_policies-INITIAL_FORMS": "0",
            "Lesson_past_policies-0-lesson": str(lesson.pk),
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(policy.lessons.all()) == [lesson]
    page = staff_client.get(_url(PastPolicy, "change", policy.pk)).content.decode()
    assert "Lessons drawn from it" in page


def test_the_brief_changelist_offers_an_import_button(staff_client):
    response = staff_client.get(_url(Brief, "changelist"))
    assert reverse("admin:policies_brief_import") in response.content.decode()
    assert "Import a brief" in response.content.decode()


def _upload(client, content, name="brief.txt", title="Arctic shipping"):
    return client.post(
        reverse("admin:policies_brief_import"),
        {"file": SimpleUploadedFile(name, content, "text/plain"), "title": title},
    )


def test_importing_a_brief_in_the_admin_previews_then_imports_on_confirm(staff_client, staff):
    content = (BRIEFS / "small.txt").read_bytes()
    preview = _upload(staff_client, content)
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Nothing has been saved yet" in page and "Joint Patrols" in page
    assert not Option.objects.exists() and not Brief.objects.exists()
    confirm = {
        "confirm": "1",
        "text": preview.context["confirm_form"].initial["text"],
        "title": "Arctic shipping",
    }
    response = staff_client.post(reverse("admin:policies_brief_import"), confirm, follow=True)
    assert "9 created" in response.content.decode()
    brief = Brief.objects.get(slug="arctic-shipping")
    assert brief.options.count() == 6
    assert Initiative.objects.get(slug="joint-patrols").author == staff


def test_the_confirmed_text_is_validated_again(staff_client):
    response = staff_client.post(
        reverse("admin:policies_brief_import"),
        {"confirm": "1", "text": (BRIEFS / "ragged.txt").read_text(), "title": "Tampered"},
    )
    assert response.status_code == 200
    assert "3 cells where the header has 2" in response.content.decode()
    assert not Brief.objects.exists()


@pytest.mark.parametrize(
    "name, message",
    [
        ("binary.bin", "looks binary"),
        ("latin1.txt", "not UTF-8"),
        ("no_header.txt", "no header row"),
        ("no_options.txt", "No options found"),
        ("long_name.txt", "at most 200 fit"),
    ],
)
def test_a_bad_upload_shows_the_reason_and_writes_nothing(staff_client, name, message):
    response = _upload(staff_client, (BRIEFS / name).read_bytes())
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Brief.objects.exists() and not Option.objects.exists()


def test_an_upload_over_the_size_limit_is_refused(staff_client, settings):
    settings.BRIEF_UPLOAD_MAX_BYTES = 50
    response = _upload(staff_client, (BRIEFS / "small.txt").read_bytes())
    assert "at most 50 bytes" in response.content.decode()
    assert not Brief.objects.exists()


def test_an_analyst_cannot_import_briefs(analyst_client):
    response = analyst_client.get(reverse("admin:policies_brief_import"))
    assert response.status_code == 302  # to the admin login: analysts are not staff
