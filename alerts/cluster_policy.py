"""ClusterPolicy: how reports become events, read from ``clustering:`` in alerts.yaml.

Durations are hours, or strings like "90m", "36h", "4d"; ``from_mapping`` names the field
of any bad value, so ``alerts check-config`` can point at it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import timedelta
from typing import Any

__all__ = ["ClusterPolicy"]


@dataclass(frozen=True)
class ClusterPolicy:
    """How reports become events; ``clustering:`` in alerts.yaml (durations in hours or "4d")."""

    window: timedelta = timedelta(hours=96)  # after last_seen, an event still takes reports
    expiry: timedelta = timedelta(hours=96)  # silence after which an event is RESOLVED
    repeat: timedelta | None = None  # REMINDER interval; None = no reminders
    severity_step: int = 1  # ESCALATED when severity rises by at least this
    min_severity: int = 1  # below this a report never notifies
    sequence: timedelta = timedelta(hours=24)  # shocks of one sequence; a new onset after is new
    fresh: timedelta = timedelta(hours=6)  # early reports of one story differ most in wording
    city_km: float = 40.0  # two places this close are one place
    region_km: float = 80.0  # between a region's centre and a place
    area_km: float = 150.0  # for natural hazards (one contiguous area)
    min_similarity: float = 0.08  # text overlap needed when only the country is shared
    onset_similarity: float = 0.3  # ... when a later report announces an incident
    fresh_similarity: float = 0.08  # ... when it announces one within ``fresh`` of the first
    far_similarity: float = 0.25  # ... when the places differ but a name is shared (manhunt)
    category_similarity: float = 0.4  # ... when the categories do not go together
    same_category_similarity: float = 0.03  # ... country-level, when the categories agree

    @classmethod
    def from_mapping(cls, d: Mapping[str, Any]) -> ClusterPolicy:
        """A policy from plain config values; ValueError names the field on bad input."""
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for name, raw in d.items():
            if name not in known:
                raise ValueError(f"{name}: unknown field (known: {', '.join(known)})")
            values[name] = _convert(name, raw, getattr(cls(), name))
        policy = cls(**values)
        if policy.window <= timedelta(0) or policy.expiry <= timedelta(0):
            raise ValueError("window/expiry: must be positive")
        return policy


def _convert(name: str, raw: Any, default: Any) -> Any:
    if name == "repeat" and raw in (None, False, 0, "off", "none"):
        return None
    if isinstance(default, timedelta) or name == "repeat":
        return _duration(name, raw)
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ValueError(f"{name}: expected a number, got {raw!r}")
    if raw < 0:
        raise ValueError(f"{name}: must not be negative, got {raw!r}")
    return int(raw) if isinstance(default, int) else float(raw)


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhd]?)\s*$")
_UNITS = {"m": 1 / 60, "h": 1.0, "d": 24.0, "": 1.0}


def _duration(name: str, raw: Any) -> timedelta:
    if isinstance(raw, timedelta):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool) and raw > 0:
        return timedelta(hours=raw)
    m = _DURATION.match(raw) if isinstance(raw, str) else None
    if m is None or float(m.group(1)) <= 0:
        raise ValueError(f"{name}: expected a positive duration in hours or like '4d', got {raw!r}")
    return timedelta(hours=float(m.group(1)) * _UNITS[m.group(2)])
