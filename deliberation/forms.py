from django import forms
from django.conf import settings

from .models import Flag, Stance, VoteChoice


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your argument",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=settings.COMMENT_MAX_LENGTH,
        help_text=f"Markdown. Up to {settings.COMMENT_MAX_LENGTH} characters.",
        error_messages={"required": "Write something before posting."},
    )
    stance = forms.ChoiceField(
        label="Stance",
        choices=Stance.choices,
        initial=Stance.SUPPORT,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose for, against, or neutral / question.",
            "invalid_choice": "Choose for, against, or neutral / question.",
        },
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, prefix_id: str = "new", **kwargs):
        super().__init__(*args, **kwargs)
        # Several comment forms share a page: give each its own field ids.
        self.auto_id = f"id_{prefix_id}_%s"
        self.form_id = prefix_id

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write something before posting.")
        return body


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label="Your vote",
        choices=[*VoteChoice.choices, ("withdraw", "Withdraw my vote")],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose support, oppose or abstain."},
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label="Reason",
        choices=Flag.Reason.choices,
        error_messages={"invalid_choice": "Choose a reason from the list."},
    )
    note = forms.CharField(
        label="Note for the moderators (optional)", required=False, max_length=500
    )


class ModerationForm(forms.Form):
    reason = forms.CharField(
        label="Reason (recorded)",
        max_length=300,
        error_messages={"required": "Give a reason; it is recorded."},
    )
