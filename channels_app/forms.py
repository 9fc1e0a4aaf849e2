"""The judge's contact form: the channel's questionnaire, checked by the same service as the import."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, cast

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime, AutocompleteSelect
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from award.models import Channel, Edition, Participant
from award.selectors import user_is_organiser
from channels_app.models import Contact, ContactStatus, HandledBy, Question
from channels_app.questionnaire import question_check
from channels_app.rules import question_errors
from channels_app.selectors import contact_answers, edition_wait_rules, participants_for_contact
from channels_app.services import ContactInput, ContactInvalid, contact_check_unlocked, contact_clean
from channels_app.waiting import bands_text, clock_text, limit_text, parse_wait
from scoring.rules import BOT_CHANNELS

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows


class ParticipantAutocomplete(AutocompleteSelect):
    """The admin's autocomplete, asking our endpoint for the edition's participants in one channel."""

    def __init__(self, *, url: str, **kwargs: Any) -> None:
        super().__init__(Contact._meta.get_field("participant"), **kwargs)
        self.url = url

    def get_url(self) -> str:
        return self.url


def question_field_name(question: Question) -> str:
    return f"q_{question.key}"


NOT_APPLICABLE = "na"  # the radio button that says N/A; no button chosen at all is no answer yet


class _Unchosen:
    """The value of a question field left without a choice (a draft may leave some)."""


UNCHOSEN = _Unchosen()


def question_field(question: Question, *, initial: str | None) -> forms.TypedChoiceField:
    """One question as radio buttons: N/A, then 0 to its maximum; none chosen is no answer yet, not N/A."""
    label = question.text if question.counts else _("%(text)s (does not count)") % {"text": question.text}
    return forms.TypedChoiceField(
        label=label,
        choices=[(NOT_APPLICABLE, _("N/A")), *((str(n), str(n)) for n in range(question.max_points + 1))],
        coerce=lambda value: None if value == NOT_APPLICABLE else int(value),
        empty_value=cast(Any, UNCHOSEN),  # a sentinel: the stubs know only str | None
        required=False,
        initial=initial,
        widget=forms.RadioSelect(attrs={"class": "points"}),
        help_text=_("0 to %(max)s points, or N/A") % {"max": question.max_points},
    )


def choice_of(key: str, answers: dict[str, int | None], unchosen: set[str] | None) -> str | None:
    """A stored contact's choice for a question: its points, N/A (no answer stored and not left open), or none."""
    if key in answers and answers[key] is not None:
        return str(answers[key])
    if unchosen is None or key in unchosen:
        return None  # a new contact, or a draft's open question
    return NOT_APPLICABLE


def chosen_answers(questions: list[Question], cleaned: dict[str, Any]) -> dict[str, int | None]:
    """question key -> points or None (N/A), for the questions with a choice only."""
    values = {question.key: cleaned.get(question_field_name(question), UNCHOSEN) for question in questions}
    return {key: value for key, value in values.items() if not isinstance(value, _Unchosen)}


