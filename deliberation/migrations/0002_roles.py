from django.contrib.auth.management import create_permissions
from django.db import migrations

# A frozen copy: later changes to deliberation.roles need a migration of their own.
ROLE_PERMISSIONS = {
    "Analyst": [
        "deliberation.add_comment",
        "deliberation.add_vote",
        "deliberation.add_endorsement",
        "deliberation.add_flag",
        "deliberation.add_annotation",
        "deliberation.add_annotationreply",
    ],
}
ROLE_PERMISSIONS["Moderator"] = ROLE_PERMISSIONS["Analyst"] + [
    "deliberation.change_flag",
    "deliberation.view_flag",
    "deliberation.add_moderationaction",
    "deliberation.view_moderationaction",
]
ROLE_PERMISSIONS["Editor"] = ROLE_PERMISSIONS["Analyst"] + [
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


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0001_initial"),
        ("policies", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
