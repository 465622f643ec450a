"""Score ``assess`` on a labelled set: writes predictions, runs shared/eval/score.py.

    .venv/bin/python scripts/eval_assess.py [../shared/eval/dev.jsonl] [--errors N]

Only the category, severity, signal and alert lines are the assess stage's; places and
countries are left empty here (they belong to ``locate``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from alerts.assess import assess
from alerts.rules import default_rules

SHARED = Path(__file__).resolve().parents[2] / "shared"


def predict(gold: Path, out: Path) -> None:
    """Write one prediction line per gold item."""
    rules = default_rules()
    with gold.open(encoding="utf-8") as f, out.open("w", encoding="utf-8") as o:
        for line in f:
            row = json.loads(line)
            a = assess(f"{row['title']}. {row['summary']}", rules=rules)
            pred = {"id": row["id"], "countries": [], "places": [], "category": a.category.value,
                    "severity": a.severity, "signals": [s.value for s in a.signals]}  # fmt: skip
            o.write(json.dumps(pred) + "\n")


def main() -> None:
    """Predict and score."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", nargs="?", default=str(SHARED / "eval" / "dev.jsonl"))
    ap.add_argument("--errors", type=int, default=0)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "pred.jsonl"
        predict(Path(a.gold), pred)
        cmd = [sys.executable, str(SHARED / "eval" / "score.py"), a.gold, str(pred)]
        subprocess.run([*cmd, "--show-errors", str(a.errors)], check=True)  # noqa: S603


if __name__ == "__main__":
    main()
