"""Contact.answers_frozen, what a publication freezes of a contact's answers, stays what its answers are on every write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from audit.models import Source
from award.models import Edition
from channels_app.bundle.importer import import_contacts_content
from channels_app.models import Answer, Contact, answers_frozen
from channels_app.services import contact_void
from tests.channels_app.test_import_set_based import as_csv, copies_of_first_row, sample_rows
from tests.conftest import record


def _disagreeing(edition: Edition) -> list[str]:
    """The contacts whose answers_frozen is not what their answers give."""
    given: dict[int, list[tuple[int, int | None]]] = {}
    for contact_id, question_id, points in Answer.objects.filter(contact__edition=edition).values_list(
        "contact_id", "question_id", "points"
    ):
        given.setdefault(contact_id, []).append((question_id, points))
    return [
        ref
        for pk, ref, frozen in Contact.objects.filter(edition=edition).values_list("pk", "ref", "answers_frozen")
        if frozen != answers_frozen(given.get(pk, []))
    ]


def test_the_text_is_canonical_json_by_question() -> None:
    assert answers_frozen([(12, None), (3, 7), (10, 0)]) == "[[3,7],[10,0],[12,null]]"
    assert answers_frozen([]) == "[]"


def test_imported_recorded_changed_and_voided_contacts_agree_with_their_answers(mini: Edition, samples: Path, judge: Any) -> None:
    assert _disagreeing(mini) == []  # as the import wrote them
    assert Contact.objects.get(edition=mini, ref="P001").answers_frozen.count("[") == 5  # four answers, in a list

    phone = {"participant": Contact.objects.get(ref="P001").participant, "channel": "phone", "judge": judge}
    keys = list(mini.questions.filter(channel="phone").order_by("position").values_list("key", flat=True))
    record(mini, ref="R1", answers=dict.fromkeys(keys, 1), **phone)
    record(mini, ref="R1", answers=dict.fromkeys(keys[1:], 2) | {keys[0]: None}, **phone)  # changed: one N/A now
    record(mini, ref="R2", answered=False, **phone)
    contact_void(contact=Contact.objects.get(ref="P002"), reason="Duplicate", source=Source.COMMAND)

    # The import: new contacts, and changed answers of existing ones (P001 with other points).
    import_contacts_content(edition=mini, content=copies_of_first_row(samples, 3))
    rows = sample_rows(samples)
    header, first = rows[0], list(rows[1])
    first[header.index("phone.greeting")] = "1"
    first[header.index("phone.feeling")] = ""
    import_contacts_content(edition=mini, content=as_csv([header, first]))

    assert Contact.objects.get(ref="R1").answers_frozen.count("[") == len(keys)  # N/A leaves no answer
    assert Contact.objects.get(ref="R2").answers_frozen == "[]"
    assert _disagreeing(mini) == []
