"""Arbitrary input where people type or upload: the brief importer (for real, not only a dry
run), uploads of any bytes in the admin, and every field of the site's forms, including
the annotation anchor an analyst's browser sends. Nothing answers with a server error, and
whatever is refused leaves no row behind. The API is fuzzed from its schema by .ci/fuzz-api."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliberation.models import Annotation, Comment, Flag, Profile, Vote
from policies.importer import BriefImportError, import_brief
from policies.models import Brief, Option
from tests.factories import CommentFactory, StrategyFactory

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text with the importer's own vocabulary mixed in, so examples reach past the first check.
brief_text = st.lists(
    st.one_of(
        st.sampled_from(list("|-:*• \n\t#")),
        st.sampled_from(
            [
                "Strategy | Expected impact |\n---|---|\n",
                "Initiative | Description | Objectives |\n---|---|---|\n",
                "Sanction Type | Description |\n---|---|\n",
                "## Strategies\n- ",
                "Actors",
                "Sectors",
            ]
        ),
        st.text(max_size=30),
    ),
    max_size=40,
).map("".join)
# Anything a form field might receive, NUL characters and huge numbers included.
field_value = st.one_of(
    st.text(max_size=60),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["", " ", "0", "-1", "support", "shared", "body", "\x00", "9" * 40]),
)


def _rows():
    return (
        Option.objects.count(),
        Brief.objects.count(),
        Comment.objects.count(),
        Vote.objects.count(),
        Flag.objects.count(),
        Annotation.objects.count(),
    )


@FUZZ
@given(text=brief_text)
def test_a_real_import_of_arbitrary_text_writes_everything_or_nothing(text):
    before_options, before_briefs = Option.objects.count(), Brief.objects.count()
    try:
        report = import_brief(text, title="Fuzzed brief")
    except BriefImportError as error:
        assert str(error)
        assert (Option.objects.count(), Brief.objects.count()) == (before_options, before_briefs)
    else:
        made = [entry for entry in report.created if entry.kind in Option.Kind.values]
        assert Option.objects.count() == before_options + len(made)
        assert Brief.objects.filter(title="Fuzzed brief").count() == 1


@FUZZ
@given(content=st.one_of(st.binary(max_size=400), brief_text.map(str.encode)))
def test_any_uploaded_bytes_get_a_page_and_the_preview_writes_nothing(staff_client, content):
    before = _rows()
    response = staff_client.post(
        reverse("admin:policies_brief_import"),
        {"file": SimpleUploadedFile("brief.txt", content, "text/plain"), "title": "Upload"},
    )
    assert response.status_code in (200, 400), response.status_code
    assert _rows() == before


def _profiles():
    """What profiles say (an empty profile is made on first visit to the settings)."""
    filled = Profile.objects.exclude(display_name="", affiliation="", bio="")
    return list(filled.values_list("display_name", "affiliation", "bio"))


@pytest.fixture
def page(db):
    option = StrategyFactory(slug="targeted-sanctions")
    return {"option": option, "comment": CommentFactory(option=option)}


def _form_cases(page):
    option, comment = page["option"], page["comment"]
    return {
        "argument": (
            reverse("deliberation:comment-create", args=[option.slug]),
            ["body", "stance", "parent"],
        ),
        "vote": (reverse("deliberation:vote", args=[option.slug]), ["choice"]),
        "flag": (reverse("deliberation:comment-flag", args=[comment.pk]), ["reason", "note"]),
        "note": (
            reverse("deliberation:annotation-create", args=[option.slug]),
            ["field", "start", "end", "exact", "prefix", "suffix", "body", "tags", "visibility"],
        ),
        "profile": (
            reverse("deliberation:profile-settings"),
            ["display_name", "affiliation", "bio"],
        ),
    }


@FUZZ
@given(
    form=st.sampled_from(["argument", "vote", "flag", "note", "profile"]),
    values=st.lists(field_value, min_size=9, max_size=9),
    htmx=st.booleans(),
)
def test_arbitrary_form_input_gets_an_answer_and_a_refusal_saves_nothing(
    analyst_client, page, form, values, htmx
):
    cache.clear()  # the write limit is not what is being tested here
    url, names = _form_cases(page)[form]
    data = dict(zip(names, values, strict=False))
    before = _rows()
    profile_before = _profiles()
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = analyst_client.post(url, data, **headers)
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        assert _rows() == before
        assert _profiles() == profile_before


@pytest.mark.parametrize("parent", ["%", "1%_s", "²", "-3", "x"])
def test_a_reply_to_a_parent_that_is_not_a_number_is_a_form_error(analyst_client, page, parent):
    url = reverse("deliberation:comment-create", args=[page["option"].slug])
    response = analyst_client.post(url, {"body": "A reply.", "stance": "support", "parent": parent})
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Comment.objects.filter(body="A reply.").exists()
