"""The year's frame tells the apps above it what changed, without importing them (imports flow one way)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the writing transaction by award.services.edition_data_changed, with `edition_id`:
# scoring enqueues a rescoring of the edition for when the transaction commits.
edition_data_changed = Signal()
