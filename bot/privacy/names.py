"""Person names without a cue: gazetteers of given names and family names, and a lexicon of
ordinary German and English words to tell "Fischer" the surname from "Rentnerin" the noun.

- ``data/first_names.txt`` and ``data/surnames.txt``: common names of the people who live and
  work in the home regions (German, Turkish, Arabic, Polish, Russian, Ukrainian, Romanian,
  Balkan, Greek, Italian, Vietnamese, English …), compiled for this project.
- The lexicon: the word forms and lemmas of spaCy's German and English lookup tables
  (``spacy-lookups-data``, already installed for the lemmatizer).

A given name is a name where it is capitalised, or written in lower case where it is no
ordinary word ("lg tanja", "mein kollege ali"); the capitalised words after it that are not
ordinary words (or are known surnames) belong to it ("Olga Fischer", "Erik Lindqvist").
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path

from nlu.lookups import german_lemmas, read_table

DATA = Path(__file__).with_name("data")
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")

# given names that are also frequent words, months or abbreviations: only with a surname after
AMBIGUOUS_GIVEN = {
    "max", "mark", "will", "may", "art", "roman", "ernst", "august", "mai", "jan", "juni",
    "juli", "april", "rose", "hope", "grace", "don", "long", "van", "von", "bill", "sunny",
    "summer", "heide", "gabe", "gerade", "bella", "frei", "rosa", "fern", "paris",
    "florence", "lane", "else", "liebe", "tag", "bin", "kind", "hall", "dom",
}  # fmt: skip
# German noun endings: a capitalised word ending like this is an ordinary noun, not a name
_NOUN_ENDINGS = (
    "ung", "ungen", "heit", "keit", "schaft", "tion", "tionen", "ität", "nis", "tum", "ismus",
    "ment", "rat", "räte", "wesen", "ausweis", "kurs", "kurse", "stelle", "leitung", "leiter",
    "leiterin", "meister", "meisterin", "arbeit", "betrieb", "gesetz", "geld", "zeit", "recht",
    "programm", "förderung", "beratung", "prüfung", "agentur", "kammer", "amt", "büro",
    "nummer", "lehrgang", "schein", "zuschuss", "antrag", "vertrag", "bescheid", "ausbildung",
    "schule", "werk", "firma", "gruppe", "team", "woche", "wochen", "jahr", "jahre", "monat",
    "bereich", "abteilung", "personal", "kraft", "kräfte", "tage", "stunden", "ort", "platz",
    "wandel", "software", "technik", "industrie", "handwerk", "arbeiter", "arbeiterin",
    "angestellter", "angestellte", "beamter", "beamtin", "helfer", "helferin", "führer",
    "führerin", "techniker", "technikerin", "ingenieur", "ingenieurin", "kaufmann", "kauffrau",
    "pfleger", "pflegerin", "mechaniker", "mechanikerin", "elektriker", "elektronikerin",
    "elektroniker", "rentner", "rentnerin", "student", "studentin", "schüler", "schülerin",
    "lehrling", "fahrer", "fahrerin", "monteur", "monteurin", "erzieher", "erzieherin",
)  # fmt: skip
# nationality and language adjectives come after "I'm" and are capitalised in English
NATIONALITIES = {
    "german", "british", "english", "turkish", "polish", "russian", "ukrainian", "romanian",
    "italian", "greek", "syrian", "iraqi", "iranian", "afghan", "indian", "vietnamese",
    "bulgarian", "croatian", "serbian", "bosnian", "albanian", "kosovar", "hungarian", "czech",
    "spanish", "portuguese", "french", "american", "canadian", "australian", "african",
    "nigerian", "eritrean", "somali", "arabic", "kurdish", "moroccan", "tunisian", "egyptian",
    "deutsch", "deutsche", "deutscher", "türkisch", "polnisch", "russisch", "englisch",
    "thüringen", "thueringen", "baden-württemberg", "württemberg", "franken", "hohenlohe",
}  # fmt: skip
MONTHS_AND_DAYS = {
    "januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september",
    "oktober", "november", "dezember", "january", "february", "march", "june", "july",
    "october", "december", "montag", "dienstag", "mittwoch", "donnerstag", "freitag",
    "samstag", "sonntag", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday",
}  # fmt: skip


_PLAIN = str.maketrans({"ı": "i", "ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ð": "d"})


def key(word: str) -> str:
    """Lookup key: case-folded, without diacritics ("Lucía" = "lucia", "Aydın" = "aydin")."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().translate(_PLAIN))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


def _lines(name: str) -> list[str]:
    path = DATA / name
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _read_list(name: str) -> frozenset[str]:
    return frozenset(key(line) for line in _lines(name))


@functools.lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    return _read_list("first_names.txt")


@functools.lru_cache(maxsize=1)
def given_names_exact() -> frozenset[str]:
    """Case-folded but with their diacritics: lower-case words must match exactly ("berät"
    is a verb, not "Berat")."""
    return frozenset(line.casefold() for line in _lines("first_names.txt"))


@functools.lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    return _read_list("surnames.txt")


