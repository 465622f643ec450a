"""Loading and checking rules.yaml: the shipped copy, the officer's copy, and mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from alerts.errors import ConfigError
from alerts.models import Category, Signal
from alerts.rules import DEFAULT_PATH, default_rules, load_rules
from alerts.rules_gate import starts, word_starts

ROOT = Path(__file__).resolve().parents[1]


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _shipped() -> dict[str, object]:
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _problems(tmp_path: Path, data: object) -> list[str]:
    with pytest.raises(ConfigError) as e:
        load_rules(_write(tmp_path, data))
    return e.value.problems


def test_shipped_rules_load_with_every_category_and_signal() -> None:
    rules = default_rules()
    assert {r.category for r in rules.categories} == set(Category) - {Category.NONE}
    assert {r.signal for r in rules.signals} == set(Signal)
    assert rules.structured.gdacs and rules.structured.cap and rules.structured.state_dept


def test_config_example_is_identical_to_the_shipped_copy() -> None:
    example = ROOT / "config" / "rules.yaml"
    assert example.read_bytes() == DEFAULT_PATH.read_bytes()


def test_a_bad_pattern_names_file_rule_and_reason(tmp_path: Path) -> None:
    data = _shipped()
    cues = data["categories"]["terrorism"]["cues"]  # type: ignore[index]
    cues[3] = {"pattern": "kill(", "weight": 2}
    path = _write(tmp_path, data)
    with pytest.raises(ConfigError) as e:
        load_rules(path)
    assert len(e.value.problems) == 1
    assert e.value.problems[0].startswith(
        f"{path}: categories.terrorism.cues[3]: pattern 'kill(' is not a valid regular expression"
    )


def test_every_mistake_is_reported_at_once(tmp_path: Path) -> None:
    data = _shipped()
    data["categories"]["piracy"] = {"cues": ["pirates?"]}  # type: ignore[index]
    data["signals"]["curfew"]["floor"] = 7  # type: ignore[index]
    data["escalators"].append({"name": "x", "pattern": "a", "categories": ["sport"]})  # type: ignore[attr-defined]
    data["colour"] = "red"
    problems = _problems(tmp_path, data)
    joined = "\n".join(problems)
    assert "categories.piracy: unknown name 'piracy'" in joined
    assert "signals.curfew.floor: must be a number from 0 to 5, not 7" in joined
    assert "escalators.x.categories: unknown name 'sport'" in joined
    assert "colour: unknown field" in joined
    assert len(problems) == 4


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"threshold": "high"}, "threshold: must be a number"),
        ({"casualties": {"dead_levels": [[5]]}}, "casualties.dead_levels[0]: must be a pair"),
        ({"structured": {"state_dept": {"four": 4}}}, "structured.state_dept.four: level must be"),
        ({"dampeners": [{"name": "d", "pattern": "x", "where": "body"}]}, "dampeners.d.where:"),
        ({"benign": [{"pattern": "", "weight": 1}]}, "benign[0]: pattern must be a non-empty"),
        (
            {"benign": [{"pattern": "(war)?", "weight": 1}]},
            "benign[0]: pattern '(war)?' matches empty",
        ),
        ({"figures_of_speech": ["war on (plastics"]}, "figures_of_speech[0]: pattern"),
        ({"figures_of_speech": "war on plastics"}, "figures_of_speech: must be a list"),
        ({"alone_unless_title": "killed("}, "alone_unless_title: pattern 'killed('"),
    ],
)
def test_field_mistakes_are_named(tmp_path: Path, change: dict[str, object], expected: str) -> None:
    data = _shipped()
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}  # type: ignore[dict-item]
        else:
            data[key] = value
    assert any(expected in p for p in _problems(tmp_path, data))


def test_yaml_that_does_not_parse_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("categories: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="is not valid YAML"):
        load_rules(path)


def test_starts_of_patterns_are_listed_or_unknown() -> None:
    assert starts(r"\b(?:suicide (bomb\w*|attack\w*))\b") == frozenset({"sui"})
    assert starts(r"\b(?:(full-scale )?invasion|invad\w*)\b") == frozenset({"ful", "inv"})
    assert starts(r"\b(?:al-shabaab|ai)\b") == frozenset({"al", "ai"})
    assert starts(r"\b(?:\d-\d)\b") == frozenset("0123456789")  # cut at the first non-word
    assert starts(r"\b(?:\w+ capital)\b") is None  # any word: the pattern always runs
    expected = {"al": [0], "sha": [3], "too": [11], "1": [16], "300": [18]}
    assert word_starts("al-shabaab took 1,300") == expected


def _texts(shared: Path) -> list[str]:
    lines = (shared / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [f"{r['title']}. {r['summary']}".lower() for r in map(json.loads, lines)]


def test_the_gate_never_changes_what_matches(shared_dir: Path) -> None:
    """Trying patterns only at listed word starts finds exactly what a full search finds."""
    rules = default_rules()
    cues = [*rules.benign, *(q for r in rules.categories for q in r.cues)]
    cues += [q for r in rules.signals for q in r.cues] + list(rules.idioms)
    for low in _texts(shared_dir):
        pos = word_starts(low)
        live = rules.live(pos)
        for cue in cues:
            full = [m.span() for m in cue.pattern.finditer(low)]
            gated = (
                [m.span() for m in cue.finditer(low, live[cue.name])] if cue.name in live else []
            )
            assert gated == full, (cue.name, low[:60])
        for m in (*rules.escalators, *rules.dampeners):
            hit, found = m.pattern.search(low), m.search(low, pos)
            assert (hit and hit.span()) == (found and found.span()), (m.name, low[:60])


def test_a_cue_alone_cap_is_a_severity(tmp_path: Path) -> None:
    data = _shipped()
    cues = data["categories"]["armed_conflict"]["cues"]  # type: ignore[index]
    cues[0] = {**cues[0], "alone": 7}
    cues[1] = {**cues[1], "lone": 2}
    joined = "\n".join(_problems(tmp_path, data))
    assert "categories.armed_conflict.cues[0].alone: must be a number from 0 to 5, not 7" in joined
    assert "categories.armed_conflict.cues[1].lone: unknown field" in joined


def test_shipped_rules_have_figures_of_speech_and_lone_caps() -> None:
    rules = default_rules()
    assert rules.idioms and rules.alone_unless is not None
    war = next(
        q
        for r in rules.categories
        for q in r.cues
        if q.pattern.pattern == r"\b(?:war|warring|wartime)\b"
    )
    assert war.alone == 2
