"""Which wins when the NLU calls a specific question small talk or a service request.

The intent classifier learned the service intents (privacy notice, a human advisor, deleting
the conversation, events, feedback, goodbye …) from short examples, and sends some real
questions there by one shared word: "Kann ich mir einen **Berater** fördern lassen?" became
a request for a human, "How do I check in anabin whether my degree is recognised?" the
privacy notice, "Wann darf ich meine Ausbildung fristlos kündigen?" the event list. Over
REST, 12 % of the facts' own phrasings got such a reply.

The rule: a message the answer engine answers with a clear fact (score at least
``STRONG``) is that question, unless it has a word of the service intent itself
("Datenschutz", "Mensch", "löschen", "Veranstaltung" …; whole words: "Agentur" is no
"agent", "Datenbank" no "Daten"). The threshold was set on the
service intents' NLU examples (training data and the held-out NLU set): at 0.8 none of
their 874 examples passes (the best scores 0.77 since the precision part joined the score;
at the old 0.7, 150 of 162 misrouted phrasings passed — not recounted at 0.8).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from answering.decision import Answer, Ask
from answering.engine import AnswerEngine
from answering.retrieval import Query
from knowledge.text import fold

STRONG = 0.8

# service intents a clear answer may overrule, each with the words that keep it
SERVICE_WORDS: dict[str, tuple[str, ...]] = {
    "ask_privacy": ("daten", "datenschutz*", "gespeichert", "speicher*", "privacy", "data",
                    "stored", "store", "dsgvo", "gdpr", "anonym*"),
    "request_human": ("mensch*", "mitarbeiter*", "person", "human", "real", "echte*",
                      "jemand*", "someone", "agent"),
    "request_deletion": ("losch*", "loesch*", "geloscht", "geloescht", "delete*", "wipe",
                         "erase", "vergessen", "forget"),
    "ask_events": ("veranstaltung*", "event*", "messe*", "workshop*", "infotag*", "webinar*",
                   "termine", "fair"),
    "feedback": ("bot", "hilfreich", "helpful", "useless", "schlecht", "bad", "danke"),
    "goodbye": ("tschuss", "bye", "ciao", "wiedersehen"),
    "thanks": ("danke", "thanks", "thank"),
    "greet": ("hallo", "hello", "hi", "moin"),
    "affirm": (),
    "deny": (),
    "bot_challenge": ("bot", "ki", "ai", "mensch*", "human", "maschine", "programm"),
    "ask_capabilities": ("kannst du", "can you", "was weisst du", "what do you"),
    "something_else": (),
}  # fmt: skip
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Verdict:
    entry: str  # the entry of the fact that answers
    score: float


def keeps_intent(intent: str, text: str) -> bool:
    """The message has a word of the service intent (folded; whole words, a stem with "*"
    as a prefix, a phrase with spaces as written)."""
    folded = fold(text)
    words = _WORD.findall(folded)
    for marker in SERVICE_WORDS.get(intent, ()):
        if " " in marker:
            if marker in folded:
                return True
        elif marker.endswith("*"):
            if any(w.startswith(marker[:-1]) for w in words):
                return True
        elif marker in words:
            return True
    return False


def overrule(
    intent: str, query: Query, engine: AnswerEngine, strong: float = STRONG
) -> Verdict | None:
    """The fact's entry when a clear answer (score at least ``strong``) overrules the
    service ``intent``, else None."""
    if intent not in SERVICE_WORDS or keeps_intent(intent, query.text):
        return None
    decision, ranked = engine.decide(query)
    if not ranked or ranked[0].score < strong or not isinstance(decision, Answer | Ask):
        return None
    return Verdict(ranked[0].fact.about, ranked[0].score)
