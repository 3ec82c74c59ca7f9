"""Improve the bot from what advisors see: corrected messages become Rasa NLU training data,
a conversation becomes a test story. Pure functions (plus reading the domain)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

INTERNAL_SLOTS = {
    "requested_slot",
    "session_started_metadata",
    "privacy_notice_shown",
    "feedback",
    "unclear_text",
    "erase_requested",
}
_ENTITY = re.compile(r"^[a-z_]{1,40}$")


@dataclass(frozen=True)
class Correction:
    message_id: int
    sender: str
    text: str
    intent: str
    entities: list[dict[str, str]]


def domain_names(domain_dir: Path) -> tuple[list[str], list[str]]:
    """(intents, entities) declared in the domain folder."""
    intents: set[str] = set()
    entities: set[str] = set()
    for path in sorted(domain_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("intents") or []:
            intents.add(item if isinstance(item, str) else next(iter(item)))
        for item in data.get("entities") or []:
            entities.add(item if isinstance(item, str) else next(iter(item)))
    return sorted(intents), sorted(entities)


def parse_entities(raw: str, allowed: list[str]) -> list[dict[str, str]]:
    """``entity=value; entity=value`` as typed in the console; unknown entities are refused."""
    out = []
    for part in raw.split(";"):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not _ENTITY.match(name) or name not in allowed or not value:
            raise ValueError(f"not an entity of the domain: {part.strip()!r}")
        out.append({"entity": name, "value": value})
    return out


def _plain(text: str) -> str:
    """One line, without the characters Rasa's annotation syntax uses."""
    return " ".join(re.sub(r"[\[\]{}]", " ", text).split())


def annotate(text: str, entities: list[dict[str, str]]) -> str:
    """``[value](entity)`` around the first occurrence of each value in the text; an entity
    whose value does not occur verbatim is left out."""
    plain = _plain(text)
    spans: list[tuple[int, int, str]] = []
    for e in entities:
        value = _plain(e["value"])
        start = plain.find(value) if value else -1
        if start < 0 or any(s < start + len(value) and start < end for s, end, _ in spans):
            continue
        spans.append((start, start + len(value), e["entity"]))
    out, pos = [], 0
    for start, end, entity in sorted(spans):
        out.append(plain[pos:start])
        out.append(f"[{plain[start:end]}]({entity})")
        pos = end
    out.append(plain[pos:])
    return "".join(out)


def nlu_yaml(corrections: list[Correction]) -> str:
    """All corrections as Rasa 3 NLU training data, grouped by intent."""
    by_intent: dict[str, list[str]] = {}
    for c in corrections:
        example = annotate(c.text, c.entities)
        if example.strip() and example not in by_intent.setdefault(c.intent, []):
            by_intent[c.intent].append(example)
    lines = ['version: "3.1"', "nlu:"]
    for intent in sorted(by_intent):
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        lines.extend(f"    - {example}" for example in by_intent[intent])
    return "\n".join(lines) + "\n"


def test_story(
    name: str, messages: list[dict[str, Any]], corrections: dict[int, Correction]
) -> str:
    """A conversation as a Rasa test story (user turns with intent and entities, the bot's
    actions, slots it set). Corrected intents replace the predicted ones."""
    steps: list[dict[str, Any]] = []
    for m in messages:
        if m["kind"] == "user" and m.get("intent"):
            fixed = corrections.get(m["id"])
            intent = fixed.intent if fixed else m["intent"]
            entities = fixed.entities if fixed else m.get("entities") or []
            text = str(m.get("text") or "")
            if text.startswith("/"):
                steps.append({"intent": intent})
            else:
                steps.append({"user": annotate(text, entities), "intent": intent})
        elif m["kind"] == "action" and m.get("name") not in (None, "action_session_start"):
            steps.append({"action": m["name"]})
        elif m["kind"] == "slot" and m.get("name") not in INTERNAL_SLOTS and steps:
            value = m.get("data")
            if isinstance(value, (str, int, float, bool)):
                steps.append({"slot_was_set": [{m["name"]: value}]})
    story = {"stories": [{"story": name, "steps": steps}]}
    return 'version: "3.1"\n' + yaml.safe_dump(story, allow_unicode=True, sort_keys=False)
