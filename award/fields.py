from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.db.models.expressions import Combinable

from scoring.rules import from_units, to_units


class ScoreField(models.BigIntegerField):
    """A 4-decimal score, a Decimal in Python and an integer of ten-thousandths in the database.

    Integers make SUM and the half-up means exact and identical on SQLite
    (which has no decimal type) and PostgreSQL (scoring.md: the same data
    gives the same numbers on both).
    """

    description = "Score with 4 decimals, stored as ten-thousandths"

    # The types django-stubs' plugin gives the model attribute: a Decimal, not BigIntegerField's int.
    # The stubs themselves redeclare these with ignores (NullBooleanField): a subclass may not change them.
    _pyi_private_set_type: Decimal | int | str | Combinable  # type: ignore[assignment]  # a Decimal, not int
    _pyi_private_get_type: Decimal  # type: ignore[assignment]  # a Decimal, not int
    _pyi_lookup_exact_type: Decimal | int | str  # type: ignore[assignment]  # a Decimal, not int

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        if value is None:
            return None
        return from_units(int(value))

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or value == "":
            return None
        return Decimal(value)

    def get_prep_value(self, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
        return to_units(Decimal(value))

    def formfield(self, **kwargs: Any) -> forms.Field:  # type: ignore[override]  # always a DecimalField: no form_class choice
        return forms.DecimalField(max_digits=8, decimal_places=4, **kwargs)