class WordSet:
    """Membership of about half a million words in 4 MB: a sorted array of their 64-bit hashes
    (a frozenset of the strings takes about 100 MB in every process that redacts)."""

    def __init__(self, words: Iterable[str]) -> None:
        self._hashes = array("q", sorted({hash(w) for w in words}))

    def __contains__(self, word: object) -> bool:
        h = hash(word)
        i = bisect.bisect_left(self._hashes, h)
        return i < len(self._hashes) and self._hashes[i] == h

    def __len__(self) -> int:
        return len(self._hashes)


@functools.lru_cache(maxsize=1)
def lexicon() -> tuple[WordSet, WordSet]:
    """(German word forms as written, English word forms in lower case)."""
    de = german_lemmas()
    en = read_table("en_lemma_lookup.json.gz")
    return WordSet([*de, *de.values()]), WordSet([*en, *en.values()])


def is_known_name(word: str) -> bool:
    k = key(word)
    return k in given_names() or k in surnames()


def is_ordinary_word(word: str) -> bool:
    """A German or English word, a nationality, a month, an acronym, a brand in camel case,
    a word shaped like a German noun, or a compound of such — unless it is a known name."""
    if is_known_name(word):
        return False
    if "-" in word:  # "KI-Tools", "Excel-Kurs", "Aufstiegs-BAföG"; "Karl-Heinz" is a name
        parts = [p for p in word.split("-") if p]
        return any(_ordinary_part(p) for p in parts[1:]) or _acronym(parts[0])
    return _ordinary_part(word)


def _acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def _ordinary_part(word: str) -> bool:
    if is_known_name(word):
        return False
    de, en = lexicon()
    low = word.casefold()
    if word in de or low in en or low in MONTHS_AND_DAYS or low in NATIONALITIES:
        return True
    if word.lower() in de or word.capitalize() in de:
        return True  # "Meine" at the start of a sentence; "rentnerin" written small
    if _acronym(word) or (any(c.isupper() for c in word[1:]) and "'" not in word):
        return True  # SAP, IHK; camel case: BAföG, iPhone
    return len(word) > 5 and low.endswith(_NOUN_ENDINGS)


def _surname_like(word: str, lower_ok: bool, last: bool) -> bool:
    """Can this word continue a name? ``last``: punctuation, "und"/"and" or the end follow,
    where even an ordinary word is a surname ("Grüße, Thomas Lange", "Irina Wolf, 1990")."""
    if len(word) < 2 or key(word) in AMBIGUOUS_GIVEN:
        return False
    if word[:1].isupper():
        if key(word) in surnames() or not is_ordinary_word(word):
            return True
        return last and not _acronym(word) and key(word) not in NATIONALITIES
    return lower_ok and len(word) >= 3 and not is_ordinary_word(word)


_END_OF_NAME = re.compile(r"\s*(?:$|[,.;:!?)\n(<]|\s(?:und|and|u\.|&|hier|here)\b)")


def _given(word: str) -> bool:
    k = key(word)
    if k not in given_names() or len(word) < 3 or k in MONTHS_AND_DAYS:
        return False
    if word[:1].isupper():
        return not (len(word) >= 2 and word.isupper())
    # lower case: "lg tanja", but not "will" or "berät"
    return word.casefold() in given_names_exact() and not is_ordinary_word(word)


def find_names(text: str) -> Iterator[tuple[int, int]]:
    """Character spans of person names found through the gazetteers."""
    words = list(WORD.finditer(text))
    i, last_end = 0, -1
    while i < len(words):
        word = words[i].group()
        if not _given(word):
            i += 1
            continue
        lower = word[:1].islower()
        start, end, j = words[i].start(), words[i].end(), i + 1
        while j < len(words) and j <= i + 2:  # up to two more names: "Karl Heinz Weber"
            gap = text[words[j - 1].end() : words[j].start()]
            last = bool(_END_OF_NAME.match(text, words[j].end()))
            if gap != " " or not _surname_like(words[j].group(), lower, last):
                break
            end = words[j].end()
            j += 1
        if key(word) in AMBIGUOUS_GIVEN and j == i + 1:
            i += 1  # "Max." or "im Mai": only with a surname
            continue
        # "Weber, Karl-Heinz": a surname before the given name (not the end of a name before)
        if i > 0 and text[words[i - 1].end() : start] == ", " and words[i - 1].start() > last_end:
            before = words[i - 1].group()
            if before[:1].isupper() and key(before) in surnames():
                start = words[i - 1].start()
        yield start, end
        last_end = end
        i = j
    # surnames that are no ordinary word, alone: "Öztürk meinte", "mit Kowalczyk"
    for w in words:
        word = w.group()
        k = key(word)
        if (
            word[:1].isupper()
            and len(word) >= 4
            and k in surnames()
            and k not in given_names()
            and not _is_word_anyway(word)
        ):
            yield w.start(), w.end()


def _is_word_anyway(word: str) -> bool:
    de, en = lexicon()
    low = word.casefold()
    return word in de or word.lower() in de or low in en or low in MONTHS_AND_DAYS
