from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from simple_history.admin import SimpleHistoryAdmin

from . import (
    admin_accounts,  # noqa: F401  (the user admin with roles)
    services,
)
from .models import (
    Annotation,
    AnnotationReply,
    Comment,
    CommentRevision,
    Endorsement,
    Flag,
    Invitation,
    ModerationAction,
    Profile,
    Vote,
)


class CommentRevisionInline(admin.TabularInline):
    model = CommentRevision
    extra = 0
    can_delete = False
    readonly_fields = ["body", "stance", "created"]


def _moderate(modeladmin, request, queryset, service, reason, done):
    count = 0
    for comment in queryset:
        try:
            service(moderator=request.user, comment=comment, reason=reason)
        except (PermissionDenied, ValidationError) as error:
            modeladmin.message_user(request, str(error), messages.ERROR)
            return
        count += 1
    modeladmin.message_user(request, f"{count} comment(s) {done}.", messages.SUCCESS)


@admin.register(Comment)
class CommentAdmin(SimpleHistoryAdmin):
    list_display = [
        "id",
        "option",
        "author",
        "stance",
        "created",
        "endorsement_count",
        "hidden",
        "deleted",
    ]
    list_filter = ["stance", "hidden", "deleted", "option__kind", "option", "created"]
    search_fields = ["body", "author__username", "option__title"]
    list_select_related = ["option", "author"]
    raw_id_fields = ["option", "author", "parent"]
    readonly_fields = ["body_html", "endorsement_count", "created", "edited"]
    inlines = [CommentRevisionInline]
    actions = ["hide_comments", "restore_comments"]
    date_hierarchy = "created"

    @admin.action(description="Hide the selected comments (moderation)")
    def hide_comments(self, request, queryset):
        _moderate(
            self, request, queryset, services.comment_hide, "Hidden from the admin.", "hidden"
        )

    @admin.action(description="Restore the selected comments (moderation)")
    def restore_comments(self, request, queryset):
        _moderate(
            self,
            request,
            queryset,
            services.comment_restore,
            "Restored from the admin.",
            "restored",
        )


@admin.register(Endorsement)
class EndorsementAdmin(admin.ModelAdmin):
    list_display = ["id", "comment", "user", "created"]
    list_filter = ["comment__option", "created"]
    search_fields = ["user__username"]
    list_select_related = ["comment", "user"]
    raw_id_fields = ["comment", "user"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["id", "reason", "comment", "annotation", "flagged_by", "resolution", "created"]
    list_filter = ["resolution", "reason", "comment__option", "created"]
    search_fields = ["note", "flagged_by__username"]
    list_select_related = ["comment", "annotation", "flagged_by", "resolved_by"]
    raw_id_fields = ["comment", "annotation", "flagged_by", "resolved_by"]
    actions = ["dismiss_flags"]

    @admin.action(description="Dismiss the selected flags")
    def dismiss_flags(self, request, queryset):
        count = 0
        for flag in queryset.filter(resolution=Flag.Resolution.OPEN):
            try:
                services.flag_dismiss(moderator=request.user, flag=flag)
            except PermissionDenied as error:
                self.message_user(request, str(error), messages.ERROR)
                return
            count += 1
        self.message_user(request, f"{count} flag(s) dismissed.", messages.SUCCESS)


@admin.register(Vote)
class VoteAdmin(SimpleHistoryAdmin):
    list_display = ["id", "option", "voter", "choice", "updated"]
    list_filter = ["choice", "option__kind", "option"]
    search_fields = ["voter__username", "option__title"]
    list_select_related = ["option", "voter"]
    raw_id_fields = ["option", "voter"]


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ["id", "action", "moderator", "comment", "annotation", "reason", "created"]
    list_filter = ["action", "created"]
    search_fields = ["reason", "moderator__username"]
    list_select_related = ["moderator", "comment", "annotation", "subject_user"]
    raw_id_fields = ["moderator", "comment", "annotation", "subject_user"]

    def has_change_permission(self, request, obj=None):
        return False  # the record of decisions is not rewritten


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "invited_by", "created", "expires_at", "accepted_at"]
    list_filter = ["role", "created"]
    search_fields = ["email"]
    list_select_related = ["invited_by", "accepted_by"]
    raw_id_fields = ["invited_by", "accepted_by"]


@admin.register(Profile)
class ProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "display_name", "affiliation"]
    search_fields = ["user__username", "display_name", "affiliation"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(Annotation)
class AnnotationAdmin(SimpleHistoryAdmin):
    list_display = ["id", "option", "field", "author", "visibility", "orphaned", "hidden"]
    list_filter = ["visibility", "orphaned", "hidden", "field", "option"]
    search_fields = ["exact", "body", "author__username"]
    list_select_related = ["option", "author"]
    raw_id_fields = ["option", "author"]
    readonly_fields = ["body_html"]


@admin.register(AnnotationReply)
class AnnotationReplyAdmin(SimpleHistoryAdmin):
    list_display = ["id", "annotation", "author", "created"]
    list_filter = ["created"]
    search_fields = ["body", "author__username"]
    list_select_related = ["annotation", "author"]
    raw_id_fields = ["annotation", "author"]
    readonly_fields = ["body_html"]
