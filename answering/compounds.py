"""German compound splitting against the index's own vocabulary.

"Weiterbildungsmaßnahme" shares nothing with "Maßnahme" as one token; split, it does. A word
is split into the fewest parts (at least two) that are each a word of the vocabulary, with
the linking elements German puts between parts ("Bildung-s-zeit", "Kosten-" …). The
vocabulary is the index's: a split only helps if its parts occur in the knowledge base, and
keeping to those words avoids splitting "Berater" into nonsense.

>>> splitter = CompoundSplitter({"weiterbildung", "massnahme", "bildung", "zeit", "kosten"})
>>> splitter.parts("weiterbildungsmassnahme")
('weiterbildung', 'massnahme')
>>> splitter.parts("bildungszeit")
('bildung', 'zeit')
>>> splitter.parts("weiterbildungsmassnahmen")
('weiterbildung', 'massnahme')
>>> splitter.parts("berater")
()
"""

from __future__ import annotations

from collections.abc import Iterable

LINKS = ("", "s", "es", "n", "en", "e", "er")
ENDINGS = ("n", "en", "s", "es", "e", "er", "ern", "nen")  # plural and case endings
SHORT_PARTS = frozenset({"amt", "rat", "bau", "tag", "zug", "weg", "art", "geld", "lohn", "kurs"})
# first parts that are particles or adjectives, not nouns: "Weiterbildung" is no "weit"
# + "Bildung", "Kurzarbeit" no "kurz" + "Arbeit" for retrieval's purposes
NO_HEADS = frozenset({
    "weit", "weiter", "fort", "kurz", "lang", "voll", "gross", "klein", "hoch", "wieder",
    "zurueck", "ueber", "unter", "nach", "gleich", "selbst", "hinter", "neben", "gegen",
})  # fmt: skip
MIN_PART = 4
MIN_WORD = 7


class CompoundSplitter:
    def __init__(self, vocabulary: Iterable[str], *, min_part: int = MIN_PART) -> None:
        self.min_part = min_part
        self.vocabulary = frozenset(
            w for w in vocabulary if w.isalpha() and (len(w) >= min_part or w in SHORT_PARTS)
        )
        self._cache: dict[str, tuple[str, ...]] = {}

    def _known(self, part: str) -> bool:
        return part in self.vocabulary and (len(part) >= self.min_part or part in SHORT_PARTS)

    def _best(self, word: str) -> tuple[str, ...] | None:
        """Fewest known parts covering ``word`` (a whole known word counts as one part)."""
        n = len(word)
        best: list[tuple[str, ...] | None] = [None] * (n + 1)
        best[0] = ()
        for end in range(1, n + 1):
            for start in range(end):
                prefix = best[start]
                if prefix is None:
                    continue
                piece = word[start:end]
                candidates = []
                if end == n:  # the last part may be inflected: "-massnahmen" -> "massnahme"
                    candidates.append(piece)
                    candidates += [
                        piece[: len(piece) - len(e)] for e in ENDINGS if piece.endswith(e)
                    ]
                else:  # an inner part may carry a linking element at its end
                    candidates += [
                        piece[: len(piece) - len(link)]
                        for link in LINKS
                        if link and piece.endswith(link)
                    ]
                    candidates.append(piece)
                for part in candidates:
                    if self._known(part):
                        option = (*prefix, part)
                        current = best[end]
                        if current is None or len(option) < len(current):
                            best[end] = option
                        break
        return best[n]

    def parts(self, word: str) -> tuple[str, ...]:
        """The parts of a compound, or () when ``word`` is not a compound of known words."""
        if len(word) < MIN_WORD or not word.isalpha():
            return ()
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        found: tuple[str, ...] = ()
        n = len(word)
        # at least two parts: try every first part, then the fewest parts for the rest
        options = []
        for cut in range(2, n - 2):
            head = word[:cut]
            heads = [
                head[: len(head) - len(link)] for link in LINKS if link and head.endswith(link)
            ]
            heads.append(head)
            head_part = next((h for h in heads if self._known(h)), None)
            if head_part is None or head_part in NO_HEADS:
                continue
            rest = self._best(word[cut:])
            if rest:
                options.append((head_part, *rest))
        if options:
            found = min(options, key=lambda parts: (len(parts), -max(len(p) for p in parts)))
        if len(self._cache) < 100_000:
            self._cache[word] = found
        return found
