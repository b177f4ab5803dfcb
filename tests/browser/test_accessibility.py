"""Every page type passes axe-core (no serious or critical violations) and fits a phone.

Each page is checked at a laptop viewport and a phone viewport, as the people who
see it: anonymous visitors, analysts, a moderator (queue) and an editor (invitations).
axe-core is vendored in tests/browser/axe/ and evaluated through the browser's
debugging protocol, so the site's strict Content Security Policy stays on.
"""

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from deliberation import services
from deliberation.invitations import invitation_create
from deliberation.roles import ensure_role_groups
from tests.browser.conftest import log_in
from tests.factories import (
    PASSWORD,
    ActorFactory,
    AnnotationFactory,
    BriefFactory,
    CommentFactory,
    FlagFactory,
    InitiativeFactory,
    SanctionTypeFactory,
    SectorFactory,
    StrategyFactory,
    TagFactory,
    UserFactory,
    VoteFactory,
)

AXE_SOURCE = (Path(__file__).parent / "axe" / "axe.min.js").read_text(encoding="utf-8")
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
BLOCKING_IMPACTS = {"serious", "critical"}

BODY = (
    "Apply **pressure** on key sectors of the economy through targeted measures.\n\n"
    "Coordinate with allies so that enforcement closes the gaps that third countries use."
)


@pytest.fixture
def site(transactional_db):
    ensure_role_groups()
    cache.clear()
    ana = UserFactory(username="ana", role="Analyst")
    oscar = UserFactory(username="oscar", role="Analyst")
    mona = UserFactory(username="mona", role="Moderator")
    edith = UserFactory(username="edith", role="Editor")
    brief = BriefFactory(
        title="Russia and North Korea",
        slug="russia-north-korea",
        text="## Context\n\nThe partnership deepened in 2024.\n\n## Options\n\nThree kinds.",
    )
    actor = ActorFactory(name="North Korea", slug="north-korea")
    sector = SectorFactory(name="Finance", slug="finance")
    tag = TagFactory(name="deterrence", slug="deterrence")
    options = {
        "strategy": StrategyFactory(
            title="Deterrence Strategy", slug="deterrence-strategy", body=BODY, brief=brief
        ),
        "initiative": InitiativeFactory(
            title="Joint Exercises", slug="joint-exercises", body=BODY, brief=brief
        ),
        "sanction_type": SanctionTypeFactory(
            title="Targeted Sanctions", slug="targeted-sanctions", body=BODY, brief=brief
        ),
    }
    for option in options.values():
        option.actors.add(actor)
        option.sectors.add(sector)
        option.tags.add(tag)
        argument = CommentFactory(option=option, author=ana, body="Asset freezes **bite**.")
        reply = CommentFactory(
            option=option, author=oscar, parent=argument, stance="oppose", body="Money moves."
        )
        CommentFactory(option=option, author=ana, parent=reply, stance="neutral", body="Partly.")
        CommentFactory(option=option, author=oscar, stance="oppose", body="Too slow to act.")
        VoteFactory(option=option, voter=ana, choice="support")
        VoteFactory(option=option, voter=oscar, choice="oppose")
        AnnotationFactory(option=option, author=ana, body="Which sectors?")
        AnnotationFactory(option=option, author=oscar, start=6, end=14, visibility="private")
        FlagFactory(comment=argument, flagged_by=oscar)
    services.endorsement_create(user=oscar, comment=options["strategy"].comments.first())
    invitation_create(invited_by=edith, email="newcomer@example.org", role="Analyst")
    return {"options": options, "brief": brief, "users": (ana, oscar, mona, edith)}


def _pages_for(who, site):
    options = site["options"]
    detail = [(f"{kind} detail", o.get_absolute_url()) for kind, o in options.items()]
    catalogue = [
        ("home", "/"),
        ("option list", "/options/"),
        ("filtered option list", "/options/?kind=strategy&q=pressure&tag=deterrence"),
        *detail,
        ("briefs", "/briefs/"),
        ("brief", site["brief"].get_absolute_url()),
        ("option history", f"{options['strategy'].get_absolute_url()}history/"),
        ("profile", "/people/ana/"),
        ("404", "/no-such-page/"),
    ]
    if who == "anonymous":
        return [
            *catalogue,
            ("login", "/accounts/login/"),
            ("sign-up", "/accounts/signup/"),
            ("password reset", "/accounts/password/reset/"),
        ]
    if who == "analyst":
        return [
            *catalogue,
            ("profile settings", "/settings/profile/"),
            ("API tokens", "/settings/tokens/"),
            ("password confirmation", "/accounts/reauthenticate/"),
        ]
    if who == "moderator":
        return [("moderation queue", "/moderation/")]
    if who == "editor":
        return [("invitations", "/invitations/")]
    raise AssertionError(who)


LOGINS = {"analyst": "ana", "moderator": "mona", "editor": "edith"}


def run_axe(page):
    """Serious and critical axe violations on the page, as readable lines."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    results = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
            }));
        }"""
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {v['targets']}"
        for v in results
        if v["impact"] in BLOCKING_IMPACTS
    ]


def broken_references(page):
    """aria-describedby, aria-labelledby, aria-controls and label[for] that name no element.

    axe only lists these as "needs review"; a screen reader then reads no help text."""
    return page.evaluate(
        """() => {
            const broken = [];
            const check = (element, attribute) => {
                for (const id of (element.getAttribute(attribute) || "").split(/\\s+/)) {
                    if (id && !document.getElementById(id)) {
                        broken.push(`${element.tagName.toLowerCase()}[${attribute}] -> #${id}`);
                    }
                }
            };
            for (const attribute of ["aria-describedby", "aria-labelledby", "aria-controls"]) {
                document.querySelectorAll(`[${attribute}]`).forEach(e => check(e, attribute));
            }
            document.querySelectorAll("label[for]").forEach(e => check(e, "for"));
            return broken;
        }"""
    )


