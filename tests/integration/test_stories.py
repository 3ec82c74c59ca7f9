"""Test stories for every form path, the fallback chain, handoff and deletion, checked by
`rasa test core --fail-on-prediction-errors` against the trained model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration


def test_stories_predict_without_errors(trained_model: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable, "-m", "rasa", "test", "core",
            "--model", str(trained_model),
            "--stories", str(PROJECT_ROOT / "tests" / "stories"),
            "--out", str(tmp_path),
            "--fail-on-prediction-errors",
        ],
        cwd=PROJECT_ROOT, env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    failed = tmp_path / "failed_test_stories.yml"
    report = failed.read_text(encoding="utf-8") if failed.exists() else ""
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:] + report
    assert (
        "None of the test stories failed" in report or not report.strip() or "stories: []" in report
    )
