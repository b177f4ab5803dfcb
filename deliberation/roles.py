"""What each role may do, as Django permissions on groups of the same name."""

ANALYST_PERMISSIONS = [
    "deliberation.add_comment",
    "deliberation.add_vote",
    "deliberation.add_endorsement",
    "deliberation.add_flag",
    "deliberation.add_annotation",
    "deliberation.add_annotationreply",
]
MODERATOR_PERMISSIONS = ANALYST_PERMISSIONS + [
    "deliberation.change_flag",
    "deliberation.view_flag",
    "deliberation.add_moderationaction",
    "deliberation.view_moderationaction",
]
EDITOR_PERMISSIONS = ANALYST_PERMISSIONS + [
    "policies.add_option",
    "policies.change_option",
    "policies.add_strategy",
    "policies.change_strategy",
    "policies.add_initiative",
    "policies.change_initiative",
    "policies.add_sanctiontype",
    "policies.change_sanctiontype",
    "deliberation.add_invitation",
    "deliberation.view_invitation",
]
ROLE_PERMISSIONS = {
    "Analyst": ANALYST_PERMISSIONS,
    "Moderator": MODERATOR_PERMISSIONS,
    "Editor": EDITOR_PERMISSIONS,
}


def ensure_role_groups():
    """Create the role groups with their permissions where they are missing.

    The data migration creates them on a new database; this restores them after a
    database flush (which keeps permissions but not groups)."""
    from django.contrib.auth.models import Group, Permission

    for role, dotted_names in ROLE_PERMISSIONS.items():
        group, created = Group.objects.get_or_create(name=role)
        if created:
            for dotted in dotted_names:
                app_label, codename = dotted.split(".")
                group.permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )
