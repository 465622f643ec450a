"""Checking and compiling ``rules.yaml`` into the frozen records of ``alerts.rules``.

Every mistake is collected, not only the first, and each names the file, the field and the
reason, the way an officer would look for it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from alerts.errors import ConfigError
from alerts.models import Category, Signal
from alerts.rules import (
    CategoryRule,
    Cue,
    Modifier,
    Rules,
    SignalRule,
    Structured,
)
from alerts.rules_casualties import read_casualties
from alerts.rules_check import Check, enum
from alerts.rules_gate import starts


def parse_rules_file(path: Path) -> Rules:
    """Read ``path``; raise ConfigError naming every mistake, else return compiled rules."""
    check = Check(str(path))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError([f"{path}: cannot be read: {e}"]) from e
    except yaml.YAMLError as e:
        raise ConfigError([f"{path}: is not valid YAML: {e}"]) from e
    rules = _rules(check, check.mapping("(top level)", data))
    if check.problems or rules is None:
        raise ConfigError(check.problems)
    return rules


_TOP = {
    "version",
    "threshold",
    "confident",
    "title_weight",
    "categories",
    "benign",
    "negation",
    "casualties",
}
_TOP |= {
    "escalators",
    "dampeners",
    "signals",
    "structured",
    "figures_of_speech",
    "alone_unless_title",
}


def _rules(c: Check, d: dict[str, Any]) -> Rules | None:
    c.unknown("", d, _TOP)
    threshold = c.number("threshold", d.get("threshold", 2.0), 0, 100)
    confident = c.number("confident", d.get("confident", 4.0), 0, 100)
    title_weight = c.number("title_weight", d.get("title_weight", 1.5), 0, 10)
    neg = c.mapping("negation", d.get("negation", {}))
    c.unknown("negation", neg, {"window", "pattern"})
    negation = c.regex("negation.pattern", neg.get("pattern", r"\bno\W+$"), wrap=False)
    window = c.number("negation.window", neg.get("window", 30), 0, 200)
    unless = d.get("alone_unless_title")
    alone_unless = c.regex("alone_unless_title", unless) if unless is not None else None
    idioms = _cues(c, "figures_of_speech", d.get("figures_of_speech", []), weighted=False)
    parts = (
        _categories(c, c.mapping("categories", d.get("categories"))),
        _cues(c, "benign", d.get("benign", [])),
        read_casualties(c, c.mapping("casualties", d.get("casualties"))),
        _modifiers(c, "escalators", d.get("escalators", [])),
        _modifiers(c, "dampeners", d.get("dampeners", [])),
        _signals(c, c.mapping("signals", d.get("signals"))),
        _structured(c, c.mapping("structured", d.get("structured", {}))),
    )
    if c.problems or threshold is None or confident is None or title_weight is None:
        return None
    if negation is None:
        return None
    cats, benign, casualties, esc, damp, signals, structured = parts
    assert casualties is not None  # no problems means it was built
    cues = [*benign, *(q for r in cats for q in r.cues), *(q for r in signals for q in r.cues)]
    cues += idioms
    index: dict[str, set[str]] = {}
    for cue in cues:
        for start in cue.starts or ():
            index.setdefault(start, set()).add(cue.name)
    always = frozenset(q.name for q in cues if q.starts is None)
    frozen = {k: frozenset(v) for k, v in index.items()}
    return Rules(
        c.source,
        threshold,
        cats,
        benign,
        negation,
        int(window or 0),  # None only with a problem, returned above
        casualties,
        esc,
        damp,
        signals,
        structured,
        confident,
        title_weight,
        frozen,
        always,
        idioms,
        alone_unless,
    )


def _cues(c: Check, where: str, raw: object, *, weighted: bool = True) -> tuple[Cue, ...]:
    out = []
    for i, item in enumerate(c.listing(where, raw)):
        at = f"{where}[{i}]"
        if isinstance(item, str):  # a bare pattern: weight 1
            item = {"pattern": item}
        m = c.mapping(at, item)
        c.unknown(at, m, {"pattern", "weight", "floor", "alone"})
        pattern = c.regex(at, m.get("pattern"))
        weight = c.number(f"{at}.weight", m.get("weight", 1.0), -100, 100) if weighted else 1.0
        floor = c.level(f"{at}.floor", m["floor"]) if "floor" in m else None
        alone = c.level(f"{at}.alone", m["alone"]) if "alone" in m else None
        if pattern is not None and weight is not None:
            out.append(Cue(at, pattern, weight, floor, starts(pattern.pattern), alone))
    return tuple(out)


def _categories(c: Check, d: dict[str, Any]) -> tuple[CategoryRule, ...]:
    out = []
    for name, raw in d.items():
        at = f"categories.{name}"
        category = enum(c, at, Category, name)
        m = c.mapping(at, raw)
        c.unknown(at, m, {"base", "cap", "cues"})
        base, cap = c.level(f"{at}.base", m.get("base", 2)), c.level(f"{at}.cap", m.get("cap", 5))
        cues = _cues(c, f"{at}.cues", m.get("cues"))
        if category is not None and base is not None and cap is not None:
            out.append(CategoryRule(category, base, cap, cues))
    return tuple(out)


def _signals(c: Check, d: dict[str, Any]) -> tuple[SignalRule, ...]:
    out = []
    for name, raw in d.items():
        at = f"signals.{name}"
        signal = enum(c, at, Signal, name)
        m = c.mapping(at, raw)
        c.unknown(at, m, {"floor", "cues", "unless"})
        floor = c.level(f"{at}.floor", m.get("floor", 0))
        unless = c.regex(f"{at}.unless", m["unless"]) if "unless" in m else None
        cues = _cues(c, f"{at}.cues", m.get("cues"), weighted=False)
        if signal is not None and floor is not None:
            out.append(SignalRule(signal, floor, cues, unless))
    return tuple(out)


_MODIFIER = {"name", "pattern", "add", "floor", "cap", "categories", "where"}
_MODIFIER |= {"unless_dead", "requires_signal"}


def _modifiers(c: Check, where: str, raw: object) -> tuple[Modifier, ...]:
    out = []
    for i, item in enumerate(c.listing(where, raw)):
        m = c.mapping(f"{where}[{i}]", item)
        at = f"{where}.{m.get('name', i)}"
        c.unknown(at, m, _MODIFIER)
        built = _modifier(c, at, m)
        if built is not None:
            out.append(built)
    return tuple(out)


def _modifier(c: Check, at: str, m: dict[str, Any]) -> Modifier | None:
    pattern = c.regex(f"{at}.pattern", m.get("pattern"))
    add = c.number(f"{at}.add", m.get("add", 0), -5, 5)
    floor = c.level(f"{at}.floor", m["floor"]) if "floor" in m else None
    cap = c.level(f"{at}.cap", m["cap"]) if "cap" in m else None
    cats = [
        enum(c, f"{at}.categories", Category, n)
        for n in c.listing(f"{at}.categories", m.get("categories", []))
    ]
    where = m.get("where", "text")
    if where not in ("text", "title"):
        c.fail(f"{at}.where", f"must be 'text' or 'title', not {where!r}")
    sig = (
        enum(c, f"{at}.requires_signal", Signal, m["requires_signal"])
        if "requires_signal" in m
        else None
    )
    if pattern is None or add is None or None in cats:
        return None
    return Modifier(
        str(m.get("name", at)),
        pattern,
        int(add),
        floor,
        cap,
        frozenset(x for x in cats if x),
        where == "title",
        bool(m.get("unless_dead", False)),
        sig,
        starts(pattern.pattern),
    )


def _structured(c: Check, d: dict[str, Any]) -> Structured:
    c.unknown("structured", d, {"gdacs", "cap", "state_dept"})

    def table(name: str, key: Callable[[object], Any]) -> tuple[tuple[Any, int], ...]:
        out = []
        for k, v in c.mapping(f"structured.{name}", d.get(name, {})).items():
            lv = c.level(f"structured.{name}.{k}", v)
            if lv is not None:
                out.append((key(k), lv))
        return tuple(out)

    return Structured(
        table("gdacs", lambda k: str(k).lower()),
        table("cap", lambda k: str(k).lower()),
        table("state_dept", _int_key(c)),
    )


def _int_key(c: Check) -> Callable[[object], int]:
    def key(k: object) -> int:
        if isinstance(k, int) and not isinstance(k, bool):
            return k
        c.fail(f"structured.state_dept.{k}", "level must be a whole number 1-4")
        return 0

    return key
