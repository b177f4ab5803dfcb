import io

import pytest
from django.core.management import call_command

from policies import demo
from policies.models import (
    Actor,
    Brief,
    Initiative,
    Lesson,
    Option,
    PastPolicy,
    SanctionType,
    Sector,
    StrategicImplication,
    Strategy,
)

pytestmark = pytest.mark.django_db

STRATEGIES = [
    "Enhanced Defense Cooperation",
    "Diplomatic Engagement",
    "Targeted Sanctions",
    "Strengthened Alliances",
    "Strategic Sanctions",
    "Multilateral Engagement",
    "Increased Military Presence",
]
INITIATIVES = [
    "Regional Security Alliances",
    "Economic Partnerships",
    "Diplomatic Outreach",
    "Cybersecurity Initiatives",
    "Enhanced Monitoring",
    "Multilateral Coordination",
    "Diplomatic Outreach to India and Brazil",
    "Economic Incentives for Security Cooperation",
    "Regional Stability Dialogues",
]
SANCTIONS = {
    "Asset Freezes": "asset_freeze",
    "Trade Embargoes": "trade_embargo",
    "Travel Restrictions": "travel_restriction",
    "Sector-specific Sanctions": "sector_specific",
}
ACTORS = {
    "United States": "opposed",
    "Russia": "party",
    "North Korea": "party",
    "China": "hedging",
    "Japan": "us_ally",
    "South Korea": "us_ally",
    "ASEAN": "neutral",
    "India": "hedging",
    "Brazil": "neutral",
    "UN Security Council": "neutral",
    "European Union": "us_ally",
}


@pytest.fixture
def loaded():
    call_command("load_demo", stdout=io.StringIO())


def test_every_option_the_brief_names_is_published_under_its_own_title(loaded):
    published = Option.objects.published()
    assert set(Strategy.objects.values_list("title", flat=True)) == set(STRATEGIES)
    assert set(INITIATIVES) <= set(Initiative.objects.values_list("title", flat=True))
    instruments = dict(SanctionType.objects.values_list("title", "instrument"))
    assert instruments == SANCTIONS
    assert published.count() == Option.objects.count()
    brief = Brief.objects.get(slug=demo.BRIEF["slug"])
    assert not Option.objects.exclude(brief=brief).exists()
    for option in Option.objects.all():
        specific = option.specific
        assert option.summary and option.body_html.startswith("<p>")
        for name in specific.rendered_fields:
            assert getattr(specific, f"{name}_html"), f"{option} has no {name}"


def test_actors_sectors_implications_past_policies_and_lessons_are_there(loaded):
    assert dict(Actor.objects.values_list("name", "stance")) == ACTORS
    assert Actor.objects.get(name="ASEAN").kind == "organisation"
    sectors = set(Sector.objects.values_list("name", flat=True))
    assert {"Military technology", "Energy", "Finance", "Trade", "Cyber"} <= sectors
    assert set(StrategicImplication.objects.values_list("name", flat=True)) == {
        "Military Cooperation",
        "Economic Synergies",
        "Energy Security",
        "Political Leverage",
    }
    impacts = dict(PastPolicy.objects.values_list("name", "impact_on_east_asia"))
    assert set(impacts) == {"Containment", "Engagement", "Strategic Partnerships"}
    assert all(impacts.values())
    lessons = {lesson.name: lesson for lesson in Lesson.objects.all()}
    assert set(lessons) == {"Adaptability", "Multilateralism", "Preemptive Diplomacy"}
    assert lessons["Multilateralism"].past_policies.get().name == "Strategic Partnerships"


def test_options_are_linked_as_the_brief_describes(loaded):
    monitoring = Initiative.objects.get(slug="enhanced-monitoring")
    assert {s.title for s in monitoring.strategies.all()} >= {"Strategic Sanctions"}
    outreach = Initiative.objects.get(slug="diplomatic-outreach-to-india-and-brazil")
    assert {a.name for a in outreach.partners.all()} == {"India", "Brazil"}
    sector_specific = SanctionType.objects.get(slug="sector-specific-sanctions")
    assert {s.name for s in sector_specific.target_sectors.all()} == {
        "Military technology",
        "Energy",
    }
    assert {a.name for a in sector_specific.target_actors.all()} == {"North Korea", "Russia"}
    defence = Strategy.objects.get(slug="enhanced-defense-cooperation")
    assert "Military Cooperation" in {i.name for i in defence.implications.all()}
    assert defence.initiatives.filter(slug="regional-security-alliances").exists()
    for option in Option.objects.all():
        assert option.actors.exists() and option.tags.exists(), option.title


def test_the_demo_brief_holds_the_briefs_full_text(loaded):
    brief = Brief.objects.get(slug=demo.BRIEF["slug"])
    assert "Enhanced Defense Cooperation" in brief.text
    assert brief.text == demo.BRIEF_PATH.read_text(encoding="utf-8")


def test_loading_twice_changes_nothing_and_says_so(loaded, capsys):
    counts = {model: model.objects.count() for model in (Option, Actor, Sector, Lesson)}
    history = Option.history.count()
    updated = dict(Option.objects.values_list("slug", "updated"))
    call_command("load_demo")
    output = capsys.readouterr().out
    assert output.strip().splitlines()[-1].startswith("0 created, 0 updated,")
    assert {model: model.objects.count() for model in counts} == counts
    assert Option.history.count() == history
    assert dict(Option.objects.values_list("slug", "updated")) == updated


def test_loading_again_restores_edited_demo_wording(loaded, capsys):
    Strategy.objects.filter(slug="targeted-sanctions").update(summary="Edited")
    Initiative.objects.get(slug="enhanced-monitoring").partners.clear()
    call_command("load_demo")
    output = capsys.readouterr().out
    assert "updated strategy Targeted Sanctions" in output
    assert "updated initiative Enhanced Monitoring" in output
    assert Strategy.objects.get(slug="targeted-sanctions").summary != "Edited"
    assert Initiative.objects.get(slug="enhanced-monitoring").partners.exists()
