"""The parts of a message that asks two things at once.

People often ask two questions in one message: "Gibt es beim Meister-BAföG eine
Altersgrenze, und was muss ich mitbringen?", "How long is the visa issued for, and can I
come first to look for a place?". One fact rarely answers both; each part is ranked on its
own (``answering.engine``) and the reply answers both parts.

A message is cut where a second question starts: after a question mark followed by more
words, or at ``und`` / ``and`` / ``oder`` / ``or`` / a dash / a semicolon followed by a
question word. Each part keeps at least three words, and a part that asks nothing ("Die
Firma schließt – was tun?") stays with the question after it: it is that question's context.

>>> question_parts("Gibt es beim Meister-BAföG eine Altersgrenze, und was muss ich mitbringen?")
['Gibt es beim Meister-BAföG eine Altersgrenze', 'was muss ich mitbringen?']
>>> question_parts("Who can apply for short-time allowance? Do I have to apply myself?")
['Who can apply for short-time allowance?', 'Do I have to apply myself?']
>>> question_parts("Die Agentur hat meine Weiterbildung abgelehnt – wie lange habe ich Zeit?")
['Die Agentur hat meine Weiterbildung abgelehnt – wie lange habe ich Zeit?']
>>> question_parts("Wie lange dauert ein INQA-Coaching insgesamt?")
['Wie lange dauert ein INQA-Coaching insgesamt?']
"""

from __future__ import annotations

import re

from answering.question_type import is_question

_QUESTION_WORDS = (
    r"wie|was|wer|wen|wem|wann|wo|wohin|woher|warum|wieso|welche[rsmn]?|muss|müssen|"
    r"kann|können|darf|dürfen|gibt|bekomme|bekommen|kriege|zahlt|zählt|gilt|ist|sind|habe|"
    r"hat|werde|wird|soll|brauche|"
    r"how|what|who|whom|when|where|why|which|do|does|did|can|could|must|may|is|are|will|"
    r"should|would|have|has"
)
_CUT = re.compile(
    r"(?<=\?)\s+(?=\S)"  # another sentence after a question mark
    r"|\s*(?:[,;]\s*|\s[–—-]\s*)?\b(?:und|oder|and|or)\s+(?=(?:" + _QUESTION_WORDS + r")\b)"
    r"|\s*(?:;|\s[–—-])\s*(?=(?:" + _QUESTION_WORDS + r")\b)",
    re.IGNORECASE,
)
MIN_WORDS = 3


def question_parts(text: str, limit: int = 3) -> list[str]:
    """The message's questions, in order (the whole message when it asks one thing)."""
    pieces = [p.strip(" ,;–—-") for p in _CUT.split(text.strip())]
    parts: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        if parts and len(piece.split()) < MIN_WORDS:
            parts[-1] = f"{parts[-1]} {piece}"  # too short to stand alone: with the one before
        else:
            parts.append(piece)
    if len(parts) > 1 and len(parts[0].split()) < MIN_WORDS:
        parts[:2] = [f"{parts[0]} {parts[1]}"]
    asked: list[str] = []
    context = ""
    for part in parts:  # a statement is the context of the question after it
        if is_question(part):
            asked.append(f"{context} {part}".strip())
            context = ""
        else:
            context = f"{context} {part}".strip()
    if context and asked:
        asked[-1] = f"{asked[-1]} {context}"
    return asked[:limit] if len(asked) > 1 else [text.strip()]
