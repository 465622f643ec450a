"""Matching helpers for ``assess``: cues with negation, figures of dead and injured, signals.

Everything here works on the lower-cased text and returns the phrase that matched, so that
each decision can be explained with the words that caused it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alerts.models import Signal
from alerts.rules import CasualtyRules, Cue, Rules, SignalRule
from alerts.rules_casualties import NUMBER_WORDS
from alerts.rules_gate import candidates

_UNLESS_SPAN = 25  # characters around a signal's match where its "unless" is looked for


@dataclass(frozen=True, slots=True)
class Hit:
    """A cue that fired, with the text that fired it."""

    cue: Cue
    phrase: str
    start: int = 0  # offset in the lower-cased text


@dataclass(frozen=True, slots=True)
class Figure:
    """The largest fresh figure read for dead or injured, and the phrase it came from."""

    count: int
    phrase: str


def negated(rules: Rules, low: str, start: int) -> bool:
    """True when a negation closes the few words before ``start`` ("no injuries")."""
    window = low[max(0, start - rules.negation_window) : start]
    return rules.negation.search(window) is not None


Span = tuple[int, int]


def first_hit(
    rules: Rules, cue: Cue, low: str, at: list[int], masked: tuple[Span, ...] = ()
) -> Hit | None:
    """The first match of ``cue`` in ``low`` that is not negated (tried at offsets ``at``).

    When one match falls inside a ``masked`` span (a figure of speech), the cue does not
    fire at all: a text that says "bear attacks" means the same by "the attacks" later.
    """
    first = None
    for m in cue.finditer(low, at):
        if _inside(m, masked):
            return None
        if first is None and not negated(rules, low, m.start()):
            first = Hit(cue, m.group(0), m.start())
            if not masked:
                break
    return first


def _inside(m: re.Match[str], masked: tuple[Span, ...]) -> bool:
    return any(start < m.end() and m.start() < end for start, end in masked)


def hits(
    rules: Rules,
    cues: tuple[Cue, ...],
    low: str,
    live: dict[str, list[int]],
    masked: tuple[Span, ...] = (),
) -> list[Hit]:
    """Every cue that fires once or more (each counted once); ``live``: see ``Rules.live``;
    matches that overlap a ``masked`` span do not count."""
    found = (first_hit(rules, c, low, live[c.name], masked) for c in cues if c.name in live)
    return [h for h in found if h is not None]


def idioms(rules: Rules, low: str, live: dict[str, list[int]]) -> list[Hit]:
    """Figures of speech in the text ("war on plastics"): every match, for masking cues."""
    return [
        Hit(cue, m.group(0), m.start())
        for cue in rules.idioms
        if cue.name in live
        for m in cue.finditer(low, live[cue.name])
    ]


def number(token: str, vague: tuple[tuple[str, int], ...]) -> int:
    """A figure as written: '1,300', '2.5 million', 'six', 'dozens'."""
    token = token.strip()
    for word, value in vague:
        if token == word:
            return value
    if token in NUMBER_WORDS:
        return NUMBER_WORDS[token]
    scale = 1_000_000 if token.endswith("million") else 1000 if token.endswith("thousand") else 1
    digits = token.split(" ")[0].replace(",", "")
    try:
        return int(float(digits) * scale)
    except ValueError:
        return 0


def _largest(
    cues: tuple[Cue, ...], c: CasualtyRules, low: str, ws: dict[str, list[int]]
) -> Figure | None:
    best: Figure | None = None
    for cue in cues:
        at = [] if cue.starts is None else candidates(cue.starts, ws)
        for m in cue.finditer(low, at):
            n = number(m.group("n"), c.vague)
            if n > 0 and (best is None or n > best.count) and not _past(c, low, m.start()):
                best = Figure(n, m.group(0))
    return best


# A sentence ends at ". " or "; ", but not after an abbreviation ("Aug. 29", "St. Louis").
_END = re.compile(
    r"(?<!\b[a-z])(?<!\bst)(?<!\bmr)(?<!\bdr)(?<!\bno)(?<!\bjan)(?<!\bfeb)(?<!\bmar)(?<!\bapr)"
    r"(?<!\bjun)(?<!\bjul)(?<!\baug)(?<!\bsep)(?<!\bsept)(?<!\boct)(?<!\bnov)(?<!\bdec)\. |; "
)


def _past(c: CasualtyRules, low: str, at: int) -> bool:
    """True when the sentence around ``at`` is about the past ("killed in the 2002 bombings")."""
    start = max((m.end() - 1 for m in _END.finditer(low, 0, at)), default=0)
    after = _END.search(low, at)
    end = after.start() if after else len(low)
    return c.history.search(low, start, end) is not None


def dead(c: CasualtyRules, low: str, ws: dict[str, list[int]]) -> Figure | None:
    """The largest fresh death figure in the text, if any (``ws``: word starts)."""
    return _largest(c.dead, c, low, ws)


def injured(c: CasualtyRules, low: str, ws: dict[str, list[int]]) -> Figure | None:
    """The largest fresh figure of injured in the text, if any (``ws``: word starts)."""
    return _largest(c.injured, c, low, ws)


def level(levels: tuple[tuple[int, int], ...], count: int) -> int:
    """The severity a count reaches in a table of (at least N, severity), else 0."""
    return max((lv for n, lv in levels if count >= n), default=0)


def signal_hit(rules: Rules, rule: SignalRule, low: str, live: dict[str, list[int]]) -> Hit | None:
    """The first phrase that fires ``rule``, unless its 'unless' words sit beside it."""
    for cue in rule.cues:
        if cue.name not in live:
            continue
        for m in cue.finditer(low, live[cue.name]):
            if negated(rules, low, m.start()) or _excluded(rule, low, m):
                continue
            return Hit(cue, m.group(0), m.start())
    return None


def _excluded(rule: SignalRule, low: str, m: re.Match[str]) -> bool:
    if rule.unless is None:
        return False
    around = low[max(0, m.start() - _UNLESS_SPAN) : m.end() + _UNLESS_SPAN]
    return rule.unless.search(around) is not None


def signals(rules: Rules, low: str, live: dict[str, list[int]]) -> list[tuple[SignalRule, Hit]]:
    """Every signal that fires, in the order of the rules file."""
    found = ((rule, signal_hit(rules, rule, low, live)) for rule in rules.signals)
    return [(rule, hit) for rule, hit in found if hit is not None]


def title_of(low: str) -> str:
    """The title part of 'title. summary' (abbreviations such as 'st.' do not end it)."""
    m = re.search(r"(?<!\bst)(?<!\bmr)(?<!\b[a-z])\. ", low)
    return low[: m.start()] if m else low


__all__ = [
    "Figure", "Hit", "Signal", "Span", "dead", "hits", "idioms", "injured", "level", "signals",
    "title_of",
]  # fmt: skip
