"""Demo content: every option, actor, sector, implication, past policy and lesson named by
the brief "The Russia–North Korea alliance and Washington's response", in our own words.

Plain data, loaded by ``manage.py load_demo`` (``load_demo_content``); rows are matched by
slug, so loading twice changes nothing.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from . import services
from .models import (
    Actor,
    Brief,
    Lesson,
    Option,
    PastPolicy,
    Sector,
    StrategicImplication,
    Tag,
)

BRIEF = {
    "title": "The Russia–North Korea Alliance and Washington's Response",
    "slug": "russia-north-korea-alliance",
    "publisher": "Policy brief",
}
# The brief the demo content is drawn from, kept with the code so a fresh clone has it.
BRIEF_PATH = Path(__file__).resolve().parent / "briefs" / "russia-north-korea-brief.txt"

ACTORS = [
    {
        "name": "United States",
        "kind": "state",
        "stance": "opposed",
        "description": "Treaty ally of Japan and South Korea; the brief's addressee, weighing "
        "how to answer the alliance.",
    },
    {
        "name": "Russia",
        "kind": "state",
        "stance": "party",
        "description": "Sees Pyongyang as a counterweight to U.S. influence in Asia and trades "
        "military exchanges and energy for support.",
    },
    {
        "name": "North Korea",
        "kind": "state",
        "stance": "party",
        "description": "Gains technology, energy and diplomatic cover from Moscow, easing the "
        "weight of sanctions.",
    },
    {
        "name": "China",
        "kind": "state",
        "stance": "hedging",
        "description": "North Korea's main economic lifeline; its cooperation is crucial to "
        "containing Pyongyang's ambitions.",
    },
    {
        "name": "Japan",
        "kind": "state",
        "stance": "us_ally",
        "description": "U.S. ally directly exposed to a better-armed North Korea.",
    },
    {
        "name": "South Korea",
        "kind": "state",
        "stance": "us_ally",
        "description": "U.S. ally on the front line of the peninsula.",
    },
    {
        "name": "ASEAN",
        "kind": "organisation",
        "stance": "neutral",
        "description": "Southeast Asian forum whose members can widen a regional front and "
        "host dialogue.",
    },
    {
        "name": "India",
        "kind": "state",
        "stance": "hedging",
        "description": "Keeps close ties with Moscow while partnering with Washington; a "
        "candidate for outreach.",
    },
    {
        "name": "Brazil",
        "kind": "state",
        "stance": "neutral",
        "description": "A non-aligned power whose engagement would broaden the coalition "
        "beyond the usual allies.",
    },
    {
        "name": "UN Security Council",
        "kind": "organisation",
        "stance": "neutral",
        "description": "The forum for binding sanctions, where Russia and China hold vetoes.",
    },
    {
        "name": "European Union",
        "kind": "organisation",
        "stance": "us_ally",
        "description": "Partner for coordinated sanctions and enforcement against violations.",
    },
]

SECTORS = [
    {"name": "Military technology", "description": "Weapons, components and know-how."},
    {"name": "Energy", "description": "Oil, gas and power supplies that blunt sanctions."},
    {"name": "Finance", "description": "Banks and networks that move the regimes' money."},
    {"name": "Trade", "description": "Goods and the routes that carry them."},
    {"name": "Cyber", "description": "Hacking, theft of funds and attacks on networks."},
    {"name": "Defense industry", "description": "Producers of arms and military equipment."},
    {"name": "Technology transfer", "description": "Sharing of sensitive technologies."},
]

IMPLICATIONS = [
    {
        "name": "Military Cooperation",
        "description": "Joint exercises and shared technology could sharpen North Korea's "
        "forces and unsettle its neighbours' defence planning.",
    },
    {
        "name": "Economic Synergies",
        "description": "Shared resources and trade deals could prop up the North Korean "
        "economy and loosen its dependence on China.",
    },
    {
        "name": "Energy Security",
        "description": "Russian energy could soften the bite of sanctions and steady the regime.",
    },
    {
        "name": "Political Leverage",
        "description": "Acting together, both states may feel freer to defy U.S. influence "
        "in the region.",
    },
]

PAST_POLICIES = [
    {
        "name": "Containment",
        "description": "Cold War policy of holding back communist expansion.",
        "impact_on_east_asia": "Checked the spread of communism but hardened tensions with "
        "North Korea.",
    },
    {
        "name": "Engagement",
        "description": "Late twentieth-century opening to China.",
        "impact_on_east_asia": "Deepened economic ties with China while growing military "
        "threats went unattended.",
    },
    {
        "name": "Strategic Partnerships",
        "description": "Alliances with Japan and South Korea.",
        "impact_on_east_asia": "Made the alliances with Japan and South Korea stronger, which "
        "matters against two adversaries at once.",
    },
]

LESSONS = [
    {
        "name": "Adaptability",
        "description": "Policy must bend as the region changes, not least as China rises.",
        "past_policies": ["containment", "engagement"],
    },
    {
        "name": "Multilateralism",
        "description": "Working with regional allies multiplies U.S. influence against the "
        "Moscow–Pyongyang pairing.",
        "past_policies": ["strategic-partnerships"],
    },
    {
        "name": "Preemptive Diplomacy",
        "description": "Defusing tensions early avoids conflicts that drain resources and "
        "unsettle the region.",
        "past_policies": ["engagement"],
    },
]

TAGS = ["alliances", "deterrence", "diplomacy", "economic pressure", "intelligence", "monitoring"]

STRATEGIES = [
    {
        "title": "Enhanced Defense Cooperation",
        "summary": "Deepen defence ties with allies to deter the alliance.",
        "body": "Closer defence cooperation with **Japan** and **South Korea** - joint "
        "planning, exercises and shared early warning - raises the cost of any move by "
        "Pyongyang or Moscow.\n\nIt answers the alliance's military cooperation directly.",
        "expected_impact": "Stronger deterrence and higher military readiness across the "
        "allied network.",
        "time_horizon": "medium",
        "implications": ["military-cooperation", "political-leverage"],
        "actors": ["united-states", "japan", "south-korea"],
        "sectors": ["military-technology"],
        "tags": ["deterrence", "alliances"],
    },
    {
        "title": "Diplomatic Engagement",
        "summary": "Keep channels open to lower the risk of escalation.",
        "body": "Standing lines of communication with Moscow, Beijing and, where possible, "
        "Pyongyang make miscalculation less likely.\n\nTalking is not conceding: channels "
        "carry warnings as well as offers.",
        "expected_impact": "Open channels for dialogue that reduce the risk of escalation.",
        "time_horizon": "short",
        "implications": ["political-leverage"],
        "actors": ["united-states", "china", "russia"],
        "sectors": [],
        "tags": ["diplomacy"],
    },
    {
        "title": "Targeted Sanctions",
        "summary": "Press on the sectors that keep the North Korean economy going.",
        "body": "Aim sanctions at the parts of the North Korean economy that sustain its "
        "military programmes and its deals with Russia, rather than at the population.",
        "expected_impact": "Pressure on key sectors of the North Korean economy.",
        "time_horizon": "medium",
        "implications": ["economic-synergies", "energy-security"],
        "actors": ["north-korea", "russia"],
        "sectors": ["finance", "military-technology", "energy"],
        "tags": ["economic pressure"],
    },
    {
        "title": "Strengthened Alliances",
        "summary": "Reinforce ties with South Korea and Japan and widen talks with ASEAN.",
        "body": "Reinforce the existing partnerships with South Korea and Japan and open "
        "broader dialogues with ASEAN members, so the region meets the Russia–North Korea "
        "nexus as one front.",
        "expected_impact": "A united regional front that blunts the alliance's leverage.",
        "time_horizon": "long",
        "implications": ["political-leverage", "military-cooperation"],
        "actors": ["united-states", "south-korea", "japan", "asean"],
        "sectors": [],
        "tags": ["alliances"],
    },
    {
        "title": "Strategic Sanctions",
        "summary": "Sanction the industries and people that make the cooperation work.",
        "body": "Sanctions on key industries and individuals in **both** Russia and North "
        "Korea, chosen to weaken their military and economic cooperation.",
        "expected_impact": "Weaker cooperation in the military and economic sectors.",
        "time_horizon": "medium",
        "implications": ["military-cooperation", "economic-synergies"],
        "actors": ["russia", "north-korea"],
        "sectors": ["military-technology", "energy", "finance"],
        "tags": ["economic pressure"],
    },
    {
        "title": "Multilateral Engagement",
        "summary": "Use the UN Security Council and ASEAN to press both states.",
        "body": "Bring the question to international platforms such as the UN Security "
        "Council and ASEAN, where shared pressure on Russia and North Korea carries more "
        "weight than bilateral complaints.",
        "expected_impact": "Diplomatic pressure that comes from many states, not Washington alone.",
        "time_horizon": "medium",
        "implications": ["political-leverage"],
        "actors": ["un-security-council", "asean", "united-states"],
        "sectors": [],
        "tags": ["diplomacy"],
    },
    {
        "title": "Increased Military Presence",
        "summary": "More forces and readiness in the region as a deterrent.",
        "body": "A larger and readier U.S. presence in the region signals that aggressive "
        "acts will be answered.\n\nIt risks feeding the very escalation it is meant to deter.",
        "expected_impact": "Deterrence through visible readiness.",
        "time_horizon": "long",
        "implications": ["military-cooperation"],
        "actors": ["united-states", "japan", "south-korea"],
        "sectors": ["military-technology"],
        "tags": ["deterrence"],
    },
]

INITIATIVES = [
    {
        "title": "Regional Security Alliances",
        "summary": "Stronger defence pacts and joint exercises with regional allies.",
        "description": "Renew and deepen defence pacts; hold regular joint exercises with "
        "regional allies.",
        "objectives": "- Interoperable forces\n- Credible collective deterrence",
        "strategies": ["enhanced-defense-cooperation", "strengthened-alliances"],
        "partners": ["japan", "south-korea"],
        "actors": ["united-states", "japan", "south-korea"],
        "sectors": ["military-technology"],
        "tags": ["alliances", "deterrence"],
    },
    {
        "title": "Economic Partnerships",
        "summary": "Trade agreements in Asia that reduce dependence on adversaries.",
        "description": "Trade agreements with Asian partners so that they depend less on "
        "adversarial economies.",
        "objectives": "- Diversified supply chains\n- Less room for economic coercion",
        "strategies": ["strengthened-alliances"],
        "partners": ["asean", "japan", "south-korea", "india"],
        "actors": ["united-states"],
        "sectors": ["trade"],
        "tags": ["alliances"],
    },
    {
        "title": "Diplomatic Outreach",
        "summary": "Seek Russian and Chinese help in containing North Korean threats.",
        "description": "Engage Russia and China on the North Korean threat, looking for "
        "areas where their interests and ours overlap.",
        "objectives": "- Fewer North Korean provocations\n- Working channels with Moscow "
        "and Beijing",
        "strategies": ["diplomatic-engagement", "multilateral-engagement"],
        "partners": ["russia", "china"],
        "actors": ["united-states", "russia", "china"],
        "sectors": [],
        "tags": ["diplomacy"],
    },
    {
        "title": "Cybersecurity Initiatives",
        "summary": "Work with allies against cyber threats from North Korean actors.",
        "description": "Joint defence with allies against hacking, theft and attacks by "
        "North Korean groups.",
        "objectives": "- Shared threat intelligence\n- Faster joint response",
        "strategies": ["enhanced-defense-cooperation"],
        "partners": ["japan", "south-korea", "european-union"],
        "actors": ["north-korea"],
        "sectors": ["cyber", "finance"],
        "tags": ["intelligence"],
    },
    {
        "title": "Enhanced Monitoring",
        "summary": "Track the trade routes suspected of carrying illicit exchanges.",
        "description": "Advanced tracking of shipping and trade routes that may carry "
        "illicit exchanges between the two states.",
        "objectives": "- Evidence for enforcement\n- Early warning of evasion",
        "strategies": ["strategic-sanctions", "targeted-sanctions"],
        "partners": ["japan", "south-korea", "european-union"],
        "actors": ["russia", "north-korea"],
        "sectors": ["trade"],
        "tags": ["monitoring"],
    },
    {
        "title": "Multilateral Coordination",
        "summary": "One front with European and Asian allies against sanction violations.",
        "description": "Coordinate with allies in Europe and Asia so that violations meet a "
        "unified response.",
        "objectives": "- Consistent enforcement\n- No gaps between jurisdictions",
        "strategies": ["multilateral-engagement", "strategic-sanctions"],
        "partners": ["european-union", "japan", "south-korea", "un-security-council"],
        "actors": ["united-states"],
        "sectors": [],
        "tags": ["economic pressure", "diplomacy"],
    },
    {
        "title": "Diplomatic Outreach to India and Brazil",
        "summary": "Engage states with neutral or friendly ties to Moscow or Pyongyang.",
        "description": "Diplomatic measures to bring countries such as India and Brazil, "
        "which keep good relations with Moscow, into the conversation.",
        "objectives": "- A wider coalition\n- Fewer outlets for the alliance",
        "strategies": ["multilateral-engagement", "diplomatic-engagement"],
        "partners": ["india", "brazil"],
        "actors": ["india", "brazil"],
        "sectors": [],
        "tags": ["diplomacy"],
    },
    {
        "title": "Economic Incentives for Security Cooperation",
        "summary": "Economic incentives that reward security cooperation.",
        "description": "Trade and investment incentives offered in return for closer "
        "security cooperation.",
        "objectives": "- Partners with a stake in regional security",
        "strategies": ["strengthened-alliances"],
        "partners": ["india", "brazil", "asean"],
        "actors": ["united-states"],
        "sectors": ["trade", "finance"],
        "tags": ["alliances"],
    },
    {
        "title": "Regional Stability Dialogues",
        "summary": "Dialogues aimed at regional stability.",
        "description": "Regular regional dialogues on stability and crisis prevention.",
        "objectives": "- Crisis channels before they are needed",
        "strategies": ["multilateral-engagement"],
        "partners": ["asean", "china", "india"],
        "actors": ["asean"],
        "sectors": [],
        "tags": ["diplomacy"],
    },
    {
        "title": "Technology Sharing and Joint Security Research",
        "summary": "Share technology and fund joint research on security threats.",
        "description": "Technology-sharing initiatives and investment in joint research "
        "projects on security threats with allies.",
        "objectives": "- Allied technological edge",
        "strategies": ["enhanced-defense-cooperation", "strengthened-alliances"],
        "partners": ["japan", "south-korea"],
        "actors": ["united-states"],
        "sectors": ["military-technology", "technology-transfer"],
        "tags": ["alliances"],
    },
    {
        "title": "Intelligence Sharing",
        "summary": "Data sharing and intelligence collaboration with allied nations.",
        "description": "Share data and intelligence with allies to follow the alliance's "
        "developments closely.",
        "objectives": "- A common picture of the threat",
        "strategies": ["enhanced-defense-cooperation", "multilateral-engagement"],
        "partners": ["japan", "south-korea", "european-union"],
        "actors": ["united-states"],
        "sectors": ["cyber"],
        "tags": ["intelligence", "monitoring"],
    },
]

SANCTION_TYPES = [
    {
        "title": "Asset Freezes",
        "summary": "Freeze the assets of people tied to the military and financial sectors.",
        "description": "Freeze the assets of key individuals linked to the military and "
        "financial sectors of both states.",
        "instrument": "asset_freeze",
        "enforcement_notes": "Needs banks in allied jurisdictions to act together.",
        "target_sectors": ["military-technology", "finance"],
        "target_actors": ["north-korea", "russia"],
        "actors": ["united-states", "european-union"],
        "sectors": ["finance"],
        "tags": ["economic pressure"],
    },
    {
        "title": "Trade Embargoes",
        "summary": "Limit trade that feeds defence industries and technology transfers.",
        "description": "Restrict trade agreements that benefit defence industries and "
        "transfers of technology.",
        "instrument": "trade_embargo",
        "enforcement_notes": "Watch for trans-shipment through third countries.",
        "target_sectors": ["defense-industry", "technology-transfer", "trade"],
        "target_actors": ["north-korea", "russia"],
        "actors": ["united-states"],
        "sectors": ["trade"],
        "tags": ["economic pressure"],
    },
    {
        "title": "Travel Restrictions",
        "summary": "Travel bans on officials and business leaders in illicit activity.",
        "description": "Bar officials and business leaders involved in illicit activities "
        "from travelling.",
        "instrument": "travel_restriction",
        "enforcement_notes": "Share watch lists with partners' border services.",
        "target_sectors": [],
        "target_actors": ["north-korea", "russia"],
        "actors": ["united-states", "european-union", "japan", "south-korea"],
        "sectors": [],
        "tags": ["economic pressure"],
    },
    {
        "title": "Sector-specific Sanctions",
        "summary": "Sanctions on military technology and energy, which sustain the alliance.",
        "description": "Sanctions concentrated on the sectors, such as military technology "
        "and energy, that keep the cooperation between Pyongyang and Moscow going.",
        "instrument": "sector_specific",
        "enforcement_notes": "Energy sanctions need buyers' cooperation to bite.",
        "target_sectors": ["military-technology", "energy"],
        "target_actors": ["north-korea", "russia"],
        "actors": ["united-states", "european-union"],
        "sectors": ["military-technology", "energy"],
        "tags": ["economic pressure"],
    },
]

# The discussion of each initiative and sanction type, beside its short description.
BODIES = {
    "Regional Security Alliances": "Pacts only deter when they are exercised. Regular joint "
    "drills with **Japan** and **South Korea** show that the allies can act together.",
    "Economic Partnerships": "Trade agreements with Asian partners give them alternatives "
    "to adversarial markets and make economic pressure from Moscow or Beijing less effective.",
    "Diplomatic Outreach": "Russia and China both have reasons to fear a reckless North "
    "Korea. Outreach tests whether those reasons can be turned into restraint.",
    "Cybersecurity Initiatives": "North Korean groups steal funds and probe networks. Joint "
    "defence and shared indicators make each ally harder to hit.",
    "Enhanced Monitoring": "Sanctions fail where nobody watches. Tracking ships and trade "
    "routes produces the evidence that enforcement needs.",
    "Multilateral Coordination": "Violations slip through the gaps between jurisdictions. "
    "Coordination with European and Asian allies closes them.",
    "Diplomatic Outreach to India and Brazil": "States with good relations with Moscow can "
    "carry messages, and their distance from the alliance weighs more than allies' words.",
    "Economic Incentives for Security Cooperation": "Incentives give hedging states a reason "
    "to join security cooperation rather than stand aside.",
    "Regional Stability Dialogues": "Standing dialogues keep channels open before a crisis "
    "and build habits of consultation across the region.",
    "Technology Sharing and Joint Security Research": "Shared technology and joint research "
    "keep the allies ahead of what Russia can pass to North Korea.",
    "Intelligence Sharing": "A common picture of the alliance's moves lets the allies react "
    "together and quickly.",
    "Asset Freezes": "Freezing the holdings of the people who run the cooperation hurts "
    "decision-makers rather than the population.",
    "Trade Embargoes": "Embargoes on trade that feeds the defence industries slow the flow of "
    "weapons and know-how between the two states.",
    "Travel Restrictions": "Travel bans are cheap to impose and signal that those involved in "
    "illicit trade are known by name.",
    "Sector-specific Sanctions": "Military technology and energy hold the partnership "
    "together; sanctions aimed there strike at its core.",
}
for _entry in INITIATIVES + SANCTION_TYPES:
    _entry.setdefault("body", BODIES[_entry["title"]])

OPTIONS = [
    (Option.Kind.STRATEGY, STRATEGIES),
    (Option.Kind.INITIATIVE, INITIATIVES),
    (Option.Kind.SANCTION_TYPE, SANCTION_TYPES),
]

# Fields holding slugs of related rows, and the model they point at.
_RELATIONS = {
    "implications": StrategicImplication,
    "actors": Actor,
    "sectors": Sector,
    "partners": Actor,
    "target_sectors": Sector,
    "target_actors": Actor,
    "past_policies": PastPolicy,
}


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [f"created {name}" for name in self.created]
        lines += [f"updated {name}" for name in self.updated]
        lines.append(
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged."
        )
        return lines


def _brief_text() -> str:
    try:
        return BRIEF_PATH.read_text(encoding="utf-8")
    except OSError:
        return ""


def _resolve(name: str, slugs: list[str]):
    model = _RELATIONS.get(name)
    if model is None:  # initiative → strategies
        from .models import Strategy

        model = Strategy
    rows = list(model.objects.filter(slug__in=slugs))
    missing = set(slugs) - {row.slug for row in rows}
    if missing:
        raise ValueError(f"Demo data for {name} names unknown slugs: {sorted(missing)}")
    return rows


def _upsert_row(model, slug: str, values: dict, many: dict, label: str, report: LoadReport):
    row = model.objects.filter(slug=slug).first()
    if row is None:
        row = model.objects.create(slug=slug, **values)
        for name, related in many.items():
            getattr(row, name).set(related)
        report.created.append(label)
        return row
    changed = {name: value for name, value in values.items() if getattr(row, name) != value}
    changed_many = {
        name: related
        for name, related in many.items()
        if {r.pk for r in getattr(row, name).all()} != {r.pk for r in related}
    }
    if changed:
        for name, value in changed.items():
            setattr(row, name, value)
        row.save()
    for name, related in changed_many.items():
        getattr(row, name).set(related)
    (report.updated if changed or changed_many else report.unchanged).append(label)
    return row


def _upsert_option(kind, data: dict, brief: Brief, report: LoadReport):
    data = dict(data)
    slug = slugify(data["title"])
    many = {}
    for name in (
        "implications",
        "actors",
        "sectors",
        "partners",
        "target_sectors",
        "target_actors",
        "strategies",
    ):
        if name in data:
            many[name] = _resolve(name, data.pop(name))
    many["tags"] = list(Tag.objects.filter(slug__in=[slugify(t) for t in data.pop("tags", [])]))
    values = {**data, "brief": brief, "status": Option.Status.PUBLISHED}
    label = f"{Option.Kind(kind).label.lower()} {data['title']}"
    option = Option.objects.filter(slug=slug).first()
    if option is None:
        services.option_create(kind=kind, slug=slug, **values, **many)
        report.created.append(label)
        return
    option = option.specific
    if option.kind != kind:
        raise ValueError(f"{data['title']!r} exists as a {option.get_kind_display()}, not {kind}.")
    changed = {name: value for name, value in values.items() if getattr(option, name) != value}
    changed_many = {
        name: related
        for name, related in many.items()
        if {r.pk for r in getattr(option, name).all()} != {r.pk for r in related}
    }
    if changed or changed_many:
        services.option_update(option=option, **changed, **changed_many)
        report.updated.append(label)
    else:
        report.unchanged.append(label)


@transaction.atomic
def load_demo_content() -> LoadReport:
    """Create or bring up to date every demo row; rows already as described are left alone."""
    report = LoadReport()
    brief = _upsert_row(
        Brief,
        BRIEF["slug"],
        {"title": BRIEF["title"], "publisher": BRIEF["publisher"], "text": _brief_text()},
        {},
        f"brief {BRIEF['title']}",
        report,
    )
    for model, entries in (
        (Actor, ACTORS),
        (Sector, SECTORS),
        (StrategicImplication, IMPLICATIONS),
    ):
        for entry in entries:
            _upsert_row(
                model,
                slugify(entry["name"]),
                entry,
                {},
                f"{model._meta.verbose_name} {entry['name']}",
                report,
            )
    for name in TAGS:
        _upsert_row(Tag, slugify(name), {"name": name}, {}, f"tag {name}", report)
    for entry in PAST_POLICIES:
        _upsert_row(
            PastPolicy,
            slugify(entry["name"]),
            {**entry, "brief": brief},
            {},
            f"past policy {entry['name']}",
            report,
        )
    for entry in LESSONS:
        entry = dict(entry)
        many = {"past_policies": _resolve("past_policies", entry.pop("past_policies"))}
        _upsert_row(
            Lesson,
            slugify(entry["name"]),
            {**entry, "brief": brief},
            many,
            f"lesson {entry['name']}",
            report,
        )
    for kind, entries in OPTIONS:
        for entry in entries:
            _upsert_option(kind, entry, brief, report)
    return report
