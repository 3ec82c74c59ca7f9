"""Corrections become NLU training data; conversations become test stories."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from bot.console.improve import Correction, annotate, nlu_yaml, parse_entities
from bot.settings import PROJECT_ROOT
from tests.console.factories import csrf, login, make_app, seed

ENTITIES = ["program", "landkreis", "role"]


def test_annotate_and_parse() -> None:
    assert annotate("Gibt es QCG in Suhl?", [{"entity": "program", "value": "QCG"},
                                             {"entity": "landkreis", "value": "Suhl"}]) == (
        "Gibt es [QCG](program) in [Suhl](landkreis)?"
    )  # fmt: skip
    assert annotate("a [b] {c}", [{"entity": "role", "value": "fehlt"}]) == "a b c"
    assert parse_entities("program=QCG; landkreis = Suhl", ENTITIES) == [
        {"entity": "program", "value": "QCG"},
        {"entity": "landkreis", "value": "Suhl"},
    ]
    with pytest.raises(ValueError, match="not an entity of the domain"):
        parse_entities("password=x", ENTITIES)


def test_nlu_yaml_reads_back_with_rasa() -> None:
    text = nlu_yaml(
        [
            Correction(1, "s", "wie krieg ich QCG?", "ask_weiterbildung_foerderung",
                       [{"entity": "program", "value": "QCG"}]),
            Correction(2, "s", "Bildungszeit [BW]", "ask_bildungszeit", []),
            Correction(3, "s", "wie krieg ich QCG?", "ask_weiterbildung_foerderung",
                       [{"entity": "program", "value": "QCG"}]),
        ]
    )  # fmt: skip
    data = RasaYAMLReader().reads(text)
    examples = sorted((m.get("intent"), m.get("text")) for m in data.intent_examples)
    assert examples == [
        ("ask_bildungszeit", "Bildungszeit BW"),
        ("ask_weiterbildung_foerderung", "wie krieg ich QCG?"),
    ]
    assert [e["value"] for m in data.intent_examples for e in m.get("entities") or []] == ["QCG"]


def test_correct_in_the_console_then_export(tmp_path: Path) -> None:
    app, tracker, _ = make_app(tmp_path)
    seed(tracker)
    client = app.test_client()
    login(client, "anna")
    sender = "tg-conv-b-00000002"
    page = client.get(f"/console/c/{sender}").get_data(as_text=True)
    import re

    message_id = int(re.search(r'id="m(\d+)"', page).group(1))  # type: ignore[union-attr]
    token = csrf(client, f"/console/c/{sender}")
    bad = client.post(f"/console/m/{message_id}/correct",
                      data={"csrf_token": token, "intent": "ask_hacking"}, follow_redirects=True)  # fmt: skip
    assert "Unbekannter Intent" in bad.get_data(as_text=True)
    client.post(f"/console/m/{message_id}/correct",
                data={"csrf_token": token, "intent": "ask_foerder_check", "entities": ""})  # fmt: skip
    exported = client.get("/console/corrections.yml").get_data(as_text=True)
    assert exported == (
        'version: "3.1"\nnlu:\n- intent: ask_foerder_check\n  examples: |\n'
        "    - wie gehtn das mit dem dings\n"
    )
    story = client.get(f"/console/c/{sender}/story.yml").get_data(as_text=True)
    domain = Domain.load(str(PROJECT_ROOT / "domain"))
    path = tmp_path / "story.yml"
    path.write_text(story, encoding="utf-8")
    steps = YAMLStoryReader(domain).read_from_file(str(path))
    assert len(steps) == 1
    assert "intent: ask_foerder_check" in story  # the corrected intent
    assert "action: action_disambiguate" in story


@pytest.mark.integration
def test_rasa_data_validate_accepts_the_merged_export(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    (data / "nlu" / "console-corrections.yml").write_text(
        nlu_yaml([
            Correction(1, "s", "kann mir wer die Meisterschule in Suhl zahlen", "ask_aufstieg",
                       [{"entity": "landkreis", "value": "Suhl"}]),
            Correction(2, "s", "wer hilft mir beim Azubi finden", "ask_ausbildung_suche", []),
        ]),
        encoding="utf-8",
    )  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--domain", "domain",
         "--data", str(data), "--config", "config.yml", "--fail-on-warnings"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
