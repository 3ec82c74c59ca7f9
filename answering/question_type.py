"""What a message asks: the question types of ``knowledge.schema.QuestionKind``.

Read from the normalised text (lower case, umlauts folded) with patterns in German and
English. A message may ask several things ("Bekomme ich meinen Lohn weiter, und wer zahlt den
Kurs?" asks ``amount`` twice over); the retrieval uses the set as a feature.

>>> sorted(k.value for k in question_kinds("Wie lange ist der Bildungsgutschein gültig?"))
['duration']
>>> sorted(k.value for k in question_kinds("Muss ich das BAföG zurückzahlen, wenn ich durchfalle?"))
['dropout', 'obligation']
>>> is_question("Kann eine EQ auf die Ausbildung angerechnet werden"), is_question("in Heilbronn")
(True, False)
"""

from __future__ import annotations

import re

from knowledge.schema import QuestionKind as K
from knowledge.text import normalize

_PATTERNS: dict[K, str] = {
    K.amount: (
        r"wie ?viel|wieviel|wie hoch|hoehe|betrag|kostet|kosten|zahlt|bezahlt|bezahlen|"
        r"uebernimmt|uebernommen|zuschuss|prozent|euro|foerdersatz|lohn weiter|gehalt weiter|"
        r"geld|verdien|how much|amount|pay for|paid|cover|cost|fees|salary|wage"
    ),
    K.duration: (
        r"wie ?lange?|dauer|dauert|gueltig|gilt (der|die|das|er|sie|es)\b|laufzeit|verfall|"
        r"wie viele (tage|monate|wochen|stunden|jahre)|how long|valid|duration|expire|"
        r"how many (days|months|weeks|hours|years)"
    ),
    K.decision: (
        r"bearbeitung|entscheid|bescheid|bewillig|genehmig|zusage|wer prueft|"
        r"wie lange dauert (es|das) bis|who decides|decision|approv|processing"
    ),
    K.apply: (
        r"beantrag|antrag|anmeld|bewerb|wie (bekomme|kriege|komme) ich|wo (bekomme|kriege)|"
        r"wie geht (man|das) vor|was muss ich tun|ablauf|how (do|can) (i|we) (apply|get)|"
        r"where (do|can) (i|we) (apply|get)|application|sign up|register"
    ),
    K.deadline: (
        r"frist|bis wann|ab wann|wann muss|rechtzeitig|vor (beginn|kursbeginn|start)|vorher|im voraus|"
        r"nachtraeglich|zu spaet|deadline|in advance|before the course|too late|retroactive"
    ),
    K.who: (
        r"\bwer\b|voraussetzung|berechtigt|anspruchsberechtigt|bekomme ich|kriege ich|"
        r"komme ich in frage|gilt (das|es) (auch )?fuer|auch fuer|als (azubi|selbst|rentner|"
        r"student|beamte|minijob|teilzeit)|eligible|qualify|who can|can i get|am i entitled"
    ),
    K.obligation: (
        r"zurueck ?zahl|rueckzahl|zurueckgeben|erstatten muss|sperrzeit|sperre|verpflicht|"
        r"pflicht|bindung|binden|kuendig|nachteil|konsequenz|folgen|muss ich|"
        r"repay|pay (it )?back|obliged|obligation|penalt|consequence|have to pay"
    ),
    K.combine: (
        r"gleichzeitig|zusammen mit|kombinier|neben|zusaetzlich|anrechn|parallel|auch noch|"
        r"beides|mit (dem )?(alg|arbeitslosengeld|buergergeld|grundsicherung|kurzarbeit)|"
        r"combine|at the same time|in addition|alongside|on top of|together with|both"
    ),
    K.right: (
        r"rechtsanspruch|anspruch|ermessen|abgelehnt|ablehn|widerspruch|recht auf|"
        r"verweigern|darf (der|mein) (chef|arbeitgeber)|entitled|right to|refus|reject|appeal|deny"
    ),
    K.courses: (
        r"welche (kurse|lehrgaenge|weiterbildungen|schulungen|anbieter|traeger)|kurs finden|"
        r"anbieter|bildungstraeger|traeger|kursnet|meinnow|mein now|zugelassen|azav|"
        r"online ?kurs|fernkurs|fernstudium|which courses|provider|approved course|online course"
    ),
    K.dropout: (
        r"abbrech|abbruch|durchfall|durchgefallen|nicht bestanden|bestehe ich nicht|krank|"
        r"unterbrech|aufhoer|schaffe (ich )?(es|das) nicht|fail|drop out|quit|interrupt|sick"
    ),
    K.contact: (
        r"zustaendig|an wen|ansprechpartner|wo kann ich mich melden|wen kann ich fragen|"
        r"telefon|hotline|adresse|who (do|can) i (contact|ask)|whom|phone|address"
    ),
    K.what: r"was ist|was bedeutet|was genau|was heisst|erklaer|what is|what does|explain",
}
# stems that also end a compound ("Widerspruchsfrist", "Kurskosten", "Förderantrag")
_COMPOUND_ENDS: dict[K, str] = {
    K.deadline: r"\w+frist",
    K.amount: r"\w+(?:kosten|zuschuss|hoehe)",
    K.duration: r"\w+dauer",
    K.apply: r"\w+antrag",
    K.obligation: r"\w+pflicht",
}
_COMPILED = {
    kind: re.compile(
        rf"(?:^|\b)(?:{pattern}"
        + (f"|{_COMPOUND_ENDS[kind]}" if kind in _COMPOUND_ENDS else "")
        + ")"
    )
    for kind, pattern in _PATTERNS.items()
}


_QUESTION_START = re.compile(
    r"^(?:wie|was|wer|wen|wem|wann|wo|woher|wohin|welche[rsmn]?|warum|wieso|weshalb|"
    r"kann|koennen|muss|muessen|darf|duerfen|soll|sollte|gibt|gibts|ist|sind|bekomme|kriege|"
    r"habe|hat|haben|wird|werden|zahlt|uebernimmt|brauche|gilt|"
    r"how|what|who|whom|when|where|which|why|can|could|may|must|should|is|are|do|does|did|"
    r"will|would|am|have|has)\b"
)


def is_question(text: str) -> bool:
    """The message asks something: a question mark, or it opens with a question word or a
    verb ("Kann eine EQ angerechnet werden", "is there a bonus") — not a bare statement such
    as "in Heilbronn" or "wir sind 40 Leute"."""
    return "?" in text or bool(_QUESTION_START.match(normalize(text).strip()))


def question_kinds(text: str) -> frozenset[K]:
    """The question types a message asks about (empty when none is recognised)."""
    plain = normalize(text)
    return frozenset(kind for kind, pattern in _COMPILED.items() if pattern.search(plain))
