"""Held-out NLU test set (never in the training data): quality thresholds."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.eval.nlu_eval import evaluate, summary

pytestmark = pytest.mark.integration


async def test_held_out_intent_and_entity_f1(trained_model: Path) -> None:
    report = await evaluate(trained_model)
    print(summary(report))
    assert report.examples >= 300
    assert report.entity_f1 >= 0.90, summary(report)
    assert report.intent_macro_f1 >= 0.90, summary(report)
