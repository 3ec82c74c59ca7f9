from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.index import KnowledgeIndex
from knowledge.loader import load_or_raise

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        for key, value in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if isinstance(value, dict):
                merged.setdefault(key, {}).update(value)
            elif isinstance(value, list):
                merged.setdefault(key, []).extend(value)
            else:
                merged[key] = value
    return merged


@pytest.fixture(scope="session")
def real_index() -> KnowledgeIndex:
    """The shipped knowledge base (read-only, so shared across tests)."""
    return KnowledgeIndex(load_or_raise())
