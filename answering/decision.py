"""What to do with the ranked facts: answer, ask one question, or say what is known.

- **Overview**: the message names an entry and says nothing more ("Meister-BAföG?",
  "What is the Qualifizierungsgeld?"): the entry's short overview (``KnownTopic`` with
  ``overview``), before any fact.
- **Answer**: the best fact clears the threshold; a second fact joins only when it answers a
  part of the message the first leaves open (terms of the message only it matches, or a
  question type only it has).
- **Ask**: the best facts hold for different askers (employed / unemployed, company /
  employee) or different Länder, and the turn does not tell which applies: one question with
  buttons, then the answer.
- **Known topic**: nothing is good enough, but the message is about an entry (named, the
  NLU's topic, or the previous answer's): one sentence of what the bot knows and a contact.
- **Nothing**: none of that; the shell falls back to its other ways (search, contacts).

An answer, and "what is known", also carry up to two **alternatives**: other facts nearly as
good as the one shown (or, when nothing answers, the best ones at all). The reply offers
their questions as buttons ("Meinten Sie …?"), so a question the ranking got second is one
tap away.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from answering.question_type import question_kinds
from answering.retrieval import FactIndex, Query, Scored
from knowledge.schema import QuestionKind


@dataclass(frozen=True)
class Thresholds:
    answer: float = 0.5  # best score needed to answer with a fact
    overview: float = 0.65  # an overview fact needs more (it is the entry's summary)
    second: float = 0.35  # a second fact's score
    second_gain: float = 1.5  # idf of message terms only the second fact matches
    land_margin: float = 0.25  # the other Land's fact this close to the best: ask the Land
    role_margin: float = 0.3  # another asker's fact this close to the best: ask the role
    close: float = 0.15  # a fact of the same entry this close to the best joins it (0: never)
    topic: float = 0.3  # best score that still names the topic when nothing answers
    overview_rest: float = 3.0  # a named entry plus less information than this: its overview
    alternative: float = 0.25  # a fact this close to the shown one is offered as a button
    alternatives: float = 2  # at most this many (a float like the rest, for the tuners)


@dataclass(frozen=True)
class Answer:
    facts: tuple[Scored, ...]
    alternatives: tuple[Scored, ...] = ()  # nearly as good: offered as buttons


@dataclass(frozen=True)
class Ask:
    dimension: str  # "role" | "land"
    options: tuple[str, ...]  # role values or Land codes, in the order to offer
    candidates: tuple[Scored, ...]


@dataclass(frozen=True)
class KnownTopic:
    entry: str
    best: Scored | None = None
    overview: bool = False  # nothing specific was asked: the entry's short overview answers
    alternatives: tuple[Scored, ...] = ()  # the best facts, none good enough: as buttons


@dataclass(frozen=True)
class Nothing:
    pass


Decision = Answer | Ask | KnownTopic | Nothing

ROLE_ORDER = ("unemployed", "employee", "employer", "works_council", "apprentice",
              "self_employed", "school_leaver")  # fmt: skip


def _needed(score: Scored, t: Thresholds) -> float:
    return t.overview if score.is_overview else t.answer


def _ask(ranked: list[Scored], query: Query, index: FactIndex, t: Thresholds) -> Ask | None:
    """Ask when the best fact has variants for other askers (same entry, same question type,
    close score, roles the best fact does not hold for) or for the other Land (same question
    type, close score), and the turn does not say which applies. A fact that holds for
    several askers answers them all: no question."""
    best = ranked[0]
    if query.role is None and best.fact.roles:
        variants = [
            s for s in ranked
            if s.fact.about == best.fact.about and s.fact.kind == best.fact.kind and s.fact.roles
            and s.score >= best.score - t.role_margin
        ]  # fmt: skip
        covered = {r.value for r in best.fact.roles}
        others = {r.value for s in variants for r in s.fact.roles} - covered
        if others:  # another asker gets another answer: ask which one applies
            options = tuple(r for r in ROLE_ORDER if r in covered | others)
            return Ask("role", options, tuple(variants))
    if query.land is None:
        land = index.lands[best.position]
        if land:
            variants = [
                s for s in ranked
                if s.fact.kind == best.fact.kind and s.score >= best.score - t.land_margin
                and index.lands[s.position] not in (None, land)
            ]  # fmt: skip
            if variants:
                return Ask("land", ("BW", "TH"), (best, *variants))
    return None


def _adds(second: Scored, best: Scored, query: Query, index: FactIndex, t: Thresholds) -> bool:
    if second.score < t.second or second.is_overview or second.fact.id == best.fact.id:
        return False
    if second.fact.roles and query.role and query.role not in {r.value for r in second.fact.roles}:
        return False
    if (
        t.close > 0
        and second.fact.about == best.fact.about
        and second.score >= best.score - t.close
        and not best.is_overview
    ):  # as likely an answer as the best: both, the better first
        return True
    gain = index.term_weight(second.matched - best.matched)
    asked = question_kinds(query.text)
    new_kind = second.fact.kind in asked and second.fact.kind != best.fact.kind
    return gain >= t.second_gain and (new_kind or gain >= 2 * t.second_gain)


def decide(
    ranked: list[Scored], query: Query, index: FactIndex, thresholds: Thresholds | None = None
) -> Decision:
    t = thresholds or Thresholds()
    if query.named and not question_kinds(query.text) - {QuestionKind.what}:
        entry = _local(query.named, query, index)
        if index.rest_information(query, entry) < t.overview_rest:  # "Meister-BAföG?"
            return KnownTopic(entry, ranked[0] if ranked else None, overview=True)
    if ranked and ranked[0].score >= _needed(ranked[0], t):
        ask = _ask(ranked, query, index, t)
        if ask is not None:
            return ask
        best = ranked[0]
        shown: tuple[Scored, ...] = (best,)
        for second in ranked[1:4]:
            if _adds(second, best, query, index, t):
                shown = (best, second)
                break
        floor = max(t.answer, best.score - t.alternative)
        return Answer(shown, alternatives(ranked, shown, query, floor, t.alternatives))
    known = _known_topic(ranked, query, index, t)
    if isinstance(known, KnownTopic) and not known.overview:
        offered = alternatives(ranked, (), query, t.topic, t.alternatives, about=known.entry)
        return replace(known, alternatives=offered)
    return known


def alternatives(
    ranked: list[Scored],
    shown: tuple[Scored, ...],
    query: Query,
    floor: float,
    limit: float,
    *,
    about: str | None = None,
) -> tuple[Scored, ...]:
    """Facts after the shown ones that score at least ``floor``: none of them an overview,
    none for another asker than the turn's. With ``about``, facts of that entry first."""
    seen = {s.fact.id for s in shown}
    pool = [
        s for s in ranked[:12]
        if s.score >= floor and s.fact.id not in seen and not s.is_overview
        and not (query.role and s.fact.roles and query.role not in {r.value for r in s.fact.roles})
    ]  # fmt: skip
    if about is not None:
        pool.sort(key=lambda s: s.fact.about != about)  # stable: score order within
    return tuple(pool[: int(limit)])


