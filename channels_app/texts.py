"""What a judge reads after saving a contact, the same on the judges' pages and in the admin."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from channels_app.models import Contact, ContactStatus
from scoring.rules import score_text


def contact_saved_text(contact: Contact, *, scored_by_wait: str = "") -> str:
    """What was saved, named so that the judge sees it was the right one: company, channel, time, and the score
    (rounded as published). `scored_by_wait`: the key of the question the wait scores (no buttons of its own: an
    open one is the wait still to enter)."""
    open_questions = [key for key in contact.unchosen if key != scored_by_wait]
    values = {
        "ref": contact.ref,
        "participant": contact.participant.name,
        "channel": contact.get_channel_display(),
        "time": date_format(timezone.localtime(contact.happened_at), "DATETIME_FORMAT"),
        "score": score_text(contact.score),
        "n": len(open_questions),
    }
    if contact.status == ContactStatus.DRAFT and not open_questions and contact.unchosen:
        text = _(
            "Contact %(ref)s with %(participant)s (%(channel)s, %(time)s) saved as a draft, the wait still to enter: "
            "it counts nowhere until you submit it."
        )
    elif contact.status == ContactStatus.DRAFT and open_questions:
        text = ngettext(
            "Contact %(ref)s with %(participant)s (%(channel)s, %(time)s) saved as a draft, "
            "%(n)s question still to answer: it counts nowhere until you submit it.",
            "Contact %(ref)s with %(participant)s (%(channel)s, %(time)s) saved as a draft, "
            "%(n)s questions still to answer: it counts nowhere until you submit it.",
            len(open_questions),
        )
    elif contact.status == ContactStatus.DRAFT:
        text = _(
            "Contact %(ref)s with %(participant)s (%(channel)s, %(time)s) saved as a draft: it counts nowhere "
            "until you submit it. Its score would be %(score)s."
        )
    else:
        text = _("Contact %(ref)s with %(participant)s (%(channel)s, %(time)s) submitted. Its score is %(score)s.")
    return text % values
