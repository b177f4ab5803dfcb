from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .importer import BriefImportError, decode_brief, import_brief
from .models import (
    Actor,
    Brief,
    Initiative,
    InitiativeStrategy,
    Lesson,
    Option,
    PastPolicy,
    SanctionType,
    Sector,
    StrategicImplication,
    Strategy,
    Tag,
)

# Supporting vocabularies ----------------------------------------------------------------


class NamedEntryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Actor)
class ActorAdmin(NamedEntryAdmin):
    list_display = ["name", "kind", "stance"]
    list_filter = ["kind", "stance"]


@admin.register(Sector)
class SectorAdmin(NamedEntryAdmin):
    pass


@admin.register(StrategicImplication)
class StrategicImplicationAdmin(NamedEntryAdmin):
    pass


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class PastPolicyLessonInline(admin.TabularInline):
    model = Lesson.past_policies.through
    autocomplete_fields = ["lesson"]
    extra = 0
    verbose_name = "lesson drawn from it"
    verbose_name_plural = "lessons drawn from it"


@admin.register(PastPolicy)
class PastPolicyAdmin(NamedEntryAdmin):
    list_display = ["name", "brief"]
    list_select_related = ["brief"]
    list_filter = ["brief"]
    search_fields = ["name", "description", "impact_on_east_asia"]
    autocomplete_fields = ["brief"]
    inlines = [PastPolicyLessonInline]


@admin.register(Lesson)
class LessonAdmin(NamedEntryAdmin):
    list_display = ["name", "brief"]
    list_select_related = ["brief"]
    list_filter = ["brief"]
    autocomplete_fields = ["brief", "past_policies"]


# Briefs and their import ------------------------------------------------------------------


class BriefUploadForm(forms.Form):
    file = forms.FileField(help_text="A plain-text (UTF-8) brief with pipe tables and lists.")
    title = forms.CharField(max_length=300, help_text="Imports into the brief of this title.")
    draft = forms.BooleanField(
        required=False, label="Create new options as drafts", help_text="Otherwise published."
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        limit = settings.BRIEF_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size:,} bytes; briefs may be at most {limit:,} bytes."
            )
        try:
            cleaned["text"] = decode_brief(upload.read())
        except BriefImportError as error:
            raise forms.ValidationError(str(error)) from None
        return cleaned


class BriefConfirmForm(forms.Form):
    text = forms.CharField(widget=forms.HiddenInput, strip=False)
    title = forms.CharField(max_length=300, widget=forms.HiddenInput)
    draft = forms.BooleanField(required=False, widget=forms.HiddenInput)


class BriefOptionInline(admin.TabularInline):
    """The options drawn from a brief, each a link to its own page in the admin."""

    model = Option
    fields = ["title", "kind", "status", "updated"]
    readonly_fields = fields
    ordering = ["kind", "title"]
    extra = 0
    show_change_link = True
    verbose_name = "option drawn from this brief"
    verbose_name_plural = "options drawn from this brief"

    def has_add_permission(self, request, obj=None):
        return False  # an option is added as a strategy, an initiative or a sanction type

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Brief)
class BriefAdmin(SimpleHistoryAdmin):
    list_display = ["title", "publisher", "published_on", "option_count", "updated"]
    list_filter = ["publisher"]
    search_fields = ["title", "publisher", "text"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created", "updated"]
    date_hierarchy = "published_on"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [BriefOptionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(option_count=Count("options"))

    @admin.display(description="Options", ordering="option_count")
    def option_count(self, obj):
        return obj.option_count

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="policies_brief_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload a brief, see the dry-run report, confirm to import it."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import a brief",
        }
        upload_form = BriefUploadForm()
        if request.method == "POST" and "confirm" in request.POST:
            confirm = BriefConfirmForm(request.POST)
            if confirm.is_valid():
                try:
                    report = self._run_import(request, confirm.cleaned_data, dry_run=False)
                except BriefImportError as error:
                    upload_form = BriefUploadForm()
                    context["import_error"] = str(error)
                else:
                    self.message_user(
                        request,
                        f"Imported {report.brief_title!r}: {len(report.created)} created, "
                        f"{len(report.updated)} updated, {len(report.unchanged)} unchanged, "
                        f"{len(report.skipped)} skipped.",
                        messages.SUCCESS,
                    )
                    return redirect(reverse("admin:policies_brief_changelist"))
            else:
                context["import_error"] = "The confirmation was incomplete; upload the brief again."
        elif request.method == "POST":
            upload_form = BriefUploadForm(request.POST, request.FILES)
            if upload_form.is_valid():
                try:
                    report = self._run_import(request, upload_form.cleaned_data, dry_run=True)
                except BriefImportError as error:
                    upload_form.add_error(None, str(error))
                else:
                    context["report"] = report
                    context["confirm_form"] = BriefConfirmForm(
                        initial={
                            "text": upload_form.cleaned_data["text"],
                            "title": upload_form.cleaned_data["title"],
                            "draft": upload_form.cleaned_data["draft"],
                        }
                    )
        context["form"] = upload_form
        return TemplateResponse(request, "admin/policies/brief/import.html", context)

    def _run_import(self, request, data, *, dry_run):
        status = Option.Status.DRAFT if data.get("draft") else Option.Status.PUBLISHED
        return import_brief(
            data["text"], title=data["title"], dry_run=dry_run, status=status, author=request.user
        )


# Options ----------------------------------------------------------------------------------


class InitiativeStrategyInline(admin.TabularInline):
    model = InitiativeStrategy
    fk_name = "initiative"
    autocomplete_fields = ["strategy"]
    extra = 1
    verbose_name = "strategy carried out"
    verbose_name_plural = "strategies carried out"


class StrategyInitiativeInline(admin.TabularInline):
    model = InitiativeStrategy
    fk_name = "strategy"
    autocomplete_fields = ["initiative"]
    extra = 0
    verbose_name = "initiative carrying it out"
    verbose_name_plural = "initiatives carrying it out"


def _set_status(modeladmin, request, queryset, service, done: str):
    changed = 0
    for option in queryset:
        before = option.status
        if service(option=option, by=request.user).status != before:
            changed += 1
    unchanged = len(queryset) - changed
    message = f"{changed} option{'s' if changed != 1 else ''} {done}."
    if unchanged:
        message += f" {unchanged} already {done}."
    modeladmin.message_user(request, message, messages.SUCCESS)


@admin.action(description="Publish the selected options", permissions=["change"])
def publish(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, services.option_publish, "published")


@admin.action(description="Archive the selected options", permissions=["change"])
def archive(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, services.option_archive, "archived")


class OptionAdminBase(SimpleHistoryAdmin):
    list_display = ["title", "status", "brief", "author", "updated"]
    list_filter = ["status", "brief", "actors", "sectors", "tags"]
    list_select_related = ["brief", "author"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["brief", "author", "tags", "actors", "sectors"]
    readonly_fields = ["kind", "created", "updated", "rendered_body"]
    actions = [publish, archive]
    date_hierarchy = "created"
    common_fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "status", "brief", "author"]}),
        ("Text", {"fields": ["body", "rendered_body"]}),
        ("Links", {"fields": ["actors", "sectors", "tags"]}),
    ]
    kind_fieldsets = []

    def get_fieldsets(self, request, obj=None):
        return [
            *self.common_fieldsets,
            *self.kind_fieldsets,
            ("Record", {"fields": ["kind", "created", "updated"], "classes": ["collapse"]}),
        ]

    @admin.display(description="Body as readers see it")
    def rendered_body(self, obj):
        # body_html was sanitised with nh3 when it was saved.
        return format_html("<div>{}</div>", mark_safe(obj.body_html))  # noqa: S308

    def save_model(self, request, obj, form, change):
        if change:
            services.option_update(option=obj)
        else:
            if obj.author_id is None:
                obj.author = request.user
            obj.render_text_fields()
            obj.save()


