"""Which half of the evaluation a source page belongs to: decided by the page, not by us.

The real-question sets are split by source page before any fact is written: a page whose
key hashes to an even number belongs to the development half (``tests/eval/dev/``), an odd
one to the held-out half (``tests/eval/heldout/``), which is collected by a separate helper
and never read while facts are written or the engine is tuned.

usage: python -m tests.eval.page_split URL [URL ...]   ->  prints "dev" or "heldout" per URL
"""

from __future__ import annotations

import hashlib
import sys
from urllib.parse import urlsplit


def page_key(url: str) -> str:
    """The page a URL names: host without ``www.``, path without trailing slash, with query,
    without scheme and fragment (``http://www.x.de/a/`` and ``https://x.de/a#b`` are one page)."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    return host + path + (f"?{parts.query}" if parts.query else "")


def half(url: str) -> str:
    digest = hashlib.sha1(page_key(url).encode()).digest()
    return "dev" if digest[0] % 2 == 0 else "heldout"


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(half(arg), arg)
