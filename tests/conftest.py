"""Fixtures shared by the integration and browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.model import ensure_model
from bot.services import Stack, build_services, write_endpoints
from bot.settings import PROJECT_ROOT


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """Train once per session (cached across runs by the content hash)."""
    return ensure_model(PROJECT_ROOT, PROJECT_ROOT / "models")


@pytest.fixture(scope="module")
def stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Rasa, action server and web server on free ports, one set per test module."""
    from tests.integration.conftest import test_settings

    var_dir = tmp_path_factory.mktemp("var")
    settings = test_settings(var_dir)
    write_endpoints(settings)
    services = build_services(settings, trained_model, log_dir=var_dir)
    with Stack(settings, services, timeout=240) as running:
        yield running
