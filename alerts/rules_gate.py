"""Cheap gates for patterns: the first letters a match can have.

Running some 200 regular expressions over every item is too slow (a few ms); most of them
cannot match because no word of the text starts the way they do. ``starts`` works out, once
at load time, the possible first three characters of a pattern's match; ``word_starts``
lists those of a text's words; a pattern runs only when the two meet. Patterns whose start
cannot be listed (``\\w+``, too many variants) get ``None``: they always run.
"""

from __future__ import annotations

import importlib
import re
from collections import defaultdict
from typing import Any

# re's own parser (no public equivalent); on any surprise the pattern simply always runs.
_parser: Any = importlib.import_module("re._parser")

_K = 3  # length of a start
_BUDGET = 2500  # most starts listed for one pattern (three digits: 1,000) before giving up
_WORD_START = re.compile(rf"\b\w{{1,{_K}}}")
_NON_WORD = re.compile(r"\W")


class _Unlistable(Exception):
    """The starts of this pattern cannot be listed cheaply."""


def starts(pattern: str) -> frozenset[str] | None:
    """The possible first ``_K`` characters of a match, or None when they cannot be listed."""
    try:
        nodes = list(_parser.parse(pattern))
        out: set[str] = set()
        _expand(nodes, "", out, 0)
    except (_Unlistable, RecursionError, re.error, TypeError, ValueError):
        return None
    if any(not s[:1].isalnum() for s in out):  # a match starting at a word's end: rare
        return None
    return frozenset(_NON_WORD.split(s, maxsplit=1)[0] for s in out)


def word_starts(low: str) -> dict[str, list[int]]:
    """The first (up to) three word characters of each word of ``low``, with the offsets.

    A pattern's start is cut the same way at its first non-word character ("al-shabaab"
    starts "al"), so a match can only begin at an offset listed under one of its starts.
    """
    out: defaultdict[str, list[int]] = defaultdict(list)  # faster than setdefault here
    for m in _WORD_START.finditer(low):
        out[m.group()].append(m.start())
    return out


def candidates(starts: frozenset[str], positions: dict[str, list[int]]) -> list[int]:
    """Offsets where a pattern with these starts may match, in text order."""
    if len(starts) <= len(positions):
        found = [p for s in starts if s in positions for p in positions[s]]
    else:  # a large set of starts (every 1-3 digit number): walk the text's words instead
        found = [p for s, ps in positions.items() if s in starts for p in ps]
    found.sort()
    return found


def _expand(nodes: list[Any], prefix: str, out: set[str], depth: int) -> None:
    if len(prefix) >= _K or not nodes:
        out.add(prefix)
        if len(out) > _BUDGET:
            raise _Unlistable
        return
    if depth > 60:
        raise _Unlistable
    op, arg = nodes[0]
    rest = nodes[1:]
    name = str(op)
    if name == "LITERAL":
        _expand(rest, prefix + chr(arg), out, depth + 1)
    elif name == "IN":
        for ch in _chars(arg):
            _expand(rest, prefix + ch, out, depth + 1)
    elif name == "AT":
        _expand(rest, prefix, out, depth + 1)
    elif name == "SUBPATTERN":
        _expand(list(arg[-1]) + rest, prefix, out, depth + 1)
    elif name == "BRANCH":
        for alt in arg[1]:
            _expand(list(alt) + rest, prefix, out, depth + 1)
    elif name in ("MAX_REPEAT", "MIN_REPEAT"):
        _repeat(arg, rest, prefix, out, depth)
    else:  # ANY, CATEGORY, NOT_LITERAL, look-arounds, back-references
        raise _Unlistable


def _repeat(arg: Any, rest: list[Any], prefix: str, out: set[str], depth: int) -> None:
    lo, hi, body = arg
    body = list(body)
    if lo > 0:
        more = (_parser.MAXREPEAT if hi == _parser.MAXREPEAT else hi - 1) if hi else 0
        again = [(_parser.MAX_REPEAT, (lo - 1, more, body))] if hi != 1 else []
        _expand(body + again + rest, prefix, out, depth + 1)
        return
    _expand(rest, prefix, out, depth + 1)  # zero times
    if hi == 0:
        return
    more = hi if hi == _parser.MAXREPEAT else hi - 1
    again = [(_parser.MAX_REPEAT, (0, more, body))] if more else []
    _expand(body + again + rest, prefix, out, depth + 1)


def _chars(items: Any) -> list[str]:
    chars: list[str] = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            chars.append(chr(arg))
        elif name == "RANGE" and arg[1] - arg[0] < 40:
            chars.extend(chr(c) for c in range(arg[0], arg[1] + 1))
        elif name == "CATEGORY" and str(arg) == "CATEGORY_DIGIT":
            chars.extend("0123456789")
        else:  # NEGATE, CATEGORY (\w, \d), wide ranges
            raise _Unlistable
    return chars
