"""DRF permission classes built on the predicates in deliberation.permissions."""

from rest_framework import permissions

from deliberation.permissions import can_edit_options


class IsEditorOrReadOnly(permissions.BasePermission):
    message = "Only editors may write options."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_edit_options(request.user)
