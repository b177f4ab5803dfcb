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