@admin.register(Strategy)
class StrategyAdmin(OptionAdminBase):
    list_display = ["title", "status", "time_horizon", "brief", "author", "updated"]
    list_filter = ["status", "time_horizon", "implications", "brief", "actors", "sectors", "tags"]
    autocomplete_fields = [*OptionAdminBase.autocomplete_fields, "implications"]
    search_fields = [*OptionAdminBase.search_fields, "expected_impact"]
    inlines = [StrategyInitiativeInline]
    kind_fieldsets = [
        ("Strategy", {"fields": ["expected_impact", "time_horizon", "implications"]}),
    ]


@admin.register(Initiative)
class InitiativeAdmin(OptionAdminBase):
    list_filter = ["status", "partners", "brief", "actors", "sectors", "tags"]
    autocomplete_fields = [*OptionAdminBase.autocomplete_fields, "partners"]
    search_fields = [*OptionAdminBase.search_fields, "description", "objectives"]
    inlines = [InitiativeStrategyInline]
    kind_fieldsets = [("Initiative", {"fields": ["description", "objectives", "partners"]})]


@admin.register(SanctionType)
class SanctionTypeAdmin(OptionAdminBase):
    list_display = ["title", "status", "instrument", "brief", "author", "updated"]
    list_filter = ["status", "instrument", "target_sectors", "target_actors", "brief", "tags"]
    autocomplete_fields = [
        *OptionAdminBase.autocomplete_fields,
        "target_sectors",
        "target_actors",
    ]
    search_fields = [*OptionAdminBase.search_fields, "description", "enforcement_notes"]
    kind_fieldsets = [
        (
            "Sanction",
            {
                "fields": [
                    "description",
                    "instrument",
                    "target_sectors",
                    "target_actors",
                    "enforcement_notes",
                ]
            },
        ),
    ]


@admin.register(Option)
class OptionAdmin(admin.ModelAdmin):
    """Every option in one list; each is edited on the page of its kind."""

    list_display = ["title", "kind", "status", "brief", "updated"]
    list_filter = ["kind", "status", "brief"]
    list_select_related = ["brief"]
    search_fields = ["title", "summary", "body"]
    actions = [publish, archive]

    def has_add_permission(self, request):
        return False  # an option is added as a strategy, an initiative or a sanction type

    def change_view(self, request, object_id, form_url="", extra_context=None):
        option = self.get_object(request, object_id)
        if option is not None:
            specific = option.specific
            return redirect(
                reverse(f"admin:policies_{specific._meta.model_name}_change", args=[specific.pk])
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        # The kind's history holds every field, the common ones included.
        option = self.get_object(request, object_id)
        if option is not None:
            specific = option.specific
            return redirect(
                reverse(f"admin:policies_{specific._meta.model_name}_history", args=[specific.pk])
            )
        return super().history_view(request, object_id, extra_context)


@admin.register(InitiativeStrategy)
class InitiativeStrategyAdmin(admin.ModelAdmin):
    list_display = ["initiative", "strategy"]
    list_select_related = ["initiative", "strategy"]
    search_fields = ["initiative__title", "strategy__title"]
    autocomplete_fields = ["initiative", "strategy"]