class ContactForm(forms.ModelForm):
    """One contact with its answers; clean() runs channels_app.services.contact_clean."""

    wait = forms.CharField(
        label=gettext_lazy("Wait"),
        required=False,
        help_text=gettext_lazy("Minutes:seconds such as 4:30, or hours:minutes:seconds."),
        widget=forms.TextInput(attrs={"size": 10, "autocomplete": "off"}),  # no numeric keypad: it has no ":"
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for this change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Required after the final results are published."),
    )

    class Media:
        # The live "12 of 18 answered", the questions hidden while "answered" is unticked, and the draft kept in
        # the browser until it is saved (a closed tab loses nothing).
        css = {"all": ["channels_app/contact_form.css"]}
        js = ["channels_app/contact_form.js"]

    class Meta:
        model = Contact
        fields = ["participant", "happened_at", "answered", "handled_by", "comment"]
        field_classes = {"happened_at": forms.SplitDateTimeField}
        widgets = {"happened_at": AdminSplitDateTime, "comment": forms.Textarea(attrs={"rows": 3})}

    # Set by ContactAdmin.get_form for the request at hand.
    edition: Edition
    channel: str
    judge: User
    user: User
    status: str
    questionnaire: dict[str, list[Question]]
    locked: bool = False

    @classmethod
    def bound(cls, **attributes: Any) -> type[ContactForm]:
        """This form for one request: its edition, channel, judge, user, status, questionnaire and lock."""
        return type(f"Bound{cls.__name__}", (cls,), attributes)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = self.questionnaire.get(self.channel, [])
        # A judge cannot pick a participant they declared a conflict with (a contact logged before it keeps its own).
        judge = self.judge if self.instance.pk is None else None
        participant_field = cast("forms.ModelChoiceField[Participant]", self.fields["participant"])  # the model's foreign key
        participant_field.queryset = participants_for_contact(edition=self.edition, channel=self.channel, judge=judge)
        now = timezone.localtime().replace(second=0, microsecond=0)
        if self.edition.starts_on <= now.date() <= self.edition.ends_on:
            self.fields["happened_at"].initial = now  # outside the edition, the judge gives the time
        self.fields["answered"].initial = True
        if self.channel in BOT_CHANNELS:
            # The model field has choices: its form field is a ChoiceField.
            cast(forms.ChoiceField, self.fields["handled_by"]).choices = [("", "---------"), *HandledBy.choices]
            self.fields["handled_by"].help_text = _(
                "Who answered: an agent, a chatbot, or a chatbot that handed over to an agent."
            )
        else:
            del self.fields["handled_by"]  # scoring.md: always an agent outside chat and Messenger
        if not self.locked:
            del self.fields["reason"]
        self._wait_field()
        answers = contact_answers(contact=self.instance) if self.instance.pk else {}
        unchosen = set(self.instance.unchosen) if self.instance.pk else None
        for question in self.questions:
            if question is self.scored_by_wait:
                continue  # its points come from the wait: no buttons to override them with
            self.fields[question_field_name(question)] = question_field(
                question, initial=choice_of(question.key, answers, unchosen)
            )

    def _wait_field(self) -> None:
        """The wait as the channel measures it (e-mail: when the reply came), with its limit and its bands said."""
        rule = edition_wait_rules(edition=self.edition).get(self.channel)
        by_key = {question.key: question for question in self.questions}
        self.scored_by_wait = by_key.get(rule.question_key) if rule is not None and rule.bands else None
        if self.channel == "email":
            del self.fields["wait"]
            self.fields["received_at"] = forms.DateTimeField(
                label=_("Reply received"),
                required=False,
                input_formats=[LOCAL_MINUTE, "%Y-%m-%dT%H:%M:%S"],
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MINUTE),
                help_text=_("When the reply came; the wait counts from when you sent the e-mail."),
            )
            if self.instance.pk and self.instance.wait_seconds is not None and self.instance.happened_at is not None:
                received = self.instance.happened_at + timedelta(seconds=self.instance.wait_seconds)
                self.fields["received_at"].initial = timezone.localtime(received)
            field = self.fields["received_at"]
        else:
            if self.instance.pk:
                self.fields["wait"].initial = clock_text(self.instance.wait_seconds)
            field = self.fields["wait"]
        notes = [str(field.help_text)]
        if rule is not None and (
            limit := limit_text(limit_seconds=rule.limit_seconds, limit_working_days=rule.limit_working_days)
        ):
            notes.append(_("Limit: %(limit)s; longer counts as unanswered.") % {"limit": limit})
            field.widget.attrs |= {
                "data-limit-seconds": rule.limit_seconds or "",
                "data-limit-days": rule.limit_working_days or "",
                "data-over-template": _("Past the limit (%(limit)s): log the contact as not answered (untick “Answered”).")
                % {"limit": limit},
            }
        if rule is not None and self.scored_by_wait is not None:
            notes.append(
                _("It scores “%(question)s”: %(bands)s.")
                % {"question": self.scored_by_wait.text, "bands": bands_text(rule.bands)}
            )
            field.widget.attrs |= {
                "data-bands": json.dumps(rule.bands),
                "data-points-template": _("Points from the wait: %(points)s of %(max)s")
                % {"points": "%(points)s", "max": self.scored_by_wait.max_points},
            }
        field.help_text = " ".join(notes)

    def wait_field_name(self) -> str:
        return "received_at" if "received_at" in self.fields else "wait"

    def areas(self) -> list[tuple[str, list[str]]]:
        """The questionnaire's fields grouped by performance area, in questionnaire order."""
        grouped: dict[str, list[str]] = {}
        for question in self.questions:
            if question is not self.scored_by_wait:
                grouped.setdefault(question.area, []).append(question_field_name(question))
        return list(grouped.items())

    def _wait_seconds(self, cleaned: dict[str, Any]) -> tuple[int | None, bool]:
        """The wait in seconds from the form (None for none), and whether what was entered could not be read."""
        if "received_at" in self.fields:
            received, sent = cleaned.get("received_at"), cleaned.get("happened_at")
            if received is None or sent is None:
                return None, "received_at" in self.errors
            if received < sent:
                self.add_error("received_at", _("The reply cannot come before the e-mail was sent."))
                return None, True
            return int((received - sent).total_seconds()), False
        try:
            return parse_wait(cleaned.get("wait") or ""), False
        except ValueError:
            self.add_error("wait", _("Give the wait as minutes:seconds (4:30) or hours:minutes:seconds (1:04:30)."))
            return None, True

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        wait_seconds, wait_unreadable = self._wait_seconds(cleaned)
        answered = bool(cleaned.get("answered"))
        if not answered:
            wait_seconds = None  # nobody answered: there was no wait to keep
        handled_by = cleaned.get("handled_by", HandledBy.AGENT if answered else "") or ""
        if self.channel not in BOT_CHANNELS:
            handled_by = HandledBy.AGENT if answered else ""
        self.contact_input = ContactInput(
            participant=cleaned.get("participant"),
            channel=self.channel,
            judge=self.judge,
            happened_at=cleaned.get("happened_at"),
            answered=answered,
            wait_seconds=wait_seconds,
            handled_by=handled_by,
            comment=cleaned.get("comment", ""),
            # Only the questions with a choice (a forgotten one is not N/A: the service refuses to submit without it);
            # none when nobody answered, whatever the hidden fields still hold.
            answers=chosen_answers(self.questions, cleaned) if answered else {},
            status=self.status,
            voided=self.instance.voided,
            void_reason=self.instance.void_reason,
        )
        try:
            # The lock after the final results, then every rule of the contact: the same checks as contact_record's,
            # all at once with the form's own (a field that did not parse keeps its own message only).
            contact_check_unlocked(edition=self.edition, user=self.user, reason=cleaned.get("reason") or "")
            contact_clean(edition=self.edition, data=self.contact_input, questionnaire=self.questionnaire)
        except ContactInvalid as invalid:
            for name, reasons in invalid.errors.items():
                field = self._field_for(name)
                if field in self.errors or (field == self.wait_field_name() and wait_unreadable):
                    continue
                for reason in reasons:
                    self.add_error(field, reason)
        return cleaned

    def _field_for(self, name: str) -> str | None:
        """The form field that shows the service's error about `name`."""
        if "." in name:
            key = name.split(".", 1)[1]
            if self.scored_by_wait is not None and key == self.scored_by_wait.key:
                return self.wait_field_name()  # its points come from the wait: said there
            field = f"q_{key}"
            return field if field in self.fields else None
        mapping = {
            "wait_seconds": self.wait_field_name(),
            "judge": "participant",
            "channel": None,
            "status": None,
            "void_reason": None,
            "__all__": None,
        }
        found = mapping.get(name, name)
        return found if found in self.fields else None


