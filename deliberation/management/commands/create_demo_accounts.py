"""One verified demo account per role, for trying the site locally; never without DEBUG."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from deliberation.invitations import role_groups_apply
from deliberation.models import Role
from deliberation.profiles import profile_get

DEMO_ACCOUNTS = [
    ("analyst", Role.ANALYST, False),
    ("moderator", Role.MODERATOR, False),
    ("editor", Role.EDITOR, False),
    ("admin", Role.EDITOR, True),
]


class Command(BaseCommand):
    help = "Create one demo account per role (analyst, moderator, editor, admin); DEBUG only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("refusing: DEBUG is off")
        created = self.create_accounts()
        if not created:
            self.stdout.write("Demo accounts already exist.")
            return
        self.stdout.write("Demo accounts created (they exist only in this development database):")
        for username, role in created:
            self.stdout.write(f"  {username:<10} {role}")
        self.stdout.write(f"Password for each: {settings.DEMO_PASSWORD}")

    @transaction.atomic
    def create_accounts(self) -> list[tuple[str, str]]:
        User = get_user_model()
        created = []
        for username, role, is_staff in DEMO_ACCOUNTS:
            email = f"{username}@example.org"
            user, was_created = User.objects.get_or_create(
                username=username,
                defaults={"email": email, "is_staff": is_staff, "is_superuser": is_staff},
            )
            if not was_created:
                continue
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            role_groups_apply(user=user, role=role)
            profile_get(user=user)
            label = "staff admin" if is_staff else role.label
            created.append((username, label))
        return created
