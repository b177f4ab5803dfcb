from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from policies.models import (
    Actor,
    Brief,
    Initiative,
    InitiativeStrategy,
    Lesson,
    Option,
    PastPolicy,
    Sector,
    StrategicImplication,
    Strategy,
    Tag,
)
from tests.factories import (
    ActorFactory,
    BriefFactory,
    InitiativeFactory,
    SanctionTypeFactory,
    StrategyFactory,
)

pytestmark = pytest.mark.django_db


def _refused(callable_, constraint=None):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        callable_()


def test_each_kind_records_its_kind_on_the_common_option_row():
    strategy = StrategyFactory(slug="s")
    initiative, sanction = InitiativeFactory(slug="i"), SanctionTypeFactory(slug="t")
    kinds = dict(Option.objects.values_list("pk", "kind"))
    assert kinds[strategy.pk] == "strategy"
    assert kinds[initiative.pk] == "initiative"
    assert kinds[sanction.pk] == "sanction_type"
    assert Option.objects.get(pk=initiative.pk).specific == initiative


def test_two_options_cannot_share_a_slug_even_of_different_kinds():
    StrategyFactory(slug="same")
    _refused(lambda: InitiativeFactory(slug="same"))


@pytest.mark.parametrize(
    ("model", "constraint", "columns"),
    [
        (Option, "option_slug_unique", ["slug"]),
        (Brief, "brief_slug_unique", ["slug"]),
        (Tag, "tag_slug_unique", ["slug"]),
        (Tag, "tag_name_unique", ["name"]),
        *[
            (model, f"{model._meta.model_name}_{column}_unique", [column])
            for model in (Actor, Sector, StrategicImplication, PastPolicy, Lesson)
            for column in ("name", "slug")
        ],
    ],
)
def test_unique_names_and_slugs_are_named_constraints_in_the_database(model, constraint, columns):
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    assert constraint in found
    assert found[constraint]["unique"] and found[constraint]["columns"] == columns


def test_the_database_refuses_a_second_actor_sector_or_tag_of_the_same_slug():
    Actor.objects.create(name="Japan", slug="japan")
    _refused(lambda: Actor.objects.create(name="Nippon", slug="japan"))
    _refused(lambda: Actor.objects.create(name="Japan", slug="japan-2"))
    Sector.objects.create(name="Energy", slug="energy")
    _refused(lambda: Sector.objects.create(name="Power", slug="energy"))
    Tag.objects.create(name="urgent", slug="urgent")
    _refused(lambda: Tag.objects.create(name="Urgent!", slug="urgent"))
    _refused(lambda: Tag.objects.create(name="blank", slug=""), constraint="tag_slug_not_empty")
    _refused(
        lambda: Sector.objects.create(name="Blank", slug=""), constraint="sector_slug_not_empty"
    )


def test_a_taken_slug_is_a_form_error_on_the_slug_field():
    StrategyFactory(slug="taken")
    strategy = StrategyFactory.build(slug="taken", title="Another")

    with pytest.raises(ValidationError) as error:
        strategy.full_clean()
    assert "slug" in error.value.message_dict
    assert "already exists" in error.value.message_dict["slug"][0]


def test_the_database_refuses_an_empty_slug():
    _refused(lambda: StrategyFactory(slug=""), constraint="option_slug_not_empty")
    _refused(lambda: BriefFactory(slug=""), constraint="brief_slug_not_empty")


def test_the_database_refuses_an_unknown_status_or_kind():
    option = StrategyFactory()
    _refused(lambda: Option.objects.filter(pk=option.pk).update(status="deleted"))
    _refused(lambda: Option.objects.filter(pk=option.pk).update(kind="wish"))


def test_the_database_refuses_an_unknown_time_horizon_or_instrument():
    strategy, sanction = StrategyFactory(slug="s"), SanctionTypeFactory(slug="t")
    _refused(lambda: Strategy.objects.filter(pk=strategy.pk).update(time_horizon="eternal"))
    _refused(lambda: type(sanction).objects.filter(pk=sanction.pk).update(instrument="blockade"))


def test_the_database_refuses_an_actor_with_an_unknown_stance():
    actor = ActorFactory()
    _refused(lambda: type(actor).objects.filter(pk=actor.pk).update(stance="confused"))


def test_an_initiative_links_a_strategy_once_and_never_itself():
    initiative, strategy = InitiativeFactory(slug="i"), StrategyFactory(slug="s")
    InitiativeStrategy.objects.create(initiative=initiative, strategy=strategy)
    _refused(lambda: InitiativeStrategy.objects.create(initiative=initiative, strategy=strategy))
    # The same Option row pretending to be both ends of the link.
    _refused(
        lambda: InitiativeStrategy.objects.create(
            initiative_id=initiative.pk, strategy_id=initiative.pk
        ),
        constraint="option_not_linked_to_itself",
    )
    assert list(initiative.strategies.all()) == [strategy]


def test_published_hides_drafts_and_archived_options_from_readers(analyst, staff):
    shown = StrategyFactory(status="published")
    draft = StrategyFactory(status="draft")
    archived = StrategyFactory(status="archived")

    def pks(queryset):
        return {option.pk for option in queryset}

    assert pks(Option.objects.visible_to(analyst)) == {shown.pk}
    assert pks(Option.objects.visible_to(staff)) == {shown.pk, draft.pk, archived.pk}
    assert pks(Option.objects.visible_to(None)) == {shown.pk}


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)


@pytest.mark.parametrize(
    "markdown",
    [
        "Hello <script>alert(1)</script> world",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        '<a href="javascript:alert(1)" onclick="alert(2)">x</a>',
        "[data](data:text/html;base64,PHNjcmlwdD4=)",
        '![img](x" onerror="alert(1))',
        "<svg onload=alert(1)>",
    ],
)
def test_markdown_with_script_handlers_or_javascript_links_is_stored_inert(markdown):
    option = InitiativeFactory(body=markdown, description=markdown, objectives="**fine**")
    stored = Initiative.objects.get(pk=option.pk)
    for html in (stored.body_html, stored.description_html):
        elements = _Elements(html)
        assert not {"script", "img", "svg", "iframe"} & set(elements.tags)
        for name, value in elements.attributes:
            assert not name.startswith("on")
            assert not value.strip().lower().startswith(("javascript:", "data:"))
    assert stored.objectives_html == "<p><strong>fine</strong></p>\n"


def test_a_safe_link_survives_with_rel_attributes():
    option = StrategyFactory(body="Apply **pressure** on [key sectors](https://example.org).")
    assert option.body_text.strip() == "Apply pressure on key sectors."
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer">' in option.body_html
