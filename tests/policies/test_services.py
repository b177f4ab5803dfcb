import pytest
from django.core.exceptions import ValidationError

from policies import extensions, services
from policies.models import Initiative, Option, SanctionType, Strategy
from tests.factories import (
    ActorFactory,
    InitiativeFactory,
    SectorFactory,
    StrategyFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded_text_changes():
    calls = []

    def handler(option, old_texts):
        calls.append((option.pk, dict(old_texts)))

    extensions.text_change_handlers.append(handler)
    yield calls
    extensions.text_change_handlers.remove(handler)


def test_option_create_makes_the_kind_renders_markdown_and_sets_links(editor):
    strategy = StrategyFactory()
    actor, sector, tag = ActorFactory(), SectorFactory(), TagFactory()
    initiative = services.option_create(
        kind="initiative",
        author=editor,
        title="Joint Patrols",
        description="Share **patrols**.",
        strategies=[strategy],
        partners=[actor],
        sectors=[sector],
        tags=[tag],
    )
    stored = Initiative.objects.get(slug="joint-patrols")
    assert stored.pk == initiative.pk and stored.kind == "initiative"
    assert stored.author == editor
    assert stored.description_html == "<p>Share <strong>patrols</strong>.</p>\n"
    assert list(stored.strategies.all()) == [strategy]
    assert list(stored.partners.all()) == [actor]
    assert list(stored.sectors.all()) == [sector] and list(stored.tags.all()) == [tag]


def test_option_create_refuses_invalid_data_and_saves_nothing():
    StrategyFactory(slug="taken")
    with pytest.raises(ValidationError) as error:
        services.option_create(kind="strategy", title="Taken", slug="taken")
    assert "slug" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.option_create(kind="sanction_type", title="Bad", instrument="blockade")
    with pytest.raises(ValidationError):
        services.option_create(kind="strategy", title="")
    with pytest.raises(ValidationError):
        services.option_create(kind="wish", title="Anything")
    assert Option.objects.count() == 1
    assert not SanctionType.objects.exists()


def test_option_update_rerenders_and_reports_old_text_of_changed_fields(recorded_text_changes):
    strategy = StrategyFactory(body="Old body.", expected_impact="Same impact.")
    updated = services.option_update(option=strategy, body="New *body*.", summary="Changed")
    stored = Strategy.objects.get(pk=strategy.pk)
    assert stored.body_html == "<p>New <em>body</em>.</p>\n" and stored.summary == "Changed"
    assert updated.body_text.strip() == "New body."
    assert recorded_text_changes == [(strategy.pk, {"body": "Old body.\n"})]


def test_option_update_reads_old_text_from_the_database_when_the_instance_was_edited(
    recorded_text_changes,
):
    initiative = InitiativeFactory(description="Before.")
    initiative.description = "After."  # as the admin's form leaves it
    services.option_update(option=initiative)
    assert recorded_text_changes == [(initiative.pk, {"description": "Before.\n"})]


def test_option_update_without_text_changes_does_not_call_handlers(recorded_text_changes):
    strategy = StrategyFactory()
    services.option_update(option=strategy, time_horizon="long")
    assert recorded_text_changes == []
    assert Strategy.objects.get(pk=strategy.pk).time_horizon == "long"


def test_a_failing_handler_rolls_the_text_change_back():
    strategy = StrategyFactory(body="Kept.")

    def broken(option, old_texts):
        raise RuntimeError("handler failed")

    extensions.text_change_handlers.append(broken)
    try:
        with pytest.raises(RuntimeError):
            services.option_update(option=strategy, body="Lost.")
    finally:
        extensions.text_change_handlers.remove(broken)
    assert Strategy.objects.get(pk=strategy.pk).body == "Kept."


def test_option_update_refuses_invalid_values_and_keeps_the_row():
    strategy = StrategyFactory(title="Original")
    with pytest.raises(ValidationError):
        services.option_update(option=strategy, title="", time_horizon="eternal")
    assert Strategy.objects.get(pk=strategy.pk).title == "Original"


def test_option_update_accepts_the_common_option_row():
    initiative = InitiativeFactory()
    base = Option.objects.get(pk=initiative.pk)
    services.option_update(option=base, objectives="Deter.")
    assert Initiative.objects.get(pk=initiative.pk).objectives_html == "<p>Deter.</p>\n"


def test_publish_and_archive_change_what_readers_see():
    option = StrategyFactory(status="draft")
    services.option_publish(option=Option.objects.get(pk=option.pk))
    assert Option.objects.published().filter(pk=option.pk).exists()
    services.option_archive(option=option)
    assert Option.objects.get(pk=option.pk).status == "archived"
    assert not Option.objects.published().exists()
    assert option.history.count() >= 3
