import pytest
from django.urls import reverse

from deliberation.models import Profile
from deliberation.profiles import profile_update
from policies.models import Option
from tests.factories import CommentFactory, StrategyFactory, VoteFactory


def test_profile_page_shows_name_affiliation_bio_and_role(analyst, anonymous_client):
    profile_update(
        user=analyst,
        display_name="Ana Lytic",
        affiliation="Institute for East Asian Security",
        bio="Works on sanctions enforcement.",
    )
    page = anonymous_client.get(reverse("deliberation:profile", args=["ana"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Ana Lytic" in html
    assert "Institute for East Asian Security" in html
    assert "Works on sanctions enforcement." in html
    assert "Analyst" in html
    # Only the owner sees the settings links.
    assert reverse("deliberation:account-delete") not in html


def test_profile_text_is_escaped(analyst, anonymous_client):
    profile_update(
        user=analyst,
        display_name="<script>alert(1)</script>",
        affiliation='<img src=x onerror="alert(2)">',
        bio='<a href="javascript:alert(3)">me</a>',
    )
    html = anonymous_client.get(reverse("deliberation:profile", args=["ana"])).content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_unknown_person_is_not_found(anonymous_client):
    assert anonymous_client.get("/people/nobody/").status_code == 404


def test_profile_lists_own_arguments_and_votes_with_links(analyst, other_analyst_client):
    option = StrategyFactory(title="Targeted Sanctions")
    CommentFactory(author=analyst, option=option, body="Sanctions bite the elite.")
    CommentFactory(author=analyst, option=option, body="Withdrawn thought.", deleted=True)
    CommentFactory(author=analyst, option=option, body="Hidden rant.", hidden=True)
    VoteFactory(voter=analyst, option=option, choice="oppose")
    draft = StrategyFactory(title="Secret draft plan", status=Option.Status.DRAFT)
    VoteFactory(voter=analyst, option=draft)

    html = other_analyst_client.get(reverse("deliberation:profile", args=["ana"])).content.decode()
    assert "Sanctions bite the elite." in html
    assert "Withdrawn thought." not in html
    assert "Hidden rant." not in html
    assert "Oppose" in html
    assert f'href="{option.get_absolute_url()}"' in html
    assert "Secret draft plan" not in html


def test_owner_sees_their_hidden_argument_marked_hidden(analyst, analyst_client):
    CommentFactory(author=analyst, body="Hidden rant.", hidden=True)
    html = analyst_client.get(reverse("deliberation:profile", args=["ana"])).content.decode()
    assert "Hidden rant." in html
    assert "Hidden by a moderator" in html
    assert reverse("deliberation:account-delete") in html


def test_profile_page_runs_a_constant_number_of_queries(
    analyst, anonymous_client, django_assert_max_num_queries
):
    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = anonymous_client.get(reverse("deliberation:profile", args=["ana"]))
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    option = StrategyFactory()
    CommentFactory(author=analyst, option=option)
    VoteFactory(voter=analyst, option=option)
    few, _ = count_queries()

    for _ in range(30):
        option = StrategyFactory()
        CommentFactory(author=analyst, option=option)
        VoteFactory(voter=analyst, option=option)
    many, html = count_queries()
    assert many == few
    assert html.count("Argument number") == 25  # first page of arguments
    with django_assert_max_num_queries(12):
        anonymous_client.get(reverse("deliberation:profile", args=["ana"]))


def test_analyst_edits_their_profile(analyst, analyst_client):
    response = analyst_client.post(
        reverse("deliberation:profile-settings"),
        {"display_name": "Ana L.", "affiliation": "Ministry", "bio": "Short bio."},
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=analyst)
    assert (profile.display_name, profile.affiliation, profile.bio) == (
        "Ana L.",
        "Ministry",
        "Short bio.",
    )


def test_over_long_profile_fields_get_errors_and_save_nothing(analyst, analyst_client):
    profile_update(user=analyst, display_name="Ana", affiliation="", bio="Before.")
    response = analyst_client.post(
        reverse("deliberation:profile-settings"),
        {"display_name": "x" * 81, "affiliation": "Ministry", "bio": "b" * 1001},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ensure this value has at most 80 characters" in html
    assert "Ensure this value has at most 1000 characters" in html
    profile = Profile.objects.get(user=analyst)
    assert (profile.display_name, profile.affiliation, profile.bio) == ("Ana", "", "Before.")


@pytest.mark.django_db
def test_anonymous_visitor_cannot_edit_a_profile(anonymous_client):
    response = anonymous_client.post(
        reverse("deliberation:profile-settings"), {"display_name": "Hacker"}
    )
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Profile.objects.exists()


def test_profile_settings_cannot_change_another_users_profile(
    analyst, other_analyst, other_analyst_client
):
    other_analyst_client.post(
        reverse("deliberation:profile-settings"),
        {"display_name": "Oscar", "affiliation": "", "bio": "", "user": analyst.pk},
    )
    assert Profile.objects.get(display_name="Oscar").user == other_analyst
    assert not Profile.objects.filter(user=analyst).exists()
