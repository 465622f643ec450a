"""Reading figures of dead and injured: the number patterns behind ``casualties`` rules.

"killing at least 23", "more than 1,000 dead", "dozens have been killed", "six killed": a
figure (digits, English number words, vague amounts) next to a death or injury phrase that
the officer's file defines.
"""

from __future__ import annotations

import re
from typing import Any

from alerts.models import Category
from alerts.rules import CasualtyRules, Cue
from alerts.rules_check import Check, enum, level_pairs
from alerts.rules_gate import starts

# English number words, so that "six killed" and "killing twenty" are read as figures.
_WORDS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
NUMBER_WORDS = {w: i for i, w in enumerate(_WORDS, 1)} | {
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "a hundred": 100, "a thousand": 1000,
}  # fmt: skip
_QUALIFIER_WORDS = [
    "at least",
    "more than",
    "over",
    "about",
    "around",
    "nearly",
    "almost",
    "some",
    "up to",
    "an estimated",
    "approximately",
    "roughly",
    "as many as",
    "another",
    "a further",
]
_QUALIFIER = rf"(?:(?:{'|'.join(_QUALIFIER_WORDS)}) )?"
# A figure's word starts with one to three digits ("1,300" starts "1", then "300").
_DIGIT_STARTS = frozenset(str(n).zfill(k) for k in (1, 2, 3) for n in range(10**k))
_DIGITS = r"\d[\d,]*(?:\.\d+)?(?: (?:million|thousand))?"


def read_casualties(c: Check, d: dict[str, Any]) -> CasualtyRules | None:
    """The casualties section: figure patterns compiled, level tables checked."""
    at = "casualties"
    c.unknown(
        at,
        d,
        {
            "vague",
            "dead",
            "killing",
            "toll",
            "injured",
            "history",
            "dead_levels",
            "injured_levels",
            "dead_levels_by_category",
        },
    )
    vague = {
        str(k): int(c.number(f"{at}.vague.{k}", v, 0, 1e9) or 0)
        for k, v in c.mapping(f"{at}.vague", d.get("vague", {})).items()
    }
    num = _number_pattern(vague)
    parts = {k: _fragment(c, f"{at}.{k}", d.get(k)) for k in ("dead", "killing", "toll", "injured")}
    history = c.regex(f"{at}.history", d.get("history", r"\b(1[89]\d\d|20\d\d)\b"), wrap=False)
    levels = level_pairs(c, f"{at}.dead_levels", d.get("dead_levels", []))
    injured_levels = level_pairs(c, f"{at}.injured_levels", d.get("injured_levels", []))
    by_cat = []
    for name, raw in c.mapping(
        f"{at}.dead_levels_by_category", d.get("dead_levels_by_category", {})
    ).items():
        cat = enum(c, f"{at}.dead_levels_by_category.{name}", Category, name)
        if cat is not None:
            by_cat.append((cat, level_pairs(c, f"{at}.dead_levels_by_category.{name}", raw)))
    if history is None or None in parts.values():
        return None
    dead = (
        rf"\b{num} (?:(?!\d)[\w,'-]+ ){{0,4}}?{parts['dead']}\b",  # no figure in between
        rf"\b{parts['killing']}{num}\b",
        rf"\b{parts['toll']} {num}\b",
    )
    injured = (
        rf"\b{num} (?:(?!\d)[\w,'-]+ ){{0,3}}?{parts['injured']}\b",
        rf"\b(?:wound|injur|hurt)\w* {num}\b",
    )
    return CasualtyRules(
        _figure_cues("dead", dead, vague),
        _figure_cues("injured", injured, vague),
        history,
        tuple(sorted(vague.items(), key=lambda kv: -len(kv[0]))),
        levels,
        injured_levels,
        tuple(by_cat),
    )


def _figure_cues(name: str, patterns: tuple[str, ...], vague: dict[str, int]) -> tuple[Cue, ...]:
    """Cues for figure patterns; the first begins with the figure, so starts where numbers do."""
    words = [*_QUALIFIER_WORDS, *NUMBER_WORDS, *vague]
    num = frozenset(re.split(r"\W", w)[0][:3] for w in words) | _DIGIT_STARTS
    out = []
    for i, p in enumerate(patterns):
        first = num if i == 0 else starts(p)
        out.append(Cue(f"casualties.{name}[{i}]", re.compile(p), 1.0, None, first))
    return tuple(out)


def _fragment(c: Check, where: str, text: object) -> str | None:
    return text if c.regex(where, text, wrap=False) is not None and isinstance(text, str) else None


def _number_pattern(vague: dict[str, int]) -> str:
    words = sorted([*NUMBER_WORDS, *vague], key=len, reverse=True)
    return rf"{_QUALIFIER}(?P<n>{_DIGITS}|{'|'.join(re.escape(w) for w in words)})"
