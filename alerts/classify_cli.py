"""``alerts classify`` and ``alerts cluster``: the classifier over texts and JSONL files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from alerts import assess, locate
from alerts.classify import Classifier, as_json
from alerts.cluster import ClusterPolicy
from alerts.config import read_yaml
from alerts.errors import ConfigError
from alerts.replay import item_from_line, replay
from alerts.rules import Rules, default_rules, load_rules


def officer_rules(folder: Path) -> Rules:
    """The officers' rules.yaml when the folder has one, else the shipped rules."""
    path = folder / "rules.yaml"
    return load_rules(path) if path.exists() else default_rules()


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Objects from a JSON Lines file; a bad line names the file and line."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError([f"{path}:{number}: not JSON: {exc.msg}"]) from exc
            if not isinstance(value, dict):
                raise ConfigError([f"{path}:{number}: expected a JSON object"])
            yield value


def classify_jsonl(path: Path, folder: Path, out: TextIO) -> int:
    """Write one classification line per input line (the eval/score.py format)."""
    classifier = Classifier(officer_rules(folder))
    for d in read_jsonl(path):
        out.write(
            json.dumps(as_json(str(d["id"]), classifier(item_from_line(d))), ensure_ascii=False)
            + "\n"
        )
    return 0


def classify_text(text: str, folder: Path, *, explain: bool) -> str:
    """The classification of one text as JSON, or with --explain every reason as lines."""
    rules = officer_rules(folder)
    report = Classifier(rules)(item_from_line({"id": "text", "title": text, "summary": ""}))
    result = json.dumps(as_json("text", report), ensure_ascii=False, indent=2)
    if not explain:
        return result
    lines = [
        "location:",
        *("  " + x for x in locate.explain(text)),
        "assessment:",
        *("  " + x for x in assess.explain(report.assessment)),
    ]
    return "\n".join([result, *lines])


def cluster_jsonl(path: Path, folder: Path, out: TextIO) -> int:
    """Fold the file's reports in order as the service would; one line per item."""
    settings = read_yaml(folder / "alerts.yaml", [])
    policy = ClusterPolicy.from_mapping(settings.get("clustering") or {})
    for line in replay(read_jsonl(path), Classifier(officer_rules(folder)), policy):
        out.write(json.dumps(line) + "\n")
    return 0
