"""Editors write options on the site itself, not only in the admin or through the API.

The pages cover the text, status and kind-specific fields; the writes go through the
catalogue's services, as the admin's and the API's do."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import modelform_factory
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from policies import services as catalogue
from policies.models import KIND_MODELS, Option

from . import permissions

COMMON_FIELDS = ["title", "slug", "summary", "status", "body"]
KIND_FIELDS = {
    Option.Kind.STRATEGY: ["expected_impact", "time_horizon"],
    Option.Kind.INITIATIVE: ["description", "objectives"],
    Option.Kind.SANCTION_TYPE: ["description", "instrument", "enforcement_notes"],
}
TEMPLATE = "deliberation/option_form.html"


class OptionFormBase(forms.ModelForm):
    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = creating
        slug = self.fields["slug"]
        slug.required = not creating
        slug.help_text = (
            "The option's address. Left empty, it is made from the title."
            if creating
            else "The option's address; changing it breaks links to the old one."
        )
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 8 if name == "body" else 4

    def clean(self):
        cleaned = super().clean()
        if self.creating and not cleaned.get("slug") and cleaned.get("title"):
            slug = slugify(cleaned["title"])
            if not slug:
                self.add_error("slug", "The title has no letters or digits to make one: give one.")
            elif Option.objects.filter(slug=slug).exists():
                self.add_error("slug", f"“{slug}” is taken by another option: give another.")
        return cleaned


def option_form_class(kind: str):
    return modelform_factory(
        KIND_MODELS[kind], form=OptionFormBase, fields=COMMON_FIELDS + KIND_FIELDS[kind]
    )


def _editor_required(request):
    if not permissions.can_edit_options(request.user):
        raise PermissionDenied("Only editors can write options.")


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _form_page(request, form, *, title, submit, option=None):
    return render(
        request,
        TEMPLATE,
        {"form": form, "title": title, "submit_label": submit, "option": option},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@login_required
def option_kind_choice(request):
    _editor_required(request)
    return render(request, "deliberation/option_kind_choice.html", {"kinds": Option.Kind.choices})


@require_http_methods(["GET", "POST"])
@login_required
def option_create(request, kind):
    _editor_required(request)
    if kind not in KIND_MODELS:
        raise Http404("No such kind of option.")
    form = option_form_class(kind)(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if value is not None}
        if not fields.get("slug"):
            fields.pop("slug", None)
        try:
            option = catalogue.option_create(kind=kind, author=request.user, **fields)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, f"“{option.title}” is saved as {option.get_status_display().lower()}."
            )
            return redirect(option.get_absolute_url())
    label = dict(Option.Kind.choices)[kind].lower()
    return _form_page(request, form, title=f"New {label}", submit="Save the option")


@require_http_methods(["GET", "POST"])
@login_required
def option_edit(request, slug):
    _editor_required(request)
    option = get_object_or_404(Option, slug=slug).specific
    stored_title = option.title  # a rejected form leaves its values on the instance
    form = option_form_class(option.kind)(request.POST or None, instance=option)
    if request.method == "POST" and form.is_valid():
        try:
            option = catalogue.option_update(option=option, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"“{option.title}” is updated.")
            return redirect(option.get_absolute_url())
    return _form_page(
        request, form, title=f"Edit “{stored_title}”", submit="Save changes", option=option
    )


def option_page_context(request, option) -> dict:
    """Option page provider: editors get a link to edit the option."""
    if not permissions.can_edit_options(request.user):
        return {}
    return {"option_panels": ["deliberation/includes/option_editor_tools.html"]}