def horizontal_overflow(page):
    """How many pixels the page scrolls sideways (0 when it fits the viewport)."""
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("who", ["anonymous", "analyst", "moderator", "editor"])
def test_every_page_type_passes_axe_and_fits_the_viewport(new_page, site, who, viewport):
    page = new_page()
    page.set_viewport_size(VIEWPORTS[viewport])
    if who in LOGINS:
        log_in(page, LOGINS[who], PASSWORD)
        assert page.get_by_role("button", name="Log out").count() == 1, "login failed"

    problems = {}
    for name, url in _pages_for(who, site):
        response = page.goto(url)
        page.wait_for_load_state("networkidle")
        expected_status = 404 if name == "404" else 200
        assert response.status == expected_status, f"{name} ({url}) answered {response.status}"
        found = run_axe(page) + broken_references(page)
        overflow = horizontal_overflow(page)
        if overflow > 0:
            found.append(f"scrolls sideways by {overflow}px")
        if found:
            problems[f"{name} {url}"] = found

    assert problems == {}, "\n".join(
        f"{page_name}:\n  " + "\n  ".join(lines) for page_name, lines in problems.items()
    )


def test_axe_catches_a_violation_when_there_is_one(page, site):
    """The checks themselves work: an unlabelled field, an empty button, help text that
    is not there and a page too wide for a phone are all reported."""
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto("/")
    assert run_axe(page) == []
    assert broken_references(page) == []
    assert horizontal_overflow(page) <= 0
    page.evaluate(
        """() => {
            const main = document.querySelector("main");
            const field = document.createElement("input");
            field.setAttribute("aria-describedby", "missing-help");
            main.appendChild(field);
            main.appendChild(document.createElement("button"));
            const wide = document.createElement("p");
            wide.textContent = "x".repeat(200);
            main.appendChild(wide);
        }"""
    )
    found = "\n".join(run_axe(page))
    assert "label" in found
    assert "button-name" in found
    assert broken_references(page) == ["input[aria-describedby] -> #missing-help"]
    assert horizontal_overflow(page) > 0


def _assert_accessible(page, where):
    # A click that navigates returns before the new document exists; axe needs it loaded.
    page.wait_for_load_state("load")
    problems = run_axe(page) + broken_references(page)
    overflow = horizontal_overflow(page)
    if overflow > 0:
        problems.append(f"scrolls sideways by {overflow}px")
    assert problems == [], f"{where}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_forms_showing_errors_pass_axe_and_name_their_errors(new_page, site, viewport):
    """A field with an error is marked invalid and tells a screen reader why."""
    visitor = new_page()
    visitor.set_viewport_size(VIEWPORTS[viewport])

    visitor.goto("/accounts/login/")
    visitor.get_by_label("Username or email").fill("ana")
    visitor.get_by_label("Password").fill("not-the-password")
    visitor.get_by_role("button", name="Log in").click()
    expect(visitor.get_by_role("alert").first).to_be_visible()
    _assert_accessible(visitor, "login with a wrong password")

    visitor.goto("/accounts/signup/")
    visitor.get_by_label("Email").fill("someone@example.org")
    visitor.get_by_label("Username").fill("ana")
    visitor.locator("#id_password1").fill("a-long-test-password-17")
    visitor.locator("#id_password2").fill("a-different-password-18")
    visitor.get_by_role("button", name="Sign up").click()
    username = visitor.locator("#id_username")
    expect(username).to_have_attribute("aria-invalid", "true")
    expect(username).to_have_accessible_description(re.compile("already", re.IGNORECASE))
    _assert_accessible(visitor, "sign-up with a taken username")

    editor = new_page()
    editor.set_viewport_size(VIEWPORTS[viewport])
    log_in(editor, "edith", PASSWORD)
    editor.goto("/invitations/")
    editor.get_by_label("E-mail").fill("not-an-address")
    editor.get_by_role("button", name="Send invitation").click()
    email = editor.locator("main input[name=email]")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile("valid email", re.IGNORECASE))
    _assert_accessible(editor, "invitation with a bad address")


def test_phone_user_skips_the_long_filters_to_the_results(new_page, site):
    phone = new_page()
    phone.set_viewport_size(VIEWPORTS["phone"])
    phone.goto("/options/?kind=strategy")
    results_heading = phone.get_by_role("heading", name="1 option")
    expect(results_heading).not_to_be_in_viewport()
    skip = phone.get_by_role("link", name="Skip the filters to the 1 option")
    skip.focus()
    phone.keyboard.press("Enter")
    expect(results_heading).to_be_in_viewport()
    expect(phone.locator("#results")).to_be_focused()
    phone.keyboard.press("Tab")  # the next stop is the first result, not a filter
    expect(phone.get_by_role("link", name="Deterrence Strategy")).to_be_focused()

    laptop = new_page()
    laptop.set_viewport_size(VIEWPORTS["laptop"])
    laptop.goto("/options/?kind=strategy")
    expect(laptop.get_by_role("link", name="Skip the filters to the 1 option")).to_be_hidden()
    expect(laptop.get_by_role("heading", name="1 option")).to_be_in_viewport()
