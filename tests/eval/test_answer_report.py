"""The answer report's strict reading: the first reply's text alone, no button pressed."""

from __future__ import annotations

from scripts.answer_report import Result, first_reply_ok, summarise


def result(first: list[dict], met: int) -> Result:
    q = {"id": "q1", "lang": "de", "topic": "t", "asker": "employee",
         "must_mention_any": [["drei monate", "3 monate"]]}  # fmt: skip
    return Result(q, replies=first, first=first, met=met)


def test_a_fact_only_in_a_button_title_is_not_a_first_reply_answer() -> None:
    in_text = result([{"text": "Der Gutschein gilt 3 Monate."}], met=1)
    in_button = result(
        [
            {
                "text": "Dazu weiß ich:",
                "buttons": [{"title": "Gilt er drei Monate?", "payload": "x"}],
            }
        ],
        met=1,  # the evaluator counts titles it has seen
    )
    assert first_reply_ok(in_text)
    assert not first_reply_ok(in_button)
    summary = summarise([in_text, in_button])
    assert summary["all"] == {"ok": 2, "n": 2, "pct": 100.0}
    assert summary["first_reply_text"] == {"ok": 1, "n": 2, "pct": 50.0}
    assert summary["first_reply_text_by_lang"] == {"de": {"ok": 1, "n": 2, "pct": 50.0}}
