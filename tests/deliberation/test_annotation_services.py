"""Annotation services: target validation, visibility, permissions, re-anchoring."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from deliberation import annotations as services
from deliberation.anchoring import occurrences, quote_context
from deliberation.models import Annotation, ModerationAction, Visibility
from policies import services as policy_services
from policies.models import Option
from tests.factories import AnnotationFactory, SanctionTypeFactory, StrategyFactory, UserFactory

BODY = "Apply pressure on key sectors of the economy through targeted measures."


def create(author, option, phrase="key sectors", field="body", **kwargs):
    text = getattr(option, f"{field}_text", option.body_text)
    start = text.index(phrase) if phrase in text else 0
    values = {
        "field": field,
        "start": start,
        "end": start + len(phrase),
        "exact": phrase,
        "body": "Which sectors?",
    }
    values.update(kwargs)
    return services.annotation_create(author=author, option=option, **values)


@pytest.fixture
def option(db):
    return StrategyFactory(body=BODY)


def test_analyst_annotates_a_phrase_with_w3c_target(analyst, option):
    annotation = create(analyst, option, prefix="junk", suffix="junk", tags=["Energy", "energy "])
    assert (annotation.start, annotation.end) == (BODY.index("key"), BODY.index("key") + 11)
    assert annotation.prefix == "Apply pressure on "
    assert annotation.suffix == " of the economy through targeted"
    assert len(annotation.suffix) == 32
    assert annotation.tags == ["energy"]
    assert annotation.body_html == "<p>Which sectors?</p>\n"


def test_tags_are_split_on_commas_however_they_are_sent(analyst, option):
    assert create(analyst, option, tags=["Energy, Risk", "risk"]).tags == ["energy", "risk"]
    with pytest.raises(ValidationError) as error:
        create(analyst, option, tags=",".join(f"t{i}" for i in range(11)))
    assert "At most 10 tags." in error.value.message_dict["tags"]


def test_note_markdown_is_sanitised(analyst, option):
    annotation = create(analyst, option, body="<script>alert(1)</script> [x](javascript:alert(1))")
    assert "<script" not in annotation.body_html
    assert 'href="javascript' not in annotation.body_html
    assert "&lt;script&gt;" in annotation.body_html


@pytest.mark.parametrize(
    "changes, key",
    [
        ({"start": -1}, "start"),
        ({"end": len(BODY) + 2}, "start"),
        ({"start": 5, "end": 5, "exact": ""}, "exact"),
        ({"exact": "key sectorz"}, "exact"),
        ({"field": "summary"}, "field"),
        ({"field": "description"}, "field"),
        ({"start": "x"}, "start"),
    ],
)
def test_bad_target_is_refused_and_nothing_saved(analyst, option, changes, key):
    with pytest.raises(ValidationError) as error:
        create(analyst, option, **changes)
    assert key in error.value.message_dict
    assert not Annotation.objects.exists()


@override_settings(ANNOTATION_MAX_QUOTE_LENGTH=5)
def test_over_long_selection_is_refused(analyst, option):
    with pytest.raises(ValidationError) as error:
        create(analyst, option)
    assert "too long" in error.value.message_dict["exact"][0]
    assert not Annotation.objects.exists()


def test_kind_specific_field_can_be_annotated(analyst):
    sanction = SanctionTypeFactory()
    annotation = create(analyst, sanction, phrase="key individuals", field="description")
    assert annotation.field == "description"
    with pytest.raises(ValidationError):
        create(analyst, sanction, phrase="key", field="expected_impact", exact="Apply")


def test_draft_option_cannot_be_annotated_by_analyst_but_by_editor(analyst, editor):
    draft = StrategyFactory(body=BODY, status=Option.Status.DRAFT)
    with pytest.raises(PermissionDenied):
        create(analyst, draft)
    assert create(editor, draft).pk


def test_account_without_role_cannot_annotate(option):
    with pytest.raises(PermissionDenied):
        create(UserFactory(role=""), option)


def test_private_annotation_is_seen_only_by_its_author(analyst, other_analyst, option):
    private = create(analyst, option, visibility=Visibility.PRIVATE)
    shared = create(other_analyst, option, phrase="economy")
    assert set(services.annotations_visible_to(analyst, option)) == {private, shared}
    assert list(services.annotations_visible_to(other_analyst, option)) == [shared]
    from django.contrib.auth.models import AnonymousUser

    assert list(services.annotations_visible_to(AnonymousUser(), option)) == [shared]
    assert services.annotation_for_user(other_analyst, private.pk) is None


def test_author_edits_note_tags_and_visibility(analyst, option):
    annotation = create(analyst, option)
    services.annotation_edit(
        user=analyst, annotation=annotation, body="**Now** sure", tags="a, b", visibility="private"
    )
    annotation.refresh_from_db()
    assert annotation.body_html == "<p><strong>Now</strong> sure</p>\n"
    assert annotation.tags == ["a", "b"]
    assert annotation.visibility == "private"
    with pytest.raises(ValidationError):
        services.annotation_edit(user=analyst, annotation=annotation, visibility="public")


def test_a_note_others_replied_to_stays_shared_so_their_replies_stay_theirs(
    analyst, other_analyst, option
):
    annotation = create(analyst, option)
    services.annotation_reply_create(author=analyst, annotation=annotation, body="My own aside.")
    services.annotation_edit(user=analyst, annotation=annotation, visibility="private")
    services.annotation_edit(user=analyst, annotation=annotation, visibility="shared")

    services.annotation_reply_create(author=other_analyst, annotation=annotation, body="Agreed.")
    with pytest.raises(ValidationError) as refused:
        services.annotation_edit(
            user=analyst, annotation=annotation, body="Changed", visibility="private"
        )
    assert "stays shared" in str(refused.value)
    annotation.refresh_from_db()
    assert annotation.visibility == "shared"
    assert annotation.body != "Changed"  # nothing half-saved
    assert services.can_see_annotation(other_analyst, annotation)


def test_other_analyst_cannot_edit_or_delete_shared_annotation(analyst, other_analyst, option):
    annotation = create(analyst, option)
    with pytest.raises(PermissionDenied):
        services.annotation_edit(user=other_analyst, annotation=annotation, body="mine now")
    with pytest.raises(PermissionDenied):
        services.annotation_delete(user=other_analyst, annotation=annotation)
    annotation.refresh_from_db()
    assert annotation.body == "Which sectors?"


def test_replies_only_on_shared_annotations(analyst, other_analyst, option):
    shared = create(analyst, option)
    reply = services.annotation_reply_create(
        author=other_analyst, annotation=shared, body="Energy."
    )
    assert reply.body_html == "<p>Energy.</p>\n"
    private = create(analyst, option, phrase="economy", visibility="private")
    with pytest.raises(PermissionDenied):
        services.annotation_reply_create(author=analyst, annotation=private, body="Hm")
    with pytest.raises(ValidationError):
        services.annotation_reply_create(author=other_analyst, annotation=shared, body="  ")
    with pytest.raises(PermissionDenied):
        services.annotation_reply_edit(user=analyst, reply=reply, body="not mine")
    services.annotation_reply_delete(user=other_analyst, reply=reply)
    assert not shared.replies.exists()


def test_moderator_hides_and_restores_a_shared_annotation(
    analyst, other_analyst, moderator, option
):
    annotation = create(analyst, option)
    with pytest.raises(PermissionDenied):
        services.annotation_hide(moderator=other_analyst, annotation=annotation, reason="no")
    with pytest.raises(ValidationError):
        services.annotation_hide(moderator=moderator, annotation=annotation, reason=" ")
    services.annotation_hide(moderator=moderator, annotation=annotation, reason="Abusive")
    assert list(services.annotations_visible_to(other_analyst, option)) == []
    assert list(services.annotations_visible_to(moderator, option)) == [annotation]
    services.annotation_restore(moderator=moderator, annotation=annotation)
    assert list(services.annotations_visible_to(other_analyst, option)) == [annotation]
    actions = list(
        ModerationAction.objects.filter(annotation=annotation).values_list("action", flat=True)
    )
    assert sorted(actions) == ["hide", "restore"]


def test_annotations_can_be_flagged(analyst, other_analyst, option):
    from deliberation.services import flag_create

    annotation = create(analyst, option)
    flag = flag_create(user=other_analyst, annotation=annotation, reason="spam")
    assert flag.annotation == annotation


# Re-anchoring through the catalogue's option_update -----------------------------------


def test_text_added_before_the_phrase_moves_the_annotation(analyst, editor, option):
    annotation = create(analyst, option)
    policy_services.option_update(option=option, body="Above all, " + BODY)
    annotation.refresh_from_db()
    text = Option.objects.get(pk=option.pk).body_text
    assert text[annotation.start : annotation.end] == "key sectors"
    assert annotation.start == len("Above all, ") + BODY.index("key")
    assert annotation.prefix == text[max(0, annotation.start - 32) : annotation.start]
    assert not annotation.orphaned


def test_phrase_deleted_orphans_the_annotation_and_keeps_its_quote(analyst, option):
    annotation = create(analyst, option)
    policy_services.option_update(option=option, body="Apply pressure through targeted measures.")
    annotation.refresh_from_db()
    assert annotation.orphaned
    assert annotation.exact == "key sectors"
    assert list(Annotation.objects.orphaned()) == [annotation]
    # The phrase comes back: the annotation is anchored again.
    policy_services.option_update(option=option, body="Now on key sectors only.")
    annotation.refresh_from_db()
    assert not annotation.orphaned
    assert annotation.start == len("Now on ")


def test_duplicated_phrase_follows_its_context(analyst, option):
    annotation = create(analyst, option, phrase="sectors")
    policy_services.option_update(
        option=option, body="Other sectors first. " + BODY.replace("Apply", "Then apply")
    )
    annotation.refresh_from_db()
    text = Option.objects.get(pk=option.pk).body_text
    assert text[annotation.start - 4 : annotation.end] == "key sectors"


def test_a_note_is_checked_against_the_text_as_saved_not_as_the_page_loaded_it(analyst):
    option = StrategyFactory(body=BODY)
    loaded = Option.objects.get(pk=option.pk)  # the reader's page, before the edit
    policy_services.option_update(option=option, body="Above all, " + BODY)
    old_start = BODY.index("key sectors")
    with pytest.raises(ValidationError) as error:
        create(analyst, loaded, start=old_start, end=old_start + 11)
    assert "does not match" in error.value.message_dict["exact"][0]
    new_start = old_start + len("Above all, ")
    annotation = create(analyst, loaded, start=new_start, end=new_start + 11)
    assert annotation.prefix == ("Above all, " + BODY)[max(0, new_start - 32) : new_start]


def test_an_edit_after_the_phrase_leaves_the_annotation_untouched(analyst, option):
    annotation = create(analyst, option, phrase="Apply")
    before = (annotation.updated, annotation.history.count())
    policy_services.option_update(option=option, body=BODY + " More, much later.")
    annotation.refresh_from_db()
    assert (annotation.updated, annotation.history.count()) == before
    assert (annotation.start, annotation.end) == (0, 5)


def test_other_fields_are_left_alone(analyst):
    strategy = StrategyFactory(body=BODY)
    on_impact = create(analyst, strategy, phrase="deterrence", field="expected_impact")
    before = (on_impact.start, on_impact.end)
    policy_services.option_update(option=strategy, body="Completely new text.")
    on_impact.refresh_from_db()
    assert (on_impact.start, on_impact.end) == before
    assert not on_impact.orphaned


def test_reanchoring_handler_is_registered():
    from policies import extensions

    assert services.reanchor_after_text_change in extensions.text_change_handlers


def test_factory_annotation_is_valid_target(db):
    annotation = AnnotationFactory()
    assert annotation.option.body_text[annotation.start : annotation.end] == annotation.exact


# Property: random edits of the Markdown through option_update ---------------------------

markdown_texts = st.text(alphabet=st.sampled_from("ab .\n"), min_size=1, max_size=50)


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=markdown_texts, data=st.data())
def test_after_any_edit_every_annotation_points_at_its_quote_or_is_orphaned(analyst, body, data):
    option = StrategyFactory(body=body)
    text = option.body_text
    assume(text.strip())
    annotations = []
    for _ in range(data.draw(st.integers(1, 4))):
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        if not text[start:end].strip():
            continue
        annotations.append(
            services.annotation_create(
                author=analyst,
                option=option,
                field="body",
                start=start,
                end=end,
                exact=text[start:end],
                visibility=data.draw(st.sampled_from(Visibility.values)),
            )
        )
    assume(annotations)
    cut_start = data.draw(st.integers(0, len(body)))
    cut_end = data.draw(st.integers(cut_start, len(body)))
    inserted = data.draw(st.text(alphabet=st.sampled_from("abc .\n"), max_size=15))
    new_body = body[:cut_start] + inserted + body[cut_end:]

    policy_services.option_update(option=Option.objects.get(pk=option.pk), body=new_body)

    new_text = Option.objects.get(pk=option.pk).specific.body_text
    for annotation in annotations:
        quote = annotation.exact
        annotation.refresh_from_db()
        assert annotation.exact == quote  # the quote is never rewritten
        if annotation.orphaned:
            # Only when the quote is gone or cannot be told apart from its twins.
            assert len(occurrences(new_text, quote)) != 1
            continue
        assert new_text[annotation.start : annotation.end] == quote
        assert (annotation.prefix, annotation.suffix) == quote_context(
            new_text, annotation.start, annotation.end
        )
    assert Annotation.objects.filter(option_id=option.pk).count() == len(annotations)
