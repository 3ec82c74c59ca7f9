"""The curated, sourced knowledge base: schema, loader, validator and lookups."""

from knowledge.loader import KnowledgeBase, KnowledgeError, Problem, load, load_or_raise

__all__ = ["KnowledgeBase", "KnowledgeError", "Problem", "load", "load_or_raise"]
