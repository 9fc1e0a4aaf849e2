"""Reading the change history of one object."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.models import ChangeRecord


def history_of(subject: models.Model) -> models.QuerySet[ChangeRecord]:
    return ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    ).select_related("user")
