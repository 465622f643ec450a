"""The assess stage: tables of texts (our own wording), reasons, structured levels, quality."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from alerts.assess import assess, explain
from alerts.models import Assessment, Category, Hints, Signal
from alerts.rules import default_rules

RULES = default_rules()


def _a(text: str, hints: Hints | None = None) -> Assessment:
    return assess(text, rules=RULES, hints=hints)


@pytest.mark.parametrize(
    ("text", "category", "low", "high"),
    [
        ("Suicide bomber kills 31 at market in Maiduguri. Islamist militants claimed the bombing.",
         Category.TERRORISM, 4, 5),
        ("Rebels shell the outskirts of Bukavu. Artillery and drone strikes hit army positions as "
         "fighting spread; dozens of soldiers were killed.", Category.ARMED_CONFLICT, 4, 5),
        ("Police fire tear gas at protesters in Dakar. Thousands rallied against the postponed "
         "vote; roads were blocked with burning tyres.", Category.CIVIL_UNREST, 2, 3),
        ("Gunmen kidnap two aid workers in Mopti. The foreigners were seized near Sevare.",
         Category.KIDNAPPING, 3, 4),
        ("Soldiers seize power in Conakry, dissolve government. The junta closed the borders.",
         Category.POLITICAL, 4, 5),
        ("Magnitude 6.1 earthquake shakes Peru's coast. Some houses were damaged in Arequipa.",
         Category.NATURAL_DISASTER, 2, 3),
        ("Cholera outbreak spreads in Lusaka. Authorities reported 40 deaths and closed schools.",
         Category.HEALTH, 3, 4),
        ("Ferry capsizes on Lake Kivu. Rescuers searched for passengers after the vessel sank.",
         Category.TRANSPORT, 2, 3),
        ("Nationwide blackout hits Ecuador after grid failure. Electricity was cut for hours.",
         Category.INFRASTRUCTURE, 2, 3),
        ("Ransomware attack cripples hospital systems in Lyon. Staff returned to paper records.",
         Category.CYBER, 2, 3),
        ("UK raises travel advisory for Lebanon to 'do not travel'. The Foreign Office urged "
         "nationals to leave.", Category.ADVISORY, 3, 4),
    ],
)  # fmt: skip
def test_categories_and_severity(text: str, category: Category, low: int, high: int) -> None:
    a = _a(text)
    assert a.category is category, explain(a)
    assert low <= a.severity <= high, explain(a)


@pytest.mark.parametrize(
    "text",
    [
        "Rovers attack runs riot in 4-0 derby win. The striker scored twice at the stadium.",
        "Shares crash as investors flee tech stocks. The index fell 6% on Wall Street.",
        "Thriller about a hostage siege tops the box office. The film, starring two newcomers, "
        "opened this weekend.",
        "City marks 25 years since the embassy bombing. Survivors laid wreaths at the memorial; "
        "212 people were killed in the 1998 attack.",
        "Storm of criticism over new logo. The rebrand drew complaints from advertisers.",
    ],
)
def test_hard_negatives_are_none(text: str) -> None:
    a = _a(text)
    assert (a.category, a.severity) == (Category.NONE, 0), explain(a)


def test_negated_cue_does_not_fire() -> None:
    a = _a("Knife attack at a station in Hamburg wounds three. Police said there was no "
           "indication of terrorism.")  # fmt: skip
    assert a.category is Category.CRIME, explain(a)
    assert not any(r.name == "terrorism" and r.phrase.startswith("terror") for r in a.reasons)


def test_casualty_figures_raise_severity() -> None:
    few = _a("Gunmen attack a village in Zamfara. Two people were killed.")
    many = _a("Gunmen attack a village in Zamfara, killing at least 23 people.")
    scores = _a("Bomb attack on a bus kills scores in Quetta.")
    assert few.severity < many.severity <= scores.severity == 5
    assert any(r.name == "casualties:dead" and "at least 23" in r.phrase for r in many.reasons)


def test_resolution_in_the_title_is_minimal() -> None:
    a = _a("Airport in Port Moresby reopens after riots. Flights resumed on Friday morning.")
    assert a.severity == 1
    assert Signal.AIRPORT_REOPENED in a.signals


def test_lifted_restrictions_are_all_clear_not_curfew() -> None:
    a = _a("Authorities lift curfew in Dushanbe. The curfew ended at dawn and shops reopened.")
    assert Signal.ALL_CLEAR in a.signals and Signal.CURFEW not in a.signals
    assert a.severity <= 1


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("The airport was closed and flights diverted.", Signal.AIRPORT_CLOSED),
        ("Officials imposed a dusk-to-dawn curfew.", Signal.CURFEW),
        ("Residents were told to stay indoors.", Signal.LIMIT_MOVEMENT),
        ("Air-raid sirens sent people into shelters.", Signal.SHELTER_IN_PLACE),
        ("Police urged the public to avoid the area.", Signal.AVOID_AREA),
        ("Thousands were evacuated from the coast.", Signal.EVACUATION),
        ("The government closed the border with Benin.", Signal.BORDER_CLOSED),
        ("Protesters blocked roads into the city.", Signal.ROADS_BLOCKED),
        ("Rail services were suspended nationwide.", Signal.TRANSPORT_SUSPENDED),
        ("Authorities cut mobile internet in the region.", Signal.COMMS_OUTAGE),
        ("The president declared a state of emergency.", Signal.STATE_OF_EMERGENCY),
        ("Flights resumed at the airport on Monday.", Signal.AIRPORT_REOPENED),
    ],
)
def test_signals_name_their_phrase(text: str, signal: Signal) -> None:
    a = _a(f"Riots in the capital. {text}")
    assert signal in a.signals, explain(a)
    rule = next(r for r in a.reasons if r.name == f"signal:{signal.value}")
    assert rule.phrase and rule.phrase in text.lower()


def test_structured_level_wins_when_stronger_and_says_so() -> None:
    text = "Tropical cyclone approaches the coast. Winds are expected to strengthen."
    plain = _a(text)
    red = _a(text, Hints(gdacs_alert_level="Red"))
    assert plain.severity < red.severity == 4
    assert any(r.name == "structured:gdacs" and "wins" in r.phrase for r in red.reasons)


def test_text_wins_when_stronger_than_the_structured_level() -> None:
    text = "Earthquake kills more than 300 in Herat. Villages were flattened."
    a = _a(text, Hints(gdacs_alert_level="Green"))
    assert a.severity == 5
    assert any(r.name == "structured:gdacs" and "text is stronger" in r.phrase for r in a.reasons)


@pytest.mark.parametrize(
    ("hints", "category", "severity"),
    [
        (Hints(cap_severity="Extreme"), Category.NATURAL_DISASTER, 4),
        (Hints(cap_severity="Minor"), Category.NATURAL_DISASTER, 1),
        (Hints(state_dept_level=4), Category.ADVISORY, 4),
        (Hints(state_dept_level=1), Category.ADVISORY, 1),
    ],
)
def test_structured_levels_alone(hints: Hints, category: Category, severity: int) -> None:
    a = _a("Notice for the area. See the official page for details.", hints)
    assert (a.category, a.severity) == (category, severity)


def test_explain_lists_the_decision_and_each_rule() -> None:
    a = _a("Suicide bomber kills 12 at Kabul checkpoint. The airport was closed.")
    lines = explain(a)
    assert lines[0].startswith(f"{a.category.value} severity {a.severity}")
    assert "terrorism +6.0 'suicide bomber'" in lines  # weight 4, x1.5 in the title
    assert any(line.startswith("signal:airport_closed") for line in lines)


def _scorer(shared: Path) -> Any:
    spec = importlib.util.spec_from_file_location("score", shared / "eval" / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quality_on_the_dev_set(shared_dir: Path) -> None:
    score = _scorer(shared_dir)
    gold = score.load(str(shared_dir / "eval" / "dev.jsonl"))
    pred = {}
    for key, row in gold.items():
        a = _a(f"{row['title']}. {row['summary']}")
        pred[key] = {"id": key, "category": a.category.value, "severity": a.severity,
                     "signals": [s.value for s in a.signals]}  # fmt: skip
    result, _ = score.score(gold, pred)
    print(json.dumps(result))
    assert result["alert(sev>=3)"]["f1"] >= 0.90
    assert result["severity"]["within1"] >= 0.85
    assert result["category_accuracy(sev>=2)"] >= 0.80
    assert result["signals"]["f1"] >= 0.80
    assert result["critical_misses(gold>=4,pred<=2)"] == 0
    assert result["false_alarms(gold<=1,pred>=3)"] <= 2
