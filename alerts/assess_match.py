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


def first_hit(rules: Rules, cue: Cue, low: str, at: list[int]) -> Hit | None:
    """The first match of ``cue`` in ``low`` that is not negated (tried at offsets ``at``)."""
    for m in cue.finditer(low, at):
        if not negated(rules, low, m.start()):
            return Hit(cue, m.group(0), m.start())
    return None


def hits(rules: Rules, cues: tuple[Cue, ...], low: str, live: dict[str, list[int]]) -> list[Hit]:
    """Every cue that fires once or more (each counted once); ``live``: see ``Rules.live``."""
    found = (first_hit(rules, cue, low, live[cue.name]) for cue in cues if cue.name in live)
    return [h for h in found if h is not None]


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


def _past(c: CasualtyRules, low: str, at: int) -> bool:
    """True when the sentence around ``at`` is about the past ("killed in the 2002 bombings")."""
    start = max(low.rfind(". ", 0, at), low.rfind("; ", 0, at)) + 1
    end = min((i for i in (low.find(". ", at), low.find("; ", at)) if i >= 0), default=len(low))
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


__all__ = ["Figure", "Hit", "Signal", "dead", "hits", "injured", "level", "signals", "title_of"]
