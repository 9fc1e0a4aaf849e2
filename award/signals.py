"""The year's frame tells the apps above it what changed, without importing them (imports flow one way)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the writing transaction by award.services.edition_data_changed, with `edition_id` and `participant_ids`
# (whose contacts changed, sorted; None for all of the edition): scoring notes whose points to sum again and
# enqueues a rescoring of the edition for when the transaction commits.
edition_data_changed = Signal()

# Sent by the admin when an organiser creates an edition, with `edition` (never by an import: a bundle brings its own
# data): channels_app gives it the award's waiting-time limits.
edition_opened = Signal()
