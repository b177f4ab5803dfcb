import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse

import deliberation.admin_accounts  # noqa: F401  (the user admin with roles)
from deliberation.models import ModerationAction
from deliberation.profiles import role_set, user_role
from tests.factories import UserFactory

User = get_user_model()


def test_roles_exist_with_their_permissions(analyst, moderator, editor):
    assert set(Group.objects.values_list("name", flat=True)) >= {"Analyst", "Moderator", "Editor"}
    assert analyst.has_perm("deliberation.add_comment")
    assert not analyst.has_perm("deliberation.change_flag")
    assert moderator.has_perm("deliberation.change_flag")
    assert not moderator.has_perm("policies.change_option")
    assert editor.has_perm("policies.change_option")
    assert editor.has_perm("deliberation.add_invitation")


def test_staff_gives_a_role_and_it_is_recorded(staff, analyst):
    role_set(by=staff, user=analyst, role="Moderator")
    analyst = User.objects.get(pk=analyst.pk)
    assert user_role(analyst) == "Moderator"
    assert analyst.has_perm("deliberation.change_flag")
    action = ModerationAction.objects.get(subject_user=analyst)
    assert action.action == ModerationAction.Action.ROLE_CHANGE
    assert action.moderator == staff
    assert "Analyst to Moderator" in action.reason

    role_set(by=staff, user=analyst, role="Editor")
    assert set(analyst.groups.values_list("name", flat=True)) == {"Analyst", "Editor"}


def test_editor_cannot_change_roles(editor, analyst):
    with pytest.raises(PermissionDenied):
        role_set(by=editor, user=analyst, role="Editor")
    assert user_role(analyst) == "Analyst"
    assert not ModerationAction.objects.exists()


def test_admin_user_list_shows_and_filters_by_role(
    staff, analyst, moderator, editor, django_assert_max_num_queries
):
    client = Client()
    client.force_login(staff)
    for n in range(20):
        UserFactory(username=f"extra{n}", role="Moderator")
    url = reverse("admin:auth_user_changelist")
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<td class="field-role">Moderator</td>' in html
    assert '<td class="field-role">Editor</td>' in html

    filtered = client.get(url, {"role": "Editor"}).content.decode()
    assert "edith" in filtered and "mona" not in filtered


def test_admin_action_sets_role_and_records_it(staff, analyst):
    client = Client()
    client.force_login(staff)
    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "make_editor", "_selected_action": [analyst.pk]},
    )
    assert user_role(analyst) == "Editor"
    assert ModerationAction.objects.filter(subject_user=analyst, moderator=staff).exists()


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_demo_accounts_are_refused_when_debug_is_off():
    with pytest.raises(CommandError, match="refusing: DEBUG is off"):
        call_command("create_demo_accounts")
    assert not User.objects.exists()


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_demo_accounts_one_per_role_printed_once(capsys, settings):
    call_command("create_demo_accounts")
    out = capsys.readouterr().out
    for name in ("analyst", "moderator", "editor", "admin"):
        assert name in out
    assert out.count(settings.DEMO_PASSWORD) == 1

    users = {u.username: u for u in User.objects.prefetch_related("groups")}
    assert {n: user_role(u) for n, u in users.items()} == {
        "analyst": "Analyst",
        "moderator": "Moderator",
        "editor": "Editor",
        "admin": "Editor",
    }
    assert users["admin"].is_staff and users["admin"].is_superuser
    assert not users["editor"].is_staff
    assert EmailAddress.objects.filter(verified=True).count() == 4
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": "moderator", "password": settings.DEMO_PASSWORD}
    )
    assert "_auth_user_id" in response.client.session

    call_command("create_demo_accounts")
    again = capsys.readouterr().out
    assert settings.DEMO_PASSWORD not in again
    assert User.objects.count() == 4
