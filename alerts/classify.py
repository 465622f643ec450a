"""Locate and assess one item: the two classification stages as one call."""

from __future__ import annotations

from typing import Any

from alerts.assess import assess
from alerts.locate import locate
from alerts.models import Item, Report
from alerts.rules import Rules


class Classifier:
    """Turns an item into a Report with the officer's rules; no IO, no clock."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules

    def __call__(self, item: Item) -> Report:
        location = locate(item.text, hints=item.hints, region=item.region)
        assessment = assess(item.text, rules=self.rules, hints=item.hints, location=location)
        return Report(item, location, assessment)


def as_json(item_id: str, report: Report) -> dict[str, Any]:
    """The ``alerts classify --jsonl`` line for a report (the eval/score.py format)."""
    loc, a = report.location, report.assessment
    return {
        "id": item_id,
        "countries": list(loc.countries),
        "places": [
            {
                "name": p.name,
                "country": p.country,
                "lat": round(p.lat, 4),
                "lon": round(p.lon, 4),
                "kind": p.kind.value,
                "span": list(p.span) if p.span else None,
            }
            for p in loc.places
        ],
        "category": a.category.value,
        "severity": a.severity,
        "signals": [s.value for s in a.signals],
    }
