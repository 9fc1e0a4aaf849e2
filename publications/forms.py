"""The organisers' confirmation of a publication."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class PublishForm(forms.Form):
    """The confirmation of a publication: what the organiser reviewed, and whether it corrects the latest one."""

    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=80)
    latest = forms.IntegerField(widget=forms.HiddenInput, required=False)
    correct_latest = forms.BooleanField(label=_("This publication corrects the latest publication of this kind"), required=False)
    correction_reason = forms.CharField(
        label=_("Reason for the correction"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("correct_latest"):
            if not cleaned.get("latest"):
                self.add_error("correct_latest", _("There is no earlier publication of this kind to correct."))
            elif not cleaned.get("correction_reason", "").strip():
                self.add_error("correction_reason", _("Say why the publication corrects the earlier one."))
        return cleaned
