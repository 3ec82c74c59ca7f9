"""The loader/validator reports each broken entry with file, id and a clear message."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from knowledge.__main__ import main as cli
from knowledge.loader import KnowledgeError, load, load_or_raise
from tests.factories import (
    agentur_data,
    contact_data,
    fact_data,
    landkreis_data,
    program_data,
    write_kb,
)

TODAY = dt.date(2026, 11, 21)


def problems_for(root: Path, **kwargs: object) -> list[tuple[str, str, str]]:
    result = load(write_kb(root, **kwargs), today=lambda: TODAY)  # type: ignore[arg-type]
    return [(p.file, p.entry, p.message) for p in result.problems]


def test_valid_knowledge_base_has_no_problems_and_counts(tmp_path: Path) -> None:
    result = load(write_kb(tmp_path), today=lambda: TODAY)
    assert result.problems == []
    assert result.kb.counts() == {"programs": 1, "contacts": 2, "landkreise": 1, "events": 0}
    assert result.kb.programs["test-programm"].rates[0].by_company_size[1].value == 50


def test_missing_field_names_file_entry_and_field(tmp_path: Path) -> None:
    data = program_data()
    del data["summary"]
    found = problems_for(tmp_path, programs=[data])
    assert found == [
        (f"{tmp_path.name}/programs/test.yml", "test-programm", "summary: field required")
    ]


def test_bad_url_is_reported(tmp_path: Path) -> None:
    bad = program_data(sources=[{"url": "not a url", "title": "Quelle X"}])
    (file, entry, message) = problems_for(tmp_path, programs=[bad])[0]
    assert (file.endswith("programs/test.yml"), entry) == (True, "test-programm")
    assert message.startswith("sources.0.url: invalid or missing URL scheme")


def test_duplicate_id_across_kinds_is_reported(tmp_path: Path) -> None:
    found = problems_for(tmp_path, programs=[program_data(id="test-hotline")])
    assert any(
        entry == "test-hotline" and message.startswith("duplicate id (first defined in")
        for _, entry, message in found
    )


def test_dangling_contact_reference(tmp_path: Path) -> None:
    found = problems_for(tmp_path, programs=[program_data(contacts=["gibt-es-nicht"])])
    assert [(e, m) for _, e, m in found] == [("test-programm", "unknown contact 'gibt-es-nicht'")]


def test_dangling_landkreis_and_contact_kind(tmp_path: Path) -> None:
    found = problems_for(
        tmp_path,
        programs=[program_data(contact_kinds=["zauberer"])],
        contacts=[contact_data(), agentur_data(landkreise=["lk-fehlt"])],
    )
    assert sorted(m for _, _, m in found) == [
        "unknown contact kind 'zauberer'",
        "unknown landkreis 'lk-fehlt'",
    ]


def test_review_date_passed(tmp_path: Path) -> None:
    found = problems_for(tmp_path, programs=[program_data(review_by="2026-11-20")])
    assert [(e, m) for _, e, m in found] == [("test-programm", "review date 2026-11-20 has passed")]


def test_overdue_review_only_warns_at_run_time(tmp_path: Path) -> None:
    root = write_kb(tmp_path, programs=[program_data(review_by="2026-11-20")])
    kb = load_or_raise(root, today=lambda: TODAY)
    assert list(kb.programs) == ["test-programm"]


def test_invalid_data_is_fatal_at_run_time(tmp_path: Path) -> None:
    root = write_kb(tmp_path, programs=[program_data(contacts=["fehlt"])])
    with pytest.raises(KnowledgeError, match="unknown contact 'fehlt'"):
        load_or_raise(root, today=lambda: TODAY)


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ([{"min_employees": 1, "value": 5}], "band 0 starts at 1, expected 0"),
        (
            [
                {"min_employees": 0, "max_employees": 9, "value": 5},
                {"min_employees": 11, "value": 1},
            ],
            "band 1 starts at 11, expected 10",
        ),
        (
            [{"min_employees": 0, "max_employees": 9, "value": 5}],
            "the last band must be open-ended",
        ),
    ],
)
def test_rate_bands_must_be_contiguous(tmp_path: Path, bands: list[dict], message: str) -> None:
    rates = [{"id": "r", "label": "Rate", "unit": "percent", "by_company_size": bands}]
    found = problems_for(tmp_path, programs=[program_data(rates=rates)])
    assert len(found) == 1
    assert message in found[0][2]


def test_ended_status_needs_a_date(tmp_path: Path) -> None:
    found = problems_for(tmp_path, programs=[program_data(status={"state": "ended"})])
    assert "status: status ended needs a date" in found[0][2]


def test_contact_needs_a_way_to_reach_it(tmp_path: Path) -> None:
    unreachable = contact_data(phone=None, web=None)
    found = problems_for(tmp_path, contacts=[unreachable, agentur_data()])
    assert found[0][1:] == ("test-hotline", "a contact needs at least one of phone, email, web")


def test_bad_postcode_in_landkreis(tmp_path: Path) -> None:
    found = problems_for(tmp_path, landkreise=[landkreis_data(postcodes=["7400"])])
    assert "postcode '7400' is not five digits" in found[0][2]


def test_unreadable_yaml_and_wrong_shape(tmp_path: Path) -> None:
    write_kb(tmp_path)
    (tmp_path / "programs" / "broken.yml").write_text("programs: [unclosed", encoding="utf-8")
    (tmp_path / "events" / "shape.yml").write_text("events: {a: 1}", encoding="utf-8")
    found = problems_for(tmp_path)  # rewrites test.yml, keeps the extra files
    messages = {(f.split("/")[-1], m.split(":")[0]) for f, _, m in found}
    assert ("broken.yml", "not readable as YAML") in messages
    assert ("shape.yml", "expected a mapping with a list under 'events'") in messages


def test_cli_reports_errors_and_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_kb(tmp_path, programs=[program_data(contacts=["fehlt"])])
    code = cli(["validate", "--root", str(tmp_path), "--today", "2026-11-21"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"ERROR {tmp_path.name}/programs/test.yml: test-programm: unknown contact 'fehlt'" in out
    assert "1 programs, 2 contacts, 1 landkreise, 0 events" in out


def test_cli_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_kb(tmp_path)
    assert cli(["validate", "--root", str(tmp_path), "--today", "2026-11-21"]) == 0
    assert capsys.readouterr().out.strip().endswith("ok")


def test_duplicate_yaml_key_is_reported(tmp_path: Path) -> None:
    write_kb(tmp_path)
    (tmp_path / "events" / "dup.yml").write_text(
        "events:\n  - id: a\n    title: x\n    title: y\n", encoding="utf-8"
    )
    found = problems_for(tmp_path)
    assert any(f.endswith("dup.yml") and "duplicate key 'title'" in m for f, _, m in found)


# --- question-level facts and synonyms ------------------------------------------------------


def fact_problems(root: Path, *facts: dict, **kwargs: object) -> list[tuple[str, str]]:
    return [(e, m) for _, e, m in problems_for(root, facts=list(facts), **kwargs)]


def test_valid_fact_is_loaded_and_counted(tmp_path: Path) -> None:
    result = load(write_kb(tmp_path, facts=[fact_data()]), today=lambda: TODAY)
    assert result.problems == []
    assert result.kb.counts()["facts"] == 1
    assert [f.id for f in result.kb.facts_about("test-programm")] == ["test-fact"]


def test_fact_figure_missing_from_source_text(tmp_path: Path) -> None:
    fact = fact_data(answer="Die Förderung gilt sechs Monate, höchstens 2.000 €.")
    assert fact_problems(tmp_path, fact) == [
        ("test-fact", "answer: figure(s) 2000, 6 not in source_text")
    ]


def test_fact_figure_lines_and_english_are_checked_too(tmp_path: Path) -> None:
    fact = fact_data(
        answer_en="Valid for four months.", figures=["Dauer: 3 Monate"], figures_en=["12 weeks"]
    )
    assert fact_problems(tmp_path, fact) == [
        ("test-fact", "answer_en: figure(s) 4 not in source_text"),
        ("test-fact", "figures: 12 not in source_text"),
    ]


def test_fact_about_unknown_entry(tmp_path: Path) -> None:
    assert fact_problems(tmp_path, fact_data(about="gibt-es-nicht")) == [
        ("test-fact", "unknown program or topic 'gibt-es-nicht'")
    ]


def test_fact_needs_english_and_enough_phrasings(tmp_path: Path) -> None:
    fact = fact_data(questions=["Wie lange?", "Gilt das?"])
    del fact["answer_en"]
    ((entry, message),) = fact_problems(tmp_path, fact)
    assert entry == "test-fact"
    assert "answer_en: field required" in message
    assert "questions: ensure this value has at least 3 items" in message


def test_phrasing_shared_by_two_facts(tmp_path: Path) -> None:
    other = fact_data(
        id="other-fact",
        questions=["Wie lange gilt die Testförderung?", "a b c d", "e f g h"],
        questions_en=["Another one?"],
    )
    assert fact_problems(tmp_path, fact_data(), other) == [
        (
            "other-fact",
            "phrasing 'Wie lange gilt die Testförderung?' is also a phrasing of 'test-fact'",
        )
    ]


def test_fact_figures_need_one_english_line_each(tmp_path: Path) -> None:
    fact = fact_data(figures=["Dauer: 3 Monate"], figures_en=[])
    ((_entry, message),) = fact_problems(tmp_path, fact)
    assert message == "figures_en needs one line for each line of figures"


def test_fact_review_date_passed_is_overdue(tmp_path: Path) -> None:
    fact = fact_data(stand="2025-01-01", review_by="2026-01-01")
    result = load(write_kb(tmp_path, facts=[fact]), today=lambda: TODAY)
    assert [(p.entry, p.overdue) for p in result.problems] == [("test-fact", True)]


def test_synonym_term_in_two_groups(tmp_path: Path) -> None:
    found = problems_for(tmp_path, synonyms=[["kurs", "lehrgang"], ["schulung", "Lehrgang"], ["x"]])
    assert [(e, m) for _, e, m in found] == [
        ("#1", "term 'Lehrgang' is also in group #0"),
        ("#2", "terms: ensure this value has at least 2 items"),
    ]


def test_synonym_group_starts_with_one_word(tmp_path: Path) -> None:
    found = problems_for(tmp_path, synonyms=[["agentur für arbeit", "arbeitsamt"]])
    assert [(e, m) for _, e, m in found] == [("#0", "the first term of a group is one word")]
