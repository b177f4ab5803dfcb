"""The user admin with each person's role, a filter by role and actions that change it."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied

from .models import Role
from .profiles import role_set, user_role

User = get_user_model()


class RoleFilter(admin.SimpleListFilter):
    title = "role"
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if self.value() in Role.values:
            return queryset.filter(groups__name=self.value())
        return queryset


def _role_action(role: Role):
    def action(modeladmin, request, queryset):
        try:
            for user in queryset:
                role_set(by=request.user, user=user, role=role.value)
        except PermissionDenied as error:
            modeladmin.message_user(request, str(error), messages.ERROR)
            return
        modeladmin.message_user(request, f"Role set to {role.label} for {queryset.count()}.")

    action.__name__ = f"make_{role.value.lower()}"
    action.short_description = f"Give the role {role.label}"
    return action


class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "role", "is_active", "is_staff", "date_joined")
    list_filter = (RoleFilter, "groups", "is_active", "is_staff", "is_superuser")
    actions = [_role_action(role) for role in Role]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Role")
    def role(self, obj):
        return user_role(obj) or "—"


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, UserAdmin)
