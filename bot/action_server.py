"""Run the action server: ``python -m bot.action_server`` takes ``rasa_sdk``'s arguments.

The actions need spaCy (German lemmas for the search), and spaCy's ``thinc`` imports
TensorFlow whenever it is installed — it is, for Rasa's DIET — which costs the action server
about 400 MB of memory and 6 s of start-up for nothing. Here TensorFlow is marked as absent
before anything is imported; the action server never uses it.

The knowledge base and the answer engine's index are built before the server listens (about
15 s on a busy 2-core machine): the first question would otherwise wait for them past
Rasa's action timeout, and the health URL would say "ready" too early.
"""

from __future__ import annotations

import sys


def main() -> None:
    sys.modules["tensorflow"] = None  # type: ignore[assignment]  # thinc: "not installed"
    from rasa_sdk.__main__ import main as sdk_main

    from actions.runtime import default_engine, default_search

    default_engine()
    default_search()

    sys.argv[0] = "rasa_sdk"
    sdk_main()


if __name__ == "__main__":
    main()
