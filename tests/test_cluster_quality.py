"""Clustering quality on shared/eval/clusters-dev.jsonl, and the mail count per event.

The targets of the issue are pairwise precision >= 0.95, recall >= 0.90 and B-cubed F1 >=
0.93. The floors below are the level reached with the classifier of the day, less a margin;
raise them as locate and assess improve (the remaining errors follow reports with no place
and little shared text, or a category the classifier got wrong).
"""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from alerts.classify import Classifier
from alerts.cluster import ClusterPolicy
from alerts.models import ChangeReason
from alerts.replay import replay_changes
from alerts.rules import default_rules

MAILS = {ChangeReason.NEW, ChangeReason.ESCALATED, ChangeReason.UPDATED, ChangeReason.RESOLVED}


def _scorer(shared: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "score_clusters", shared / "eval" / "score_clusters.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def dev(shared_dir: Path) -> list[dict[str, Any]]:
    path = shared_dir / "eval" / "clusters-dev.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module")
def folded(dev: list[dict[str, Any]]) -> list[Any]:
    return list(replay_changes(dev, Classifier(default_rules()), ClusterPolicy()))


def test_clusters_score(shared_dir: Path, dev: list[dict[str, Any]], folded: list[Any]) -> None:
    scorer = _scorer(shared_dir)
    gold = {d["id"]: d["cluster"] for d in dev}
    pred = {item_id: change.event.id for item_id, change, _ in folded}
    result = scorer.score(gold, scorer.complete_prediction(gold, pred))
    pairwise, bcubed = result["pairwise"], result["bcubed"]
    print(
        f"pairwise P={pairwise['precision']:.3f} R={pairwise['recall']:.3f}; "
        f"B-cubed F1={bcubed['f1']:.3f}; clusters {result['pred_clusters']}"
    )
    # Reached on 23 Nov 2026 (P 0.968, R 0.901, B-cubed F1 0.955), less a margin for
    # classifier changes under way; the targets are 0.95 / 0.90 / 0.93.
    assert pairwise["precision"] >= 0.94
    assert pairwise["recall"] >= 0.87
    assert bcubed["f1"] >= 0.93


def test_mails_per_event_equal_notifying_changes(folded: list[Any]) -> None:
    """A person in the affected place gets one mail per NEW/ESCALATED/UPDATED/RESOLVED change
    of the event: exactly the revisions the event reached, and never a mail for NONE."""
    mails: Counter[str] = Counter()
    last: dict[str, int] = {}
    for _, change, expired in folded:
        for c in [*expired, change]:
            assert c.reason is not ChangeReason.REMINDER  # reminders are off by default
            if c.reason in MAILS:
                mails[c.event.id] += 1
            last[c.event.id] = c.event.revision
    assert mails and all(mails[e] == last[e] for e in last)
    firsts = Counter(c.event.id for _, c, _ in folded if c.reason is ChangeReason.NEW)
    assert all(n == 1 for n in firsts.values())  # one advisory per incident, then updates
