"""Run locate over a labelled set and write predictions for ../shared/eval/score.py.

    python scripts/eval_locate.py ../shared/eval/dev.jsonl OUT.jsonl

Only countries and places are predicted (category "none", severity 0): the location lines
of the scorer's output are the ones that measure this stage.
"""

from __future__ import annotations

import json
import sys

from alerts.locate import locate
from alerts.models import PlaceKind


def predict(row: dict[str, object]) -> dict[str, object]:
    """One prediction line for a gold row."""
    title, summary = str(row.get("title", "")), str(row.get("summary", ""))
    loc = locate(f"{title}. {summary}" if summary else title)
    places = [
        {"name": p.name, "country": p.country, "lat": p.lat, "lon": p.lon}
        for p in loc.places
        if p.kind is not PlaceKind.COUNTRY
    ]
    return {
        "id": row["id"],
        "countries": list(loc.countries),
        "places": places,
        "category": "none",
        "severity": 0,
        "signals": [],
    }


def main(gold: str, out: str) -> None:
    """Write one prediction per line of ``gold`` to ``out``."""
    with open(gold, encoding="utf-8") as f, open(out, "w", encoding="utf-8") as g:
        for line in f:
            if line.strip():
                g.write(json.dumps(predict(json.loads(line))) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
