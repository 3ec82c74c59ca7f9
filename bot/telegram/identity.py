"""Pseudonymous sender ids: Rasa and the transcripts never see a Telegram user id."""

from __future__ import annotations

import hashlib
import hmac


def pseudonym(user_id: int, key: bytes) -> str:
    """Keyed hash of the Telegram user id (the key comes from the environment)."""
    if not key:
        raise ValueError("a pseudonymisation key is required")
    digest = hmac.new(key, str(user_id).encode(), hashlib.sha256).hexdigest()
    return f"tg-{digest[:24]}"
