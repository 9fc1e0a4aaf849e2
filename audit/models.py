"""ChangeRecord: one change of one object, written by the services of every app."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """The way in a change came through."""

    ADMIN = "admin", _("administration")
    SITE = "site", _("web site")
    IMPORT = "import", _("import")
    COMMAND = "command", _("command")
    API = "api", _("API")


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")


class ChangeRecord(models.Model):
    """One change of one object: who, when, from where, and each field from which value to which."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(max_length=200)
    action = models.CharField(max_length=16, choices=Action.choices)
    changes = models.JSONField(default=dict, help_text=_("{field: [old, new]}"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        constraints = [models.CheckConstraint(condition=Q(source__in=Source.values), name="change_source_known")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"
