"""Forms of the annotation pages; the checks themselves live in the services."""

from django import forms
from django.conf import settings

from .models import Flag, Visibility


class AnnotationForm(forms.Form):
    field = forms.CharField(max_length=40, widget=forms.HiddenInput)
    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    exact = forms.CharField(strip=False, widget=forms.HiddenInput)
    prefix = forms.CharField(strip=False, required=False, widget=forms.HiddenInput)
    suffix = forms.CharField(strip=False, required=False, widget=forms.HiddenInput)
    body = forms.CharField(
        label="Note",
        required=False,
        max_length=settings.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Markdown.",
    )
    tags = forms.CharField(
        label="Tags", required=False, max_length=400, help_text="Separated by commas."
    )
    visibility = forms.ChoiceField(
        label="Who sees it", choices=Visibility.choices, initial=Visibility.SHARED
    )


class AnnotationEditForm(forms.Form):
    body = forms.CharField(
        label="Note",
        required=False,
        max_length=settings.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    tags = forms.CharField(label="Tags", required=False, max_length=400)
    visibility = forms.ChoiceField(label="Who sees it", choices=Visibility.choices)


class AnnotationReplyForm(forms.Form):
    body = forms.CharField(
        label="Reply",
        max_length=settings.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnnotationModerationForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=300, required=False)


class AnnotationFlagForm(forms.Form):
    reason = forms.ChoiceField(label="Reason", choices=Flag.Reason.choices)
    note = forms.CharField(label="Note", max_length=500, required=False)
