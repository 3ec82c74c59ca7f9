"""Pick the sentences of a program that answer the user's specific question.

A question like "muss der Kurs über 120 Stunden gehen?" is about one condition, not the
summary. Every condition, amount, rate note, status note and application step is scored
by the idf-weighted lemmas it shares with the question; the best one or two are quoted.
"""

from __future__ import annotations

import re

from actions.search import KnowledgeSearch
from knowledge.schema import Program

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ0-9])")


def candidate_sentences(program: Program) -> list[str]:
    out = list(program.conditions)
    out += [f"{a.label}: {a.value}" for a in program.amounts]
    out += [r.note for r in program.rates if r.note]
    if program.status.note:
        out.append(program.status.note)
    out += _SENTENCE.split(program.how_to_apply)
    return [s.strip() for s in out if s and s.strip()]


def relevant_details(
    program: Program,
    question: str,
    search: KnowledgeSearch,
    *,
    shown: str = "",
    limit: int = 2,
    min_score: float = 2.5,
) -> list[str]:
    """Sentences that share rare words with the question and are not already in ``shown``."""
    terms = set(search.analyzer(question))
    if not terms:
        return []
    scored = []
    for sentence in candidate_sentences(program):
        if sentence in shown:
            continue
        shared = terms & search.known_terms(sentence)
        score = sum(search.idf.get(t, 3.0) for t in shared)
        if score >= min_score:
            scored.append((score, sentence))
    scored.sort(key=lambda x: -x[0])
    return [s for _, s in scored[:limit]]
