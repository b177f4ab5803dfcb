import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from simple_history.admin import SimpleHistoryAdmin

from . import (
    admin_accounts,  # noqa: F401  (the user admin with roles)
    annotations,
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
    list_filter = [
        "stance",
        "hidden",
        "deleted",
        "option__kind",
        ("option", admin.RelatedOnlyFieldListFilter),
        ("author", admin.RelatedOnlyFieldListFilter),
        "created",
    ]
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
    list_filter = [
        ("comment__option", admin.RelatedOnlyFieldListFilter),
        "comment__stance",
        ("user", admin.RelatedOnlyFieldListFilter),
        "created",
    ]
    search_fields = ["user__username"]
    list_select_related = ["comment", "user"]
    raw_id_fields = ["comment", "user"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["id", "reason", "comment", "annotation", "flagged_by", "resolution", "created"]
    list_filter = [
        "resolution",
        "reason",
        ("comment__option", admin.RelatedOnlyFieldListFilter),
        ("comment__author", admin.RelatedOnlyFieldListFilter),
        ("flagged_by", admin.RelatedOnlyFieldListFilter),
        "created",
    ]
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
    list_filter = [
        "choice",
        "option__kind",
        ("option", admin.RelatedOnlyFieldListFilter),
        ("voter", admin.RelatedOnlyFieldListFilter),
    ]
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


class AnnotationTagFilter(admin.SimpleListFilter):
    title = "tag"
    parameter_name = "tag"
    max_choices = 100

    def lookups(self, request, model_admin):
        tags = set()
        for row in Annotation.objects.values_list("tags", flat=True).iterator():
            tags.update(tag for tag in row or () if isinstance(tag, str))
        return [(tag, tag) for tag in sorted(tags)[: self.max_choices]]

    def queryset(self, request, queryset):
        tag = self.value()
        if not tag:
            return queryset
        if connection.features.supports_json_field_contains:
            return queryset.filter(tags__contains=[tag])
        # SQLite has no JSON containment: match the quoted element in the stored JSON.
        return queryset.filter(tags__icontains=json.dumps(tag))


@admin.register(Annotation)
class AnnotationAdmin(SimpleHistoryAdmin):
    """Annotations are written on the option page or through the API, where their target
    is checked against the text; here they are looked at, moderated and deleted."""

    list_display = ["id", "option", "field", "author", "visibility", "orphaned", "hidden"]
    list_filter = [
        ("option", admin.RelatedOnlyFieldListFilter),
        ("author", admin.RelatedOnlyFieldListFilter),
        "visibility",
        AnnotationTagFilter,
        "orphaned",
        "hidden",
        "field",
    ]
    search_fields = ["exact", "body", "author__username"]
    list_select_related = ["option", "author"]
    readonly_fields = [
        "option",
        "field",
        "author",
        "body",
        "body_html",
        "tags",
        "visibility",
        "exact",
        "prefix",
        "suffix",
        "start",
        "end",
        "orphaned",
        "hidden",
        "hidden_reason",
        "created",
        "updated",
    ]
    actions = ["hide_annotations", "restore_annotations"]

    def has_add_permission(self, request):
        return False

    def _moderate(self, request, queryset, service, reason, done):
        count = 0
        for annotation in queryset:
            try:
                service(moderator=request.user, annotation=annotation, reason=reason)
            except (PermissionDenied, ValidationError) as error:
                self.message_user(request, f"{annotation}: {error}", messages.ERROR)
                continue
            count += 1
        self.message_user(request, f"{count} annotation(s) {done}.", messages.SUCCESS)

    @admin.action(description="Hide the selected shared annotations (moderation)")
    def hide_annotations(self, request, queryset):
        self._moderate(
            request, queryset, annotations.annotation_hide, "Hidden from the admin.", "hidden"
        )

    @admin.action(description="Restore the selected annotations (moderation)")
    def restore_annotations(self, request, queryset):
        self._moderate(
            request,
            queryset,
            annotations.annotation_restore,
            "Restored from the admin.",
            "restored",
        )


@admin.register(AnnotationReply)
class AnnotationReplyAdmin(SimpleHistoryAdmin):
    list_display = ["id", "annotation", "author", "created"]
    list_filter = ["created"]
    search_fields = ["body", "author__username"]
    list_select_related = ["annotation", "author"]
    raw_id_fields = ["annotation", "author"]
    readonly_fields = ["body_html"]
