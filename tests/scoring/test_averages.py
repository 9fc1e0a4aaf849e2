"""The sums a publication freezes for the dashboard's averages (scoring.averages), checked on the mini sample."""

from __future__ import annotations

import json
from decimal import Decimal

from award.models import AwardClass, Edition
from scoring import rules
from scoring.averages import FieldSums, field_sums


def test_the_mini_samples_sums_give_its_hand_computed_averages_and_survive_json(mini: Edition) -> None:
    sums = field_sums(edition=mini)
    units, participants = sums.channel("phone")
    assert (participants, rules.one_decimal(rules.mean_of_units(units, participants))) == (5, Decimal("73.3"))
    # E-mail: (91.1111 + 91.1111 + 88.8889) / 3 = 90.3704.
    assert rules.mean_of_units(*sums.channel("email")) == Decimal("90.3704")
    broadband = AwardClass.objects.get(edition=mini, name="Broadband")
    assert sums.of_class("phone", broadband.pk)[1] == 2  # Sognenett and Tussa
    assert sums.area("phone", "Answer and waiting time") == (57, 65, 5)
    assert sums.area("phone", "Customer experience") == (0, 0, 0)  # counts = false: never summed
    assert sums.area("messenger", "Solution") == (0, 0, 0)
    stored = json.loads(json.dumps(sums.to_json()))  # as the JSONField keeps it
    assert FieldSums.from_json(stored) == sums
