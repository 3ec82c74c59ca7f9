"""Fixtures shared by the integration and browser tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.model import ensure_model
from bot.settings import PROJECT_ROOT


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """Train once per session (cached across runs by the content hash)."""
    return ensure_model(PROJECT_ROOT, PROJECT_ROOT / "models")
