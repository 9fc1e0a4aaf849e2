"""The organisers' admin forms: each checks with the same helper its service uses, so a refusal shows next to its field."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from award.models import AwardClass, Channel, Edition, Participant
from award.services import Invalid, class_check, edition_check, participant_check


class InvalidErrorsMixin:
    """Show a service's Invalid next to the fields it names (elsewhere at the top of the form)."""

    def add_invalid(self, invalid: Invalid) -> None:
        for name, reasons in invalid.errors.items():
            field = name if name in self.fields else None  # type: ignore[attr-defined]
            for reason in reasons:
                self.add_error(field, reason)  # type: ignore[attr-defined]


class EditionForm(InvalidErrorsMixin, forms.ModelForm):
    class Meta:
        model = Edition
        fields = ["year", "name", "starts_on", "ends_on", "min_contacts_per_channel", "publish_rankings"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        existing = self.instance if self.instance.pk else None
        year = existing.year if existing else cleaned.get("year")
        values: dict[str, Any] = {key: cleaned.get(key) for key in ("name", "starts_on", "ends_on", "min_contacts_per_channel")}
        if year is None or any(value is None for value in values.values()):
            return cleaned  # the field itself says what is missing
        if existing is None and Edition.objects.filter(year=year).exists():
            self.add_error("year", _("There already is an edition of %(year)s.") % {"year": year})
            return cleaned
        try:
            edition_check(year=year, edition=existing, **values)
        except Invalid as invalid:
            self.add_invalid(invalid)
        return cleaned


class AwardClassForm(InvalidErrorsMixin, forms.ModelForm):
    class Meta:
        model = AwardClass
        fields = ["edition", "name"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        edition = self.instance.edition if self.instance.pk else cleaned.get("edition")
        name = cleaned.get("name")
        if edition is not None and name:
            try:
                class_check(edition=edition, name=name, award_class=self.instance if self.instance.pk else None)
            except Invalid as invalid:
                self.add_invalid(invalid)
        return cleaned


class ParticipantForm(InvalidErrorsMixin, forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The channels it offers and is tested on."),
    )

    class Meta:
        model = Participant
        fields = ["edition", "name", "award_class", "channels"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        award_class = cast("forms.ModelChoiceField[AwardClass] | None", self.fields.get("award_class"))
        if self.instance.pk:
            self.fields["channels"].initial = self.instance.channels
            if award_class is not None:
                award_class.queryset = AwardClass.objects.filter(edition_id=self.instance.edition_id)
        elif award_class is not None:
            # A new participant may be put in any edition: say which edition each class is of.
            award_class.queryset = AwardClass.objects.select_related("edition").order_by("-edition__year", "name")
            # Replaces the method on this one field (Django's way); mypy has no way to say so.
            award_class.label_from_instance = lambda c: f"{c.name} ({c.edition.year})"  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        edition = self.instance.edition if self.instance.pk else cleaned.get("edition")
        name, award_class = cleaned.get("name"), cleaned.get("award_class")
        if edition is not None and name and award_class is not None and "channels" not in self.errors:
            try:
                participant_check(
                    edition=edition,
                    name=name,
                    award_class=award_class,
                    channels=cleaned.get("channels", []),
                    participant=self.instance if self.instance.pk else None,
                )
            except Invalid as invalid:
                self.add_invalid(invalid)
        return cleaned
