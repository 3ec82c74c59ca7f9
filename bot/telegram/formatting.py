"""Turn the bot's replies into Telegram messages. Pure functions, no network.

The bot writes a small Markdown subset (``**bold**``, ``[text](url)``, ``- `` lists, line
breaks). Telegram gets HTML parse mode: every piece of text is HTML-escaped first, then only
the bold and link markup we generate is added, so nothing a user (or the knowledge base)
wrote can become markup. Long replies are split at paragraph, then line boundaries.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

MAX_MESSAGE = 4096  # Telegram's limit for one text message
MAX_CALLBACK_DATA = 64  # bytes

_LINK = re.compile(r"\[([^\]\n]{1,300})\]\((https?://[^\s)]{1,2000})\)")
_BOLD = re.compile(r"\*\*([^*\n]{1,500})\*\*")
_SAFE_URL = re.compile(r"^https?://[^\s<>\"']+$")


def markdown_to_html(text: str) -> str:
    """Escape everything, then re-create links (http/https only) and bold."""
    out: list[str] = []
    pos = 0
    for m in _LINK.finditer(text):
        out.append(_bold(html.escape(text[pos : m.start()], quote=False)))
        label, url = m.group(1), m.group(2)
        if _SAFE_URL.match(url):
            out.append(
                f'<a href="{html.escape(url, quote=True)}">{html.escape(label, quote=False)}</a>'
            )
        else:
            out.append(html.escape(m.group(0), quote=False))
        pos = m.end()
    out.append(_bold(html.escape(text[pos:], quote=False)))
    return "".join(out)


def _bold(escaped: str) -> str:
    return _BOLD.sub(lambda m: f"<b>{m.group(1)}</b>", escaped)


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split at blank lines, then at line breaks, then hard; every part is <= limit."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for block in _pieces(text, limit):
        candidate = (
            f"{current}\n\n{block}" if current and not block.startswith("\n") else current + block
        )
        if current and len(candidate) > limit:
            parts.append(current)
            current = block
        else:
            current = candidate
    if current:
        parts.append(current)
    return [p.strip("\n") for p in parts if p.strip()]


def _pieces(text: str, limit: int) -> list[str]:
    pieces: list[str] = []
    for para in text.split("\n\n"):
        if len(para) <= limit:
            pieces.append(para)
            continue
        line_buf = ""
        for line in para.split("\n"):
            while len(line) > limit:  # one enormous line: cut hard
                if line_buf:
                    pieces.append(line_buf)
                    line_buf = ""
                pieces.append(line[:limit])
                line = line[limit:]
            if line_buf and len(line_buf) + 1 + len(line) > limit:
                pieces.append(line_buf)
                line_buf = line
            else:
                line_buf = f"{line_buf}\n{line}" if line_buf else line
        if line_buf:
            pieces.append(line_buf)
    return pieces


@dataclass(frozen=True)
class OutgoingMessage:
    html: str
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (title, callback data)


def button_data(payload: str) -> str:
    """Callback data must fit 64 bytes; longer payloads are sent as their intent only."""
    if len(payload.encode()) <= MAX_CALLBACK_DATA:
        return payload
    return payload.split("{", 1)[0][:MAX_CALLBACK_DATA]


def render(replies: list[dict[str, Any]]) -> list[OutgoingMessage]:
    """Rasa REST replies -> Telegram messages (HTML, split; buttons on the last part)."""
    out: list[OutgoingMessage] = []
    for reply in replies:
        text = str(reply.get("text") or "")
        buttons = [
            (
                str(b.get("title") or "")[:64],
                button_data(str(b.get("payload") or b.get("title") or "")),
            )
            for b in reply.get("buttons") or []
            if b.get("title")
        ]
        if not text and not buttons:
            continue
        # split the Markdown first, so no HTML tag is ever cut in two
        chunks = split_message(text, MAX_MESSAGE - 200) if text else [""]
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            out.append(
                OutgoingMessage(
                    html=markdown_to_html(chunk) or "…", buttons=buttons if last else []
                )
            )
    return out


ADVISOR_HEADER = {
    "de": "💬 Nachricht von {name} (persönliche Beratung):",
    "en": "💬 Message from {name} (personal advice):",
}


def advisor_messages(text: str, advisor: str, language: str = "de") -> list[str]:
    """A human advisor's message as Telegram HTML: a bold header naming the advisor, then
    their text, escaped (advisors type plain text; Telegram links bare URLs by itself)."""
    header = ADVISOR_HEADER.get(language, ADVISOR_HEADER["de"]).format(name=advisor)
    chunks = split_message(text.strip(), MAX_MESSAGE - 300)
    return [
        (f"<b>{html.escape(header, quote=False)}</b>\n" if i == 0 else "")
        + html.escape(chunk, quote=False)
        for i, chunk in enumerate(chunks)
    ]


NOTICES = {
    "handoff_active": {
        "de": "{name} (persönliche Beratung) ist jetzt im Gespräch. Der Bot pausiert, bis die Beratung das Gespräch zurückgibt.",
        "en": "{name} (personal advice) has joined the conversation. The bot is paused until the advisor hands back.",
    },
    "handoff_ended": {
        "de": "Die persönliche Beratung hat das Gespräch beendet. Der Förderlotse antwortet wieder.",
        "en": "The advisor has handed the conversation back. Förderlotse answers again.",
    },
}


def notice_message(kind: str, advisor: str, language: str = "de") -> str:
    """A system notice about the takeover, in the user's language, escaped."""
    texts = NOTICES[kind]
    return (
        "<i>"
        + html.escape(texts.get(language, texts["de"]).format(name=advisor), quote=False)
        + "</i>"
    )