def _local(entries: tuple[str, ...], query: Query, index: FactIndex) -> str:
    """The first of ``entries`` that holds in the asker's Land (or everywhere)."""
    local = [e for e in entries if index.entry_land(e) in (None, query.land)]
    return (local or list(entries))[0]


def _known_topic(
    ranked: list[Scored], query: Query, index: FactIndex, t: Thresholds
) -> KnownTopic | Nothing:
    """The entry the message is about, when no fact answers it. A message that names an
    entry (or reaches one through the NLU's topic, or gives a size after an answer) and asks
    nothing specific ("Bildungsurlaub?", "What is the Qualifizierungsgeld?") is answered with
    the entry's overview; a specific question gets "what I know" and a contact."""
    best = ranked[0] if ranked else None
    kinds = question_kinds(query.text) - {QuestionKind.what}

    def overview(entry: str) -> bool:
        return not kinds and index.rest_information(query, entry) < t.overview_rest

    if query.named:
        entry = _local(query.named, query, index)
        return KnownTopic(entry, best, overview=overview(entry))
    if query.remembered:
        follow_up = query.employees is not None and overview(query.remembered)
        return KnownTopic(query.remembered, best, overview=follow_up)
    if query.intent_entries:
        entry = _local(query.intent_entries, query, index)
        return KnownTopic(entry, best, overview=overview(entry))
    if ranked and ranked[0].score >= t.topic:
        return KnownTopic(ranked[0].fact.about, ranked[0])
    return Nothing()
