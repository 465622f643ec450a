"""The problem collector that reads an officer's rules file, field by field.

Each check returns the value it read (or None) and records a problem as
'file: field: what', so that every mistake in a file is reported in one run.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from alerts.models import Category, Signal

_E = TypeVar("_E", Category, Signal)


class Check:
    """Collects problems as 'file: field: what' while the file is read."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def fail(self, where: str, what: str) -> None:
        """Record one problem at ``where``."""
        self.problems.append(f"{self.source}: {where}: {what}")

    def regex(self, where: str, text: object, *, wrap: bool = True) -> re.Pattern[str] | None:
        """Compile a pattern (wrapped in word boundaries unless ``wrap`` is False)."""
        if not isinstance(text, str) or not text:
            self.fail(where, f"pattern must be a non-empty string, not {text!r}")
            return None
        try:
            alone = re.compile(text)  # first alone: the error's position is then the officer's
            compiled = re.compile(rf"\b(?:{text})\b" if wrap else text)
        except re.error as e:
            self.fail(where, f"pattern {text!r} is not a valid regular expression ({e})")
            return None
        if wrap and alone.fullmatch(""):  # it would fire on every text
            self.fail(where, f"pattern {text!r} matches empty text")
            return None
        return compiled

    def number(self, where: str, value: object, lo: float, hi: float) -> float | None:
        """A number within [lo, hi]."""
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            self.fail(where, f"must be a number from {lo:g} to {hi:g}, not {value!r}")
            return None
        return float(value)

    def level(self, where: str, value: object) -> int | None:
        """A severity 0-5."""
        n = self.number(where, value, 0, 5)
        if n is not None and n != int(n):
            self.fail(where, f"severity must be a whole number 0-5, not {value!r}")
        return None if n is None else int(n)

    def mapping(self, where: str, value: object) -> dict[str, Any]:
        """A mapping, else {} and a problem."""
        if not isinstance(value, dict):
            self.fail(where, f"must be a mapping, not {type(value).__name__}")
            return {}
        return value

    def listing(self, where: str, value: object) -> list[Any]:
        """A list, else [] and a problem."""
        if not isinstance(value, list):
            self.fail(where, f"must be a list, not {type(value).__name__}")
            return []
        return value

    def unknown(self, where: str, data: dict[str, Any], known: set[str]) -> None:
        """Report fields that the format does not know (typos)."""
        for key in sorted(set(data) - known):
            self.fail(
                f"{where}.{key}" if where else key,
                f"unknown field (known: {', '.join(sorted(known))})",
            )


def enum(c: Check, where: str, kind: type[_E], name: object) -> _E | None:
    """A category or signal by its name, else None and a problem listing the known names."""
    try:
        return kind(str(name))
    except ValueError:
        c.fail(where, f"unknown name {name!r} (known: {', '.join(k.value for k in kind)})")
        return None


def level_pairs(c: Check, where: str, raw: object) -> tuple[tuple[int, int], ...]:
    """A table of [count, severity] pairs, sorted by count."""
    out = []
    for i, pair in enumerate(c.listing(where, raw)):
        ok = isinstance(pair, list) and len(pair) == 2
        n = c.number(f"{where}[{i}][0]", pair[0], 0, 1e9) if ok else None
        lv = c.level(f"{where}[{i}][1]", pair[1]) if ok else None
        if not ok:
            c.fail(f"{where}[{i}]", f"must be a pair [count, severity], not {pair!r}")
        elif n is not None and lv is not None:
            out.append((int(n), lv))
    return tuple(sorted(out))
