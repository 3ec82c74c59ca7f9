"""The knowledge base that ships with the bot: valid, big enough, sourced, consistent."""

from __future__ import annotations

from collections import Counter

import pytest

from knowledge.index import KnowledgeIndex
from knowledge.loader import LoadResult, load
from knowledge.rates import rate_for
from knowledge.schema import ProgramState, Scope
from knowledge.text import normalize


@pytest.fixture(scope="module")
def result() -> LoadResult:
    return load()


@pytest.fixture(scope="module")
def index(result: LoadResult) -> KnowledgeIndex:
    return KnowledgeIndex(result.kb)


def test_validates_without_problems(result: LoadResult) -> None:
    assert [str(p) for p in result.problems] == []


def test_minimum_coverage(result: LoadResult) -> None:
    kb = result.kb
    assert len(kb.programs) >= 30
    assert len(kb.contacts) >= 60
    scopes = Counter(p.scope for p in kb.programs.values())
    assert scopes[Scope.DE] >= 10
    assert scopes[Scope.BW] >= 2
    assert scopes[Scope.TH] >= 2
    audiences = {a.value for p in kb.programs.values() for a in p.audiences}
    assert {"employee", "employer", "apprentice", "unemployed"} <= audiences


def test_both_regions_have_districts_with_postcodes_and_an_agency(result: LoadResult) -> None:
    states = Counter(lk.state for lk in result.kb.landkreise.values())
    assert states[Scope.BW] >= 5
    assert states[Scope.TH] >= 5
    for lk in result.kb.landkreise.values():
        assert lk.postcodes, lk.id
        assert lk.contacts.get("agentur_fuer_arbeit"), lk.id  # type: ignore[call-overload]


def test_ended_programs_stay_in_with_a_date(result: LoadResult) -> None:
    ended = [p for p in result.kb.programs.values() if p.status.state == ProgramState.ended]
    assert ended
    assert all(p.status.date for p in ended)


def test_section_82_rates(result: LoadResult) -> None:
    p = result.kb.programs["weiterbildung-beschaeftigte"]
    course = {r.id: r for r in p.rates}["lehrgangskosten"]
    assert [rate_for(course, n).value for n in (1, 30, 49, 50, 499, 500)] == [
        100,
        100,
        100,
        50,
        50,
        25,
    ]


def test_shared_aliases_only_between_lander(result: LoadResult) -> None:
    """An alias may name several programs only when each belongs to a different Land
    (e.g. "Bildungsurlaub"): the user's district then decides."""
    owners: dict[str, list[str]] = {}
    for p in result.kb.programs.values():
        for alias in {normalize(a) for a in (p.name, *p.aliases)}:
            owners.setdefault(alias, []).append(p.id)
    programs = result.kb.programs
    clashes = {
        alias: ids
        for alias, ids in owners.items()
        if len(ids) > 1
        and (
            any(programs[i].scope == Scope.DE for i in ids)
            or len({programs[i].scope for i in ids}) < len(ids)
        )
    }
    assert clashes == {}


def test_every_program_is_found_by_its_name_and_aliases(index: KnowledgeIndex) -> None:
    misses = [
        (p.id, alias)
        for p in index.kb.programs.values()
        for alias in (p.name, *p.aliases)
        if p.id not in [q.id for q in index.find_programs(f"Frage zu {alias} bitte")]
    ]
    assert misses == []


@pytest.mark.parametrize(
    ("text", "landkreis"),
    [
        ("74072 Heilbronn", "sk-heilbronn"),
        ("Ich arbeite in Neckarsulm", "lk-heilbronn"),
        ("Betrieb in Künzelsau", "hohenlohekreis"),
        ("Crailsheim", "lk-schwaebisch-hall"),
        ("Wertheim", "main-tauber-kreis"),
        ("Eisenach", "wartburgkreis"),
        ("98527 Suhl", "sk-suhl"),
        ("Sonneberg", "lk-sonneberg"),
        ("Ilmenau", "ilm-kreis"),
    ],
)
def test_towns_and_postcodes_resolve(index: KnowledgeIndex, text: str, landkreis: str) -> None:
    assert [lk.id for lk in index.find_landkreise(text)][:1] == [landkreis]
