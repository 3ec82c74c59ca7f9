"""The answer engine in one object: the fact index, the decision and the reply, for one
knowledge base. Built once per process (``actions.runtime.default_engine``)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from answering.analysis import LEMMATIZERS, Analyzer
from answering.decision import (
    Answer,
    Ask,
    Decision,
    KnownTopic,
    Thresholds,
    alternatives,
    decide,
)
from answering.formatting import Message
from answering.parts import question_parts
from answering.reply import (
    Asker,
    ask_reply,
    fact_key,
    fact_reply,
    known_topic_reply,
    overview_reply,
)
from answering.retrieval import FactIndex, Query, Scored, Weights
from knowledge.index import KnowledgeIndex
from knowledge.schema import Landkreis

DEFAULT_LEMMATIZER = "lookup"


@dataclass(frozen=True)
class Outcome:
    decision: Decision
    ranked: list[Scored]
    messages: list[Message]

    @property
    def entry(self) -> str | None:
        """The entry the reply is about (for the ``program`` slot and follow-ups)."""
        if isinstance(self.decision, Answer):
            return self.decision.facts[0].fact.about
        if isinstance(self.decision, KnownTopic):
            return self.decision.entry
        return None


class AnswerEngine:
    def __init__(
        self,
        kindex: KnowledgeIndex,
        *,
        lemmatizer: str = DEFAULT_LEMMATIZER,
        weights: Weights | None = None,
        thresholds: Thresholds | None = None,
    ) -> None:
        self.kindex = kindex
        analyzer = Analyzer(kindex.kb.synonyms, lemmatizer=LEMMATIZERS[lemmatizer])
        self.facts = FactIndex(kindex.kb, analyzer, weights)
        self.thresholds = thresholds or Thresholds()
        self._keys: dict[str, int] | None = None

    def by_key(self, key: str) -> Scored | None:
        """The fact a button's key names (``answering.reply.fact_key``), as the answer."""
        if self._keys is None:
            self._keys = {fact_key(f.id): i for i, f in enumerate(self.facts.facts)}
        position = self._keys.get(key)
        if position is None:
            return None
        fact = self.facts.facts[position]
        return Scored(fact, 1.0, 1.0, frozenset(), position)

    def answer_fact(
        self, key: str, query: Query, landkreis: Landkreis | None = None
    ) -> Outcome | None:
        """The answer to the question of a button ("Meinten Sie …?"): that fact, no search."""
        scored = self.by_key(key)
        if scored is None:
            return None
        decision = Answer((scored,))
        return Outcome(decision, [scored], self.messages(decision, query, landkreis))

    def decide(self, query: Query) -> tuple[Decision, list[Scored]]:
        query = self.with_named_land(query)
        ranked = self.facts.rank(query)
        decision = decide(ranked, query, self.facts, self.thresholds)
        parts = question_parts(query.text)
        overview = isinstance(decision, KnownTopic) and decision.overview
        if len(parts) > 1 and not isinstance(decision, Ask) and not overview:
            decision = self.both_parts(decision, ranked, query, parts)
        return decision, ranked

    def with_named_land(self, query: Query) -> Query:
        """A message that names only entries of one Land ("Bildungszeit" is Baden-Württemberg's)
        is asked in that Land: no question "In welchem Land?" back, the other Land's facts
        step back."""
        if query.land is not None or not query.named:
            return query
        lands = {self.facts.entry_land(e) for e in query.named}
        if len(lands) != 1 or None in lands:
            return query
        return replace(query, land=lands.pop())

    def both_parts(
        self, decision: Decision, ranked: list[Scored], query: Query, parts: list[str]
    ) -> Decision:
        """A message that asks two things: the answer to the whole stays first; the best
        fact of a part it leaves open joins it (about the same entry: a part alone lacks the
        rest's context). Nothing answers the whole: the parts' best facts of the entry the
        message is about."""
        t = self.thresholds
        shown = decision.facts if isinstance(decision, Answer) else ()
        if len(shown) > 1:
            return decision
        entries = set(query.named)
        if shown:
            entries.add(shown[0].fact.about)
        elif isinstance(decision, KnownTopic):
            entries.add(decision.entry)
        if not entries:
            return decision
        tops: list[Scored] = []
        for part in parts:
            got = self.facts.rank(replace(query, text=part))
            best = got[0] if got else None
            if best is None or best.is_overview or best.score < t.answer:
                continue
            if best.fact.about in entries and all(s.fact.id != best.fact.id for s in tops):
                tops.append(best)
        extra = [s for s in tops if all(s.fact.id != x.fact.id for x in shown)]
        facts = (*shown, *extra)[:2]
        if len(facts) == len(shown):  # no part added a fact
            return decision
        floor = max(t.answer, facts[0].score - t.alternative)
        return Answer(facts, alternatives(ranked, facts, query, floor, t.alternatives))

    def answer(self, query: Query, landkreis: Landkreis | None = None) -> Outcome:
        decision, ranked = self.decide(query)
        return Outcome(decision, ranked, self.messages(decision, query, landkreis))

    def messages(
        self, decision: Decision, query: Query, landkreis: Landkreis | None = None
    ) -> list[Message]:
        asker = Asker(query.lang, landkreis, query.role, query.employees)
        if isinstance(decision, Answer):
            return fact_reply(decision, self.kindex, asker=asker)
        if isinstance(decision, Ask):
            return ask_reply(decision, query.lang)
        if isinstance(decision, KnownTopic):
            entry = self.kindex.program(decision.entry)
            if entry is not None and decision.overview:
                return overview_reply(entry, self.kindex, asker=asker)
            if entry is not None:
                offered = decision.alternatives
                return known_topic_reply(entry, self.kindex, asker=asker, offered=offered)
        return []
