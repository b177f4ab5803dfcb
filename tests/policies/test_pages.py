import datetime
import re
from html.parser import HTMLParser
from itertools import count
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.views.defaults import permission_denied

from deliberation.views import server_error
from policies.models import Lesson, Option, PastPolicy
from tests.factories import (
    ActorFactory,
    BriefFactory,
    ImplicationFactory,
    InitiativeFactory,
    SanctionTypeFactory,
    SectorFactory,
    StrategyFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

_numbers = count()


def strategy(**kwargs):
    kwargs.setdefault("slug", f"strategy-{next(_numbers)}")
    return StrategyFactory(**kwargs)


def initiative(**kwargs):
    kwargs.setdefault("slug", f"initiative-{next(_numbers)}")
    return InitiativeFactory(**kwargs)


def sanction(**kwargs):
    kwargs.setdefault("slug", f"sanction-{next(_numbers)}")
    return SanctionTypeFactory(**kwargs)


class TagCollector(HTMLParser):
    """The elements of an HTML fragment with their attributes, as a browser parses them."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    @classmethod
    def parse(cls, html):
        collector = cls()
        collector.feed(html)
        return collector.tags


def text(response):
    return response.content.decode()


def linked_option(n, brief=None):
    """A published strategy with tags, actors and sectors, as a list page shows them."""
    option = strategy(title=f"Linked option {n:03d}", brief=brief)
    option.tags.add(TagFactory(name=f"t{n}", slug=f"t{n}"), TagFactory(name="shared", slug="s"))
    option.actors.add(ActorFactory(name=f"Actor x{n}", slug=f"actor-x{n}"))
    option.sectors.add(SectorFactory(name="Energy", slug="energy"))
    return option


# Home


def test_home_explains_the_site_and_groups_published_options_by_kind(anonymous_client):
    brief = BriefFactory(title="Russia and North Korea")
    strategy(title="Strengthen deterrence", summary="Joint exercises.", brief=brief)
    initiative(title="Regional security alliance", summary="Defence pacts.")
    sanction(title="Asset freezes", summary="Freeze assets.")
    strategy(title="Secret draft", status=Option.Status.DRAFT)

    response = anonymous_client.get("/")

    assert response.status_code == 200
    page = text(response)
    assert "Weigh the options of a policy brief" in page
    for heading in ("Strategies", "Initiatives", "Sanction types", "Briefs"):
        assert f">{heading} <span" in page or f">{heading}</h2>" in page
    strategies = page.index('id="group-strategy"')
    initiatives = page.index('id="group-initiative"')
    sanctions = page.index('id="group-sanction_type"')
    assert strategies < page.index("Strengthen deterrence") < initiatives
    assert initiatives < page.index("Regional security alliance") < sanctions
    assert sanctions < page.index("Asset freezes")
    assert "Joint exercises." in page
    assert "Russia and North Korea" in page
    assert brief.get_absolute_url() in page
    assert "Secret draft" not in page


def test_home_runs_a_constant_number_of_queries(anonymous_client, django_assert_max_num_queries):
    brief = BriefFactory()
    for n in range(3):
        linked_option(n, brief)
    with CaptureQueriesContext(connection) as few:
        anonymous_client.get("/")
    for n in range(3, 40):
        linked_option(n, brief)
    BriefFactory.create_batch(5)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = anonymous_client.get("/")
    page = text(response)
    # A large catalogue shows the first cards of each kind and links to all of them.
    assert page.count('class="card option-card"') == 12
    assert "Linked option 011" in page
    assert "Linked option 012" not in page
    assert re.search(r'<a href="/options/\?kind=strategy">See all 40 strategies</a>', page)


# Option list


def test_option_list_shows_only_published_options_to_anonymous_and_analysts(
    anonymous_client, analyst_client
):
    strategy(title="Published one")
    strategy(title="Draft one", status=Option.Status.DRAFT)
    strategy(title="Archived one", status=Option.Status.ARCHIVED)

    for client in (anonymous_client, analyst_client):
        page = text(client.get("/options/"))
        assert "Published one" in page
        assert "Draft one" not in page
        assert "Archived one" not in page


def test_editors_and_staff_see_drafts_and_archived_options_in_the_list(editor_client, staff_client):
    strategy(title="Draft one", status=Option.Status.DRAFT)
    strategy(title="Archived one", status=Option.Status.ARCHIVED)

    for client in (editor_client, staff_client):
        page = text(client.get("/options/"))
        assert "Draft one" in page
        assert "Archived one" in page
        assert 'badge-draft">Draft' in page


def test_option_list_has_a_labelled_filter_form(anonymous_client):
    page = text(anonymous_client.get("/options/"))
    for name, label in [
        ("q", "Search"),
        ("kind", "Kind"),
        ("status", "Status"),
        ("actor", "Actor"),
        ("sector", "Sector"),
        ("implication", "Strategic implication"),
        ("tag", "Tag"),
        ("created_after", "Created on or after"),
    ]:
        assert re.search(rf'<label for="id_{name}">{label}', page), name


def test_option_list_paginates_by_twenty_and_page_links_keep_the_filters(anonymous_client):
    for n in range(45):
        strategy(title=f"Strategy {n:02d}")
    initiative(title="Not a strategy")

    first = text(anonymous_client.get("/options/?kind=strategy"))
    assert first.count('class="card option-card"') == 20
    assert "45 options" in first
    assert 'href="?kind=strategy&amp;page=2"' in first
    assert 'href="?kind=strategy&amp;page=3"' in first

    last = text(anonymous_client.get("/options/?kind=strategy&page=3"))
    assert last.count('class="card option-card"') == 5
    assert "Strategy 44" in last
    assert 'rel="prev" href="?kind=strategy&amp;page=2"' in last
    assert "Not a strategy" not in first + last


def test_option_list_page_out_of_range_is_not_found(anonymous_client):
    strategy()
    assert anonymous_client.get("/options/?page=9").status_code == 404


def test_option_list_runs_a_constant_number_of_queries(
    anonymous_client, django_assert_max_num_queries
):
    for n in range(3):
        linked_option(n)
    with CaptureQueriesContext(connection) as few:
        anonymous_client.get("/options/?sector=energy")
    for n in range(3, 60):
        linked_option(n)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = anonymous_client.get("/options/?sector=energy")
    assert text(response).count('class="card option-card"') == 20
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = anonymous_client.get("/options/?sector=energy&page=3")
    assert text(response).count('class="card option-card"') == 20


def test_unknown_filter_value_shows_a_form_error_and_no_options(anonymous_client):
    strategy(title="Any option")

    response = anonymous_client.get("/options/?actor=atlantis&created_after=yesterday")

    assert response.status_code == 200
    page = text(response)
    assert "Select a valid choice" in page
    assert "Enter a valid date" in page
    assert "Any option" not in page
    assert "field-invalid" in page


# Option detail


def test_strategy_page_shows_its_fields_links_and_brief(anonymous_client):
    brief = BriefFactory(title="The source brief")
    option = strategy(
        title="Strengthen deterrence",
        summary="Joint exercises with allies.",
        body="Build **readiness**.",
        expected_impact="Fewer provocations.",
        brief=brief,
    )
    option.implications.add(ImplicationFactory(name="Military cooperation", slug="military"))
    option.actors.add(ActorFactory(name="Japan", slug="japan"))
    option.sectors.add(SectorFactory(name="Military technology", slug="military-tech"))
    option.tags.add(TagFactory(name="deterrence", slug="deterrence"))
    carrying = initiative(title="Joint exercises programme")
    carrying.strategies.add(option)
    hidden = initiative(title="Unpublished programme", status=Option.Status.DRAFT)
    hidden.strategies.add(option)

    response = anonymous_client.get(option.get_absolute_url())

    assert response.status_code == 200
    page = text(response)
    assert "<h1>Strengthen deterrence</h1>" in page
    assert "Joint exercises with allies." in page
    assert (
        '<section class="option-field"><h2>Body</h2><div class="annotatable" data-field="body"'
        ' id="field-body"><p>Build <strong>readiness</strong>.</p>\n</div></section>'
    ) in page
    assert (
        '<section class="option-field"><h2>Expected impact</h2><div class="annotatable"'
        ' data-field="expected_impact" id="field-expected_impact"><p>Fewer provocations.</p>'
    ) in page
    assert "Medium term" in page
    for name in ("Military cooperation", "Japan", "Military technology", "deterrence"):
        assert name in page
    assert "?implication=military" in page
    assert "Joint exercises programme" in page
    assert carrying.get_absolute_url() in page
    assert "Unpublished programme" not in page
    assert "The source brief" in page
    assert brief.get_absolute_url() in page


def test_initiative_page_shows_description_objectives_strategies_and_partners(
    anonymous_client,
):
    carried = strategy(title="Strengthen deterrence")
    option = initiative(
        title="Regional security alliance",
        description="Defence pacts.",
        objectives="Deter provocations.",
    )
    option.strategies.add(carried)
    option.partners.add(ActorFactory(name="South Korea", slug="south-korea"))

    page = text(anonymous_client.get(option.get_absolute_url()))

    for name in ("body", "description", "objectives"):
        assert f'<div class="annotatable" data-field="{name}" id="field-{name}">' in page
    assert "Defence pacts." in page
    assert "Deter provocations." in page
    assert "Strategies carried out" in page
    assert carried.get_absolute_url() in page
    assert "South Korea" in page


def test_sanction_type_page_shows_instrument_and_targets(anonymous_client):
    option = sanction(
        title="Asset freezes",
        description="Target individuals.",
        enforcement_notes="Coordinate with allies.",
    )
    option.target_sectors.add(SectorFactory(name="Finance", slug="finance"))
    option.target_actors.add(ActorFactory(name="North Korea", slug="north-korea"))

    page = text(anonymous_client.get(option.get_absolute_url()))

    for name in ("body", "description", "enforcement_notes"):
        assert f'<div class="annotatable" data-field="{name}" id="field-{name}">' in page
    assert "Asset freeze" in page
    assert "Finance" in page
    assert "North Korea" in page
    assert "Coordinate with allies." in page


def test_draft_option_is_not_found_for_anonymous_and_analysts(anonymous_client, analyst_client):
    draft = strategy(title="Secret draft", status=Option.Status.DRAFT)
    archived = strategy(title="Old option", status=Option.Status.ARCHIVED)

    for client in (anonymous_client, analyst_client):
        for option in (draft, archived):
            response = client.get(option.get_absolute_url())
            assert response.status_code == 404
            assert option.title not in text(response)
            assert "Page not found" in text(response)


def test_draft_option_is_visible_to_editors_and_staff(editor_client, staff_client):
    draft = strategy(title="Secret draft", status=Option.Status.DRAFT)

    for client in (editor_client, staff_client):
        response = client.get(draft.get_absolute_url())
        assert response.status_code == 200
        assert "Secret draft" in text(response)
        assert 'badge-draft">Draft' in text(response)


def test_option_page_runs_a_bounded_number_of_queries(
    anonymous_client, django_assert_max_num_queries
):
    option = strategy()
    with CaptureQueriesContext(connection) as few:
        anonymous_client.get(option.get_absolute_url())
    for n in range(15):
        option.tags.add(TagFactory(name=f"tag {n}", slug=f"tag-{n}"))
        option.actors.add(ActorFactory(name=f"Actor {n}", slug=f"actor-{n}"))
        option.sectors.add(SectorFactory(name=f"Sector {n}", slug=f"sector-{n}"))
        option.implications.add(ImplicationFactory(name=f"Impl {n}", slug=f"impl-{n}"))
        initiative(title=f"Initiative {n}").strategies.add(option)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = anonymous_client.get(option.get_absolute_url())
    assert "Initiative 14" in text(response)
    assert "Impl 14" in text(response)


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert('x')</script> plain",
        '<img src="x" onerror="alert(1)"> plain',
        "[click me](javascript:alert(1)) plain",
        '<a href="#" onclick="alert(1)">click</a> plain',
    ],
)
def test_markdown_script_event_handlers_and_javascript_links_are_inert(anonymous_client, markdown):
    option = strategy(body=markdown, expected_impact=markdown)

    page = text(anonymous_client.get(option.get_absolute_url()))

    fields = re.findall(r'<div class="annotatable"[^>]*>(.*?)</div></section>', page, re.S)
    assert len(fields) == 2
    for html in fields:
        assert "plain" in html
        tags = TagCollector.parse(html)
        assert "script" not in [tag for tag, _ in tags]
        assert "img" not in [tag for tag, _ in tags]
        for _, attrs in tags:
            assert not [name for name, _ in attrs if name.startswith("on")]
            assert not [v for n, v in attrs if n == "href" and "javascript" in (v or "").lower()]
    assert re.search(r"<script(?![^>]*\bsrc=)", page) is None


# Briefs


def test_briefs_page_lists_every_brief_newest_first_with_its_published_options(
    anonymous_client,
):
    older = BriefFactory(title="Older brief", published_on=datetime.date(2024, 3, 1))
    newer = BriefFactory(title="Newer brief", published_on=datetime.date(2025, 6, 2))
    strategy(title="Shown", brief=newer)
    strategy(title="Draft", brief=newer, status=Option.Status.DRAFT)

    page = text(anonymous_client.get("/briefs/"))

    assert "<h1>Briefs</h1>" in page
    assert page.index("Newer brief") < page.index("Older brief")
    assert "2 June 2025</time> · 1 option</p>" in page
    assert "1 March 2024</time> · 0 options</p>" in page
    assert older.get_absolute_url() in page and newer.get_absolute_url() in page
    assert 'href="/briefs/" aria-current="page">Briefs</a>' in page


def test_briefs_page_is_paged_and_runs_a_constant_number_of_queries(
    anonymous_client, django_assert_max_num_queries
):
    for n in range(2):
        linked_option(n, BriefFactory())
    with CaptureQueriesContext(connection) as few:
        anonymous_client.get("/briefs/")
    for n in range(2, 25):
        linked_option(n, BriefFactory())

    with django_assert_max_num_queries(len(few.captured_queries)):
        first = text(anonymous_client.get("/briefs/"))
    assert first.count('class="card"') == 20
    second = text(anonymous_client.get("/briefs/?page=2"))
    assert second.count('class="card"') == 5
    assert anonymous_client.get("/briefs/?page=9").status_code == 404


def test_home_shows_the_newest_briefs_and_links_to_all_of_them(anonymous_client):
    for day in range(1, 9):
        BriefFactory(title=f"Brief of day {day}", published_on=datetime.date(2026, 1, day))

    page = text(anonymous_client.get("/"))

    assert "Brief of day 8" in page and "Brief of day 3" in page
    assert "Brief of day 2" not in page
    assert '<a href="/briefs/">See all 8 briefs</a>' in page


def test_home_without_more_briefs_than_it_shows_has_no_see_all_link(anonymous_client):
    BriefFactory.create_batch(2)
    assert "See all 2 briefs" not in text(anonymous_client.get("/"))


def test_brief_page_shows_its_escaped_text_in_paragraphs_and_its_options(anonymous_client):
    brief = BriefFactory(
        title="Russia and North Korea",
        text="First paragraph <script>alert(1)</script>.\n\nSecond paragraph.",
    )
    strategy(title="Drawn option", brief=brief)
    strategy(title="Drawn draft", brief=brief, status=Option.Status.DRAFT)
    strategy(title="Other brief's option", brief=BriefFactory())

    response = anonymous_client.get(brief.get_absolute_url())

    assert response.status_code == 200
    page = text(response)
    assert "<h1>Russia and North Korea</h1>" in page
    assert "<p>First paragraph &lt;script&gt;alert(1)&lt;/script&gt;.</p>" in page
    assert "<p>Second paragraph.</p>" in page
    assert "Drawn option" in page
    assert "Drawn draft" not in page
    assert "Other brief&#x27;s option" not in page


def test_brief_page_shows_its_past_policies_and_the_lessons_drawn_from_them(
    anonymous_client, django_assert_max_num_queries
):
    brief = BriefFactory(title="Russia and North Korea")
    containment = PastPolicy.objects.create(
        name="Containment", slug="containment", brief=brief, impact_on_east_asia="Tensions rose."
    )
    engagement = PastPolicy.objects.create(
        name="Engagement", slug="engagement", brief=brief, impact_on_east_asia="Ties deepened."
    )
    PastPolicy.objects.create(name="Elsewhere", slug="elsewhere", brief=BriefFactory())
    for n in range(3):
        lesson = Lesson.objects.create(
            name=f"Lesson {n} <b>", slug=f"lesson-{n}", brief=brief, description="Stay flexible."
        )
        lesson.past_policies.add(containment, engagement)
    with CaptureQueriesContext(connection) as queries:
        anonymous_client.get(brief.get_absolute_url())

    Lesson.objects.create(name="Lesson 9", slug="lesson-9", brief=brief).past_policies.add(
        engagement
    )
    with django_assert_max_num_queries(len(queries.captured_queries)):
        page = text(anonymous_client.get(brief.get_absolute_url()))

    assert "Lessons from past policies" in page
    assert re.search(r'<th scope="row">Containment</th><td>Tensions rose.</td>', page)
    assert "Elsewhere" not in page
    assert "<dt>Lesson 0 &lt;b&gt;</dt>" in page
    assert "Drawn from: Containment, Engagement." in page


def test_brief_page_without_past_policies_has_no_lessons_section(anonymous_client):
    brief = BriefFactory()

    assert "Lessons from past policies" not in text(anonymous_client.get(brief.get_absolute_url()))


def test_unknown_brief_is_not_found(anonymous_client):
    assert anonymous_client.get("/briefs/no-such-brief/").status_code == 404


# Error pages


def test_unknown_address_shows_the_sites_404_page(anonymous_client):
    response = anonymous_client.get("/options/no-such-option/")

    assert response.status_code == 404
    page = text(response)
    assert "<h1>Page not found</h1>" in page
    assert 'class="site-header"' in page
    assert "/static/css/site.css" in page


def test_403_and_500_pages_are_in_the_sites_style(analyst):
    request = RequestFactory().get("/somewhere/")
    request.user = analyst

    forbidden = permission_denied(request, exception=None)
    assert forbidden.status_code == 403
    assert "You may not do that" in forbidden.content.decode()
    assert 'class="site-header"' in forbidden.content.decode()

    broken = server_error(request)
    assert broken.status_code == 500
    assert "Something went wrong" in broken.content.decode()
    assert "/static/css/site.css" in broken.content.decode()


# Layout


def test_pages_have_no_inline_script_or_style(anonymous_client):
    option = strategy()
    brief = BriefFactory()
    for url in ("/", "/options/", option.get_absolute_url(), brief.get_absolute_url()):
        page = text(anonymous_client.get(url))
        assert re.search(r"<script(?![^>]*\bsrc=)", page) is None, url
        assert " style=" not in page, url
        assert "<style" not in page, url
        assert 'href="#main">Skip to content' in page
        assert 'hx-headers=\'{"X-CSRFToken"' in page


def _icon_links(html):
    return [
        dict(attrs)
        for tag, attrs in TagCollector.parse(html)
        if tag == "link" and "icon" in (dict(attrs).get("rel") or "").split()
    ]


def test_every_page_shows_the_sites_own_icon_from_static(anonymous_client, staff_client):
    option = strategy()
    request = RequestFactory().get("/somewhere/")
    request.user = option.author
    pages = {
        "/": text(anonymous_client.get("/")),
        "option": text(anonymous_client.get(option.get_absolute_url())),
        "404": text(anonymous_client.get("/options/no-such-option/")),
        "500": server_error(request).content.decode(),
        "login": text(anonymous_client.get("/accounts/login/")),
        "admin": text(staff_client.get("/admin/policies/strategy/")),
    }
    icon_path = finders.find("img/favicon.svg")
    assert icon_path, "the icon is a static file"
    assert "<svg" in Path(icon_path).read_text()
    for name, page in pages.items():
        links = _icon_links(page)
        assert [link["href"] for link in links] == ["/static/img/favicon.svg"], name
        assert links[0]["type"] == "image/svg+xml", name


def test_favicon_ico_leads_to_the_sites_icon(anonymous_client):
    response = anonymous_client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.svg"


def test_the_admin_is_titled_with_the_sites_name(staff_client):
    page = text(staff_client.get("/admin/"))

    assert "Policy Deliberation administration" in page
    assert "Django administration" not in page


# Account pages


def test_login_page_is_in_the_sites_style_with_the_expected_labels(anonymous_client):
    page = text(anonymous_client.get("/accounts/login/"))

    assert 'class="site-header"' in page
    assert '<label for="id_login">Username or email' in page
    assert '<label for="id_password">Password' in page
    assert '<button type="submit" class="button">Log in</button>' in page


def test_user_can_log_in_with_username_or_email(analyst):
    from django.test import Client

    from tests.factories import PASSWORD

    for login in (analyst.username, analyst.email):
        client = Client()
        response = client.post("/accounts/login/", {"login": login, "password": PASSWORD})
        assert response.status_code == 302
        assert client.get("/").context["user"] == analyst


def test_wrong_password_shows_an_error_on_the_login_page(analyst, anonymous_client):
    response = anonymous_client.post(
        "/accounts/login/", {"login": analyst.username, "password": "wrong"}
    )

    assert response.status_code == 200
    assert 'class="message message-error" role="alert"' in text(response)
    assert "_auth_user_id" not in anonymous_client.session


def test_signup_page_has_a_sign_up_button(anonymous_client):
    page = text(anonymous_client.get("/accounts/signup/"))

    assert 'class="site-header"' in page
    assert '<button type="submit" class="button">Sign up</button>' in page
    assert '<label for="id_email">' in page


@pytest.mark.parametrize("url", ["/accounts/password/reset/", "/accounts/password/change/"])
def test_password_pages_extend_the_sites_layout(analyst_client, url):
    response = analyst_client.get(url, follow=True)

    assert response.status_code == 200
    page = text(response)
    assert 'class="site-header"' in page
    assert "account-page" in page
    assert 'class="button"' in page