class SiteContactForm(ContactForm):
    """The judges' own page: the browser's own controls (a date and time picker, a list of participants), which work
    on a phone and with the keyboard alone, without the admin's scripts."""

    happened_at = forms.DateTimeField(
        label=gettext_lazy("When"),
        input_formats=[LOCAL_MINUTE, "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MINUTE),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].empty_label = _("Choose a participant")  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["answered"].help_text = _("Untick when nobody answered: the contact then scores 0.")

    def main_fields(self) -> list[forms.BoundField]:
        """The fields above the questionnaire, in the order a judge fills them in."""
        names = ["participant", "happened_at", "answered", "wait", "received_at", "handled_by", "comment", "reason"]
        return [self[name] for name in names if name in self.fields]

    def area_fields(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(area, [self[name] for name in names]) for area, names in self.areas()]


class QuestionForm(forms.ModelForm):
    """A question; changing what it is worth after contacts were scored asks for a confirmation first."""

    confirm_rescore = forms.BooleanField(
        label=gettext_lazy("Yes, recompute the scores"),
        required=False,
        help_text=gettext_lazy("Shown when the change recomputes the scores of contacts already logged."),
    )
    # Checked by question_errors alone (1 to 1000), not by the database column's own range, so the reason is one.
    max_points = forms.IntegerField(label=gettext_lazy("maximum points"))

    class Meta:
        model = Question
        fields = ["edition", "channel", "key", "text", "area", "max_points", "counts", "position"]

    rescores = 0

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        # The limits the import applies too (docs/bundle-format.md); the key of a saved question is read only.
        key = self.instance.key if self.instance.pk else cleaned.get("key")
        values: dict[str, Any] = {"key": key, **{name: cleaned.get(name) for name in ("text", "area", "max_points")}}
        if all(value is not None for value in values.values()):
            for name, reasons in question_errors(**values).items():
                for reason in reasons:
                    self.add_error(name if name in self.fields else None, reason)
        if self.instance.pk is None or self.errors:
            return cleaned
        changed = {name for name in ("max_points", "counts") if cleaned.get(name) != getattr(self.instance, name)}
        answered = Contact.objects.filter(answers__question=self.instance).distinct().count() if changed else 0
        if answered and not cleaned.get("confirm_rescore"):
            raise forms.ValidationError(
                _(
                    "Changing the maximum or whether the question counts recomputes the scores of %(n)s contacts "
                    "and rescores the edition. Tick the box to confirm."
                )
                % {"n": answered}
            )
        self.rescores = answered
        values = {name: cleaned.get(name) for name in ("text", "area", "max_points", "counts", "position")}
        for name, reasons in question_check(question=self.instance, **values).items():
            for reason in reasons:
                self.add_error(name if name in self.fields else None, reason)
        return cleaned


class ChannelChoiceForm(forms.Form):
    """Step one of logging a contact: which edition and which channel (a judge's choice: editions not yet closed)."""

    edition = forms.ModelChoiceField(label=gettext_lazy("Edition"), queryset=Edition.objects.order_by("-year"), empty_label=None)
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=Channel.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not user_is_organiser(user):
            edition_field = cast("forms.ModelChoiceField[Edition]", self.fields["edition"])  # as declared above
            edition_field.queryset = Edition.objects.filter(final_published_at__isnull=True).order_by("-year")


class VoidForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for voiding"), widget=forms.Textarea(attrs={"rows": 3}))


STATUS_BUTTONS = {"_draft": ContactStatus.DRAFT, "_submit": ContactStatus.SUBMITTED, "_submit_another": ContactStatus.SUBMITTED}


class ContactFilterForm(forms.Form):
    """The judge's list of contacts: by channel and by state; a value outside the choices is an error, never a 500."""

    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"), required=False, choices=[("", gettext_lazy("All")), *Channel.choices]
    )
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[
            ("", gettext_lazy("All")),
            (ContactStatus.DRAFT, gettext_lazy("Drafts")),
            (ContactStatus.SUBMITTED, gettext_lazy("Submitted")),
            ("voided", gettext_lazy("Voided")),
        ],
    )


class ConflictForm(forms.Form):
    """A judge declares a conflict of interest with a participant of the current edition."""

    participant = forms.ModelChoiceField(label=gettext_lazy("Participant"), queryset=Participant.objects.none())
    reason = forms.CharField(
        label=gettext_lazy("Why (for the organisers)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, edition: Edition | None, judge: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Participant]", self.fields["participant"])
        if edition is not None:
            field.queryset = Participant.objects.filter(edition=edition).exclude(conflicts__judge=judge).order_by("name")
