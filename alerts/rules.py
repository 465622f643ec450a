"""Assessment rules: frozen, compiled records loaded from ``rules.yaml``.

``load_rules`` reads an officer's file and refuses it with every mistake named
('config/rules.yaml: categories.terrorism.cues[3]: pattern 'kill(' is not a valid regular
expression'); ``default_rules`` loads the copy that ships with the package. Patterns are
compiled once here, so ``assess`` only matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from alerts.models import Category, Signal
from alerts.rules_gate import candidates

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "rules.yaml"


@dataclass(frozen=True, slots=True)
class Cue:
    """One pattern with its weight; ``floor`` is the least severity it implies."""

    name: str  # where it comes from, e.g. "terrorism.cues[3]"
    pattern: re.Pattern[str]
    weight: float = 1.0
    floor: int | None = None
    starts: frozenset[str] | None = None  # possible first letters of a match; None: unknown
    alone: int | None = None  # the most this cue gives when it is the text's only evidence

    def finditer(self, low: str, at: list[int]) -> Iterator[re.Match[str]]:
        """Matches in text order, tried only at the offsets ``at`` (see ``Rules.live``)."""
        if self.starts is None:
            yield from self.pattern.finditer(low)
            return
        end = 0  # matches do not overlap, as with re.finditer
        for i in sorted(at):
            m = self.pattern.match(low, i) if i >= end else None
            if m is not None:
                end = max(m.end(), i + 1)
                yield m


@dataclass(frozen=True, slots=True)
class CategoryRule:
    """The cues of one category, its usual severity and the most text alone may give it."""

    category: Category
    base: int
    cap: int
    cues: tuple[Cue, ...]


@dataclass(frozen=True, slots=True)
class Modifier:
    """An escalator or dampener: adds to, raises or caps the severity when it matches."""

    name: str
    pattern: re.Pattern[str]
    add: int = 0
    floor: int | None = None
    cap: int | None = None
    categories: frozenset[Category] = frozenset()  # empty: every category but none
    title_only: bool = False
    unless_dead: bool = False  # fresh deaths in the text keep this modifier off
    requires_signal: Signal | None = None
    starts: frozenset[str] | None = None

    def search(self, text: str, positions: dict[str, list[int]]) -> re.Match[str] | None:
        """The first match, tried only where a word starts the way a match must."""
        if self.starts is None:
            return self.pattern.search(text)
        return next(
            (m for at in candidates(self.starts, positions) if (m := self.pattern.match(text, at))),
            None,
        )


@dataclass(frozen=True, slots=True)
class SignalRule:
    """Patterns that make one signal fire, and the least severity the signal implies."""

    signal: Signal
    floor: int
    cues: tuple[Cue, ...]
    unless: re.Pattern[str] | None = None  # looked for around a match: "lifted the curfew"


@dataclass(frozen=True, slots=True)
class CasualtyRules:
    """How figures of dead and injured are read, and what they imply for severity."""

    dead: tuple[Cue, ...]  # each pattern has a group "n": the figure
    injured: tuple[Cue, ...]
    history: re.Pattern[str]  # a sentence that matches this is about the past
    vague: tuple[tuple[str, int], ...]
    dead_levels: tuple[tuple[int, int], ...]  # (at least N dead, severity)
    injured_levels: tuple[tuple[int, int], ...]
    dead_levels_by_category: tuple[tuple[Category, tuple[tuple[int, int], ...]], ...] = ()

    def levels_for(self, category: Category) -> tuple[tuple[int, int], ...]:
        """Dead-count levels for a category (its own table if it has one)."""
        return next(
            (lv for c, lv in self.dead_levels_by_category if c is category), self.dead_levels
        )


@dataclass(frozen=True, slots=True)
class Structured:
    """Severity levels of authoritative feeds mapped to the 0-5 scale (keys lower-case)."""

    gdacs: tuple[tuple[str, int], ...] = ()
    cap: tuple[tuple[str, int], ...] = ()
    state_dept: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Rules:
    """Everything ``assess`` needs, compiled; built only by ``load_rules``."""

    source: str
    threshold: float
    categories: tuple[CategoryRule, ...]
    benign: tuple[Cue, ...]
    negation: re.Pattern[str]
    negation_window: int
    casualties: CasualtyRules
    escalators: tuple[Modifier, ...]
    dampeners: tuple[Modifier, ...]
    signals: tuple[SignalRule, ...]
    structured: Structured
    confident: float = 4.0  # a category scoring less starts one level under its base
    title_weight: float = 1.5  # a cue in the title counts this many times (headlines lead)
    # The cheap gate: word start -> names of cues that may match; cues that always run.
    index: Mapping[str, frozenset[str]] = field(default_factory=dict)
    always: frozenset[str] = frozenset()
    # Figures of speech ("invasion of privacy", "war on plastics"): a category cue that
    # falls inside one does not count, because the words do not describe violence.
    idioms: tuple[Cue, ...] = ()
    # In the title, keeps a lone cue's ``alone`` cap off: "leader killed in air strike".
    alone_unless: re.Pattern[str] | None = None

    def live(self, positions: dict[str, list[int]]) -> dict[str, list[int]]:
        """Cues that may match a text with these word starts -> the offsets to try.

        Cues that always run map to an empty list (they search the whole text).
        """
        out: dict[str, list[int]] = {name: [] for name in self.always}
        for start in positions.keys() & self.index.keys():
            at = positions[start]
            for name in self.index[start]:
                if name in out:
                    out[name] = out[name] + at
                else:
                    out[name] = at
        return out

    def category_rule(self, category: Category) -> CategoryRule | None:
        """The rule of one category, or None for ``none``."""
        return next((c for c in self.categories if c.category is category), None)


def load_rules(path: Path) -> Rules:
    """Read and check a rules file; raise ConfigError listing every problem found."""
    from alerts.rules_parse import parse_rules_file

    return parse_rules_file(path)


@cache
def default_rules() -> Rules:
    """The rules that ship with the package (alerts/data/rules.yaml), loaded once."""
    return load_rules(DEFAULT_PATH)
