"""Process each message once: a bounded memory of recently seen keys (oldest forgotten first).
Used by the Telegram bridge (update ids) and the widget channel (session + client message id)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable


class RecentKeys:
    def __init__(self, limit: int) -> None:
        self._seen: OrderedDict[Hashable, None] = OrderedDict()
        self._limit = limit

    def __contains__(self, key: Hashable) -> bool:
        return key in self._seen

    def first_time(self, key: Hashable) -> bool:
        """True the first time a key is offered (and remembers it), False afterwards."""
        if key in self._seen:
            return False
        self._seen[key] = None
        while len(self._seen) > self._limit:
            self._seen.popitem(last=False)
        return True
