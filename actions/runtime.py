"""The action server's shared, immutable state, loaded once per process on first use."""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

from actions.search import KnowledgeSearch
from answering.engine import AnswerEngine
from knowledge.index import KnowledgeIndex
from knowledge.loader import DEFAULT_ROOT, load_or_raise

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def default_index() -> KnowledgeIndex:
    """Load the knowledge base named by ``FOERDERLOTSE_KNOWLEDGE`` (default: the bundled one)."""
    root = Path(os.environ.get("FOERDERLOTSE_KNOWLEDGE", DEFAULT_ROOT))
    index = KnowledgeIndex(load_or_raise(root))
    logger.info("knowledge base loaded: %s", index.kb.counts())
    return index


@functools.lru_cache(maxsize=1)
def default_search() -> KnowledgeSearch:
    return KnowledgeSearch(default_index().kb)


@functools.lru_cache(maxsize=1)
def default_engine() -> AnswerEngine:
    engine = AnswerEngine(default_index())
    logger.info("answer engine ready: %d facts indexed", len(engine.facts.facts))
    return engine


def var_dir() -> Path:
    return Path(os.environ.get("FOERDERLOTSE_VAR", Path(__file__).resolve().parent.parent / "var"))
