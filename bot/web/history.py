"""A conversation as the widget shows it, from Rasa's tracker events. Pure functions."""

from __future__ import annotations

from typing import Any


def _custom(event: dict[str, Any]) -> dict[str, Any] | None:
    data = event.get("data")
    custom = data.get("custom") if isinstance(data, dict) else None
    return custom if isinstance(custom, dict) else None


def widget_history(events: list[dict[str, Any]]) -> dict[str, Any]:
    """User, bot and advisor messages in order, and whether an advisor is active now.

    Button presses are shown with the button's title (the widget sends it as metadata);
    control payloads (handoff, erasure) change state but are not messages."""
    shown: list[dict[str, Any]] = []
    advisor: str | None = None
    # What a new session says (the privacy notice) is stored before the user message that
    # started the session, but the user saw it after their message: keep that order.
    session_start: list[dict[str, Any]] | None = None
    for event in events:
        kind, ts = event.get("event"), event.get("timestamp")
        messages = session_start if session_start is not None else shown
        if kind == "action" and event.get("name") == "action_session_start":
            session_start = []
            continue
        if kind == "user":
            text = str(event.get("text") or "")
            raw = event.get("metadata")
            metadata: dict[str, Any] = raw if isinstance(raw, dict) else {}
            title = metadata.get("title")
            if text.startswith("/"):  # a button payload: its title, or nothing
                text = title if isinstance(title, str) else ""
            if text:
                shown.append({"from": "user", "text": text, "ts": ts, "mid": metadata.get("mid")})
            shown.extend(session_start or [])
            session_start = None
        elif kind == "bot":
            custom = _custom(event)
            if custom is not None:
                if isinstance(custom.get("advisor"), dict):
                    messages.append(
                        {
                            "from": "advisor",
                            "text": str(custom["advisor"].get("text") or ""),
                            "name": str(custom["advisor"].get("name") or ""),
                            "ts": ts,
                        }
                    )
                elif custom.get("handoff") == "active":
                    advisor = str(custom.get("name") or "")
                elif custom.get("handoff") == "ended":
                    advisor = None
                continue
            text = str(event.get("text") or "")
            data = event.get("data") if isinstance(event.get("data"), dict) else {}
            buttons = [
                {"title": str(b.get("title")), "payload": str(b.get("payload") or b.get("title"))}
                for b in (data or {}).get("buttons") or []
                if isinstance(b, dict) and b.get("title")
            ]
            if text or buttons:
                messages.append({"from": "bot", "text": text, "buttons": buttons, "ts": ts})
    shown.extend(session_start or [])
    return {
        "messages": shown,
        "advisor_active": advisor is not None,
        "advisor_name": advisor or None,
    }
