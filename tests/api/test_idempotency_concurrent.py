"""Two copies of one contact sent at the same moment with the same Idempotency-Key (a phone that retried before the
first answer came back): one contact, and both answers the same. On PostgreSQL, where the two requests really run at
once; the second waits on the first's key row and then reads its answer (api/idempotency.py)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from api.models import IdempotentRequest
from award.models import Participant
from channels_app.models import Contact
from tests.api.judging import CONTACTS, api_for, body, judging_edition
from tests.conftest import on_postgres


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_copies_at_once_make_one_contact(judge: User, participant_a: Participant, participant_b: Participant) -> None:
    on_postgres()
    edition = judging_edition(participant_a)
    given = body(edition, participant_a)
    clients = [api_for(judge), api_for(judge)]  # two connections of the same phone
    start = threading.Barrier(2)
    answers: list[Any] = [None, None]

    def send(index: int) -> None:
        try:
            start.wait(timeout=10)
            answers[index] = clients[index].post(CONTACTS, given, format="json", HTTP_IDEMPOTENCY_KEY="same-moment")
        finally:
            connection.close()  # each thread's own connection

    threads = [threading.Thread(target=send, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [answer.status_code for answer in answers] == [201, 201]
    assert sorted(str(answer.get("Idempotent-Replayed")) for answer in answers) == ["None", "true"]
    assert answers[0].json() == answers[1].json()
    assert (Contact.objects.count(), IdempotentRequest.objects.count()) == (1, 1)
