"""Outcome labels of the random intents: success, escalation and human review drawn from the
feature's and the model's rates and the intent's retries; a share of intents has no label,
and a share has an early implicit label that a later explicit one contradicts."""

from __future__ import annotations

from ..project import OUTCOME_COLUMNS
from .draws import Draws
from .features import TWO_LABELS_RATE, UNLABELLED_RATE
from .rows import Row, as_bool, csv_row, ts
from .spans import Intent


def label(draw: Draws, intent: Intent) -> list[Row]:
    """The outcome rows of one intent (none, one or two), drawn right after its spans."""
    rng = draw.rng
    feature, model = intent.feature, intent.model
    labels: list[Row] = []
    share = rng.random()
    if share < UNLABELLED_RATE:
        return labels
    two_labels = share < UNLABELLED_RATE + TWO_LABELS_RATE

    if intent.gave_up:
        p_success = 0.05
    else:
        p_success = (
            feature.success + model.quality - 0.05 * intent.failed_calls - 0.03 * intent.extra_turns
        )
    success = rng.random() < min(0.99, max(0.02, p_success))
    escalated = not success and rng.random() < feature.escalate_on_failure
    review_prob = feature.review + max(0.0, -model.quality) * 0.5
    reviewed = rng.random() < (0.35 if escalated else review_prob)

    labeled_at = intent.end + draw.seconds(30, 36 * 3_600)
    if two_labels:
        # An early implicit signal that the later explicit label contradicts.
        early = intent.end + draw.seconds(5, 600)
        labeled_at = early + draw.seconds(600, 48 * 3_600)
        labels.append(
            csv_row(
                OUTCOME_COLUMNS,
                intent_id=intent.key,
                is_success=as_bool(not success),
                is_escalated=as_bool(False),
                is_human_reviewed=as_bool(False),
                signal="implicit",
                labeled_at=ts(early),
            )
        )
        signal = "explicit"
    else:
        signal = draw.pick(feature.signals)
    labels.append(
        csv_row(
            OUTCOME_COLUMNS,
            intent_id=intent.key,
            is_success=as_bool(success),
            is_escalated=as_bool(escalated),
            is_human_reviewed=as_bool(reviewed),
            signal=signal,
            escalation_channel=draw.pick(feature.channels) if escalated else "",
            labeled_at=ts(labeled_at),
        )
    )
    return labels
