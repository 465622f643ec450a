"""Assess: item text -> category, severity 0-5, signals, and the rules that fired.

Pure: the rules come in as an argument (``alerts.rules``), nothing reads the clock or a
file. The steps, in order:

1. score each category by its cues (negated cues, and cues used in a figure of speech such
   as "war on plastics", do not count) and the benign context;
2. read figures of dead and injured (past ones, "in the 2002 bombings", are skipped);
3. extract signals;
4. decide "none" when the threat is weak or the benign context outweighs it;
5. severity = the highest floor (category base, lowered when one weak cue stands alone;
   cue floors, casualty table, signals, escalators) plus escalator steps, within the
   category's cap, then dampeners;
6. structured severities from authoritative feeds: the stronger evidence wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from alerts import assess_match as match
from alerts.models import Assessment, Category, Hints, Location, Rule, Signal
from alerts.rules import Modifier, Rules, SignalRule
from alerts.rules_gate import word_starts

# Signals that are a serious restriction on their own; two together mean more than one.
_GRAVE = frozenset(
    {Signal.AIRPORT_CLOSED, Signal.CURFEW, Signal.STATE_OF_EMERGENCY, Signal.BORDER_CLOSED}
    | {Signal.COMMS_OUTAGE, Signal.SHELTER_IN_PLACE}
)
_DEAD_BONUS = 2.0  # threat score added by reported deaths: people died, this is not sport


@dataclass(slots=True)
class _Work:
    """The running state of one assessment (private; the result is frozen)."""

    low: str
    title: str
    ws: dict[str, list[int]]  # word starts of ``low``: patterns are tried only there
    live: dict[str, list[int]]  # cues that may match -> offsets to try (``Rules.live``)
    reasons: list[Rule] = field(default_factory=list)
    masked: tuple[match.Span, ...] = ()  # figures of speech: cues inside them do not count
    floor: int = 0
    add: int = 0

    def raise_to(self, level: int, name: str, phrase: str) -> None:
        self.floor = max(self.floor, level)
        self.reasons.append(Rule(name, float(level), phrase))


def assess(
    text: str,
    *,
    rules: Rules,
    hints: Hints | None = None,
    location: Location | None = None,
) -> Assessment:
    """Category, severity, signals and reasons for ``text`` (title + ". " + summary).

    ``location`` is accepted for escalation by place; the rules do not use it yet.
    """
    low = text.lower()
    ws = word_starts(low)
    w = _Work(low, match.title_of(low), ws, rules.live(ws))
    _mask_idioms(rules, w)
    scores = _category_scores(rules, w)
    dead = match.dead(rules.casualties, low, w.ws)
    fired = match.signals(rules, low, w.live)
    signals = tuple(rule.signal for rule, _ in fired)
    w.reasons += [Rule(f"signal:{r.signal.value}", float(r.floor), h.phrase) for r, h in fired]
    category = _category(rules, w, scores, dead is not None, len(fired))
    severity = (
        0 if category is Category.NONE else _severity(rules, w, category, scores, dead, fired)
    )
    if severity == 0:
        category = Category.NONE
    category, severity = _structured(rules, w, hints, category, severity)
    return Assessment(category, severity, signals, tuple(w.reasons))


def explain(a: Assessment) -> list[str]:
    """Short lines for ``alerts classify --explain`` and the advisory mail."""
    head = f"{a.category.value} severity {a.severity}"
    if a.signals:
        head += " signals: " + ", ".join(s.value for s in a.signals)
    return [head] + [f"{r.name} {r.weight:+.1f} '{r.phrase}'" for r in a.reasons]


# ---------------------------------------------------------------- category


def _mask_idioms(rules: Rules, w: _Work) -> None:
    """Spans of figures of speech ("war on plastics"); category cues inside them are void."""
    found = match.idioms(rules, w.low, w.live)
    w.masked = tuple((h.start, h.start + len(h.phrase)) for h in found)
    w.reasons += [Rule("idiom", 0.0, h.phrase) for h in found]


def _category_scores(rules: Rules, w: _Work) -> dict[Category, tuple[float, list[match.Hit]]]:
    out = {}
    for rule in rules.categories:
        found = match.hits(rules, rule.cues, w.low, w.live, w.masked)
        out[rule.category] = (sum(_weight(rules, w, h) for h in found), found)
    return out


def _weight(rules: Rules, w: _Work, hit: match.Hit) -> float:
    """A cue's weight, more when the headline says it (the title names the main event)."""
    return hit.cue.weight * (rules.title_weight if hit.start < len(w.title) else 1.0)


def _category(
    rules: Rules,
    w: _Work,
    scores: dict[Category, tuple[float, list[match.Hit]]],
    has_dead: bool,
    n_signals: int,
) -> Category:
    """The best-scoring category, or NONE when the threat is weak or benign context wins."""
    best = max(scores, key=lambda c: scores[c][0], default=Category.NONE)
    score, found = scores.get(best, (0.0, []))
    w.reasons += [Rule(best.value, _weight(rules, w, h), h.phrase) for h in found]
    threat = score + (_DEAD_BONUS if has_dead else 0.0) + 0.5 * n_signals
    benign = match.hits(rules, rules.benign, w.low, w.live)
    calm = sum(_weight(rules, w, h) for h in benign)
    w.reasons += [Rule("benign", -_weight(rules, w, h), h.phrase) for h in benign]
    evidence = score + (_DEAD_BONUS if has_dead else 0.0)
    if score == 0 or (evidence < rules.threshold and n_signals == 0):
        w.reasons.append(Rule("none:weak_threat", score, f"threat {score:g} < {rules.threshold:g}"))
        return Category.NONE
    if calm >= threat:
        w.reasons.append(Rule("none:benign", -calm, f"benign {calm:g} >= threat {threat:g}"))
        return Category.NONE
    return best


# ---------------------------------------------------------------- severity


def _severity(
    rules: Rules,
    w: _Work,
    category: Category,
    scores: dict[Category, tuple[float, list[match.Hit]]],
    dead: match.Figure | None,
    fired: list[tuple[SignalRule, match.Hit]],
) -> int:
    rule = rules.category_rule(category)
    base, cap = (rule.base, rule.cap) if rule else (2, 5)
    score = scores.get(category, (0.0, []))[0]
    if score < rules.confident:  # one weak cue ("rocket") is not yet a rocket attack
        base -= 1
        w.reasons.append(Rule("base:weak_evidence", -1.0, f"score {score:g} < {rules.confident:g}"))
    found = scores.get(category, (0.0, []))[1]
    hurt = match.injured(rules.casualties, w.low, w.ws)
    lone = _lone_cap(rules, w, scores, not fired and dead is None and hurt is None)
    if score < rules.confident and lone is not None and base > lone:
        # One word and nothing else ('drones', 'rebels', 'war') is not yet an event.
        base = lone
        w.reasons.append(Rule("base:alone", float(base), f"score {score:g}, no other evidence"))
    w.floor = base
    for hit in found:
        if hit.cue.floor is not None:
            w.raise_to(hit.cue.floor, f"floor:{category.value}", hit.phrase)
    _casualties(rules, w, category, dead, hurt)
    _signal_floors(w, fired)
    signals = {r.signal for r, _ in fired}
    for m in rules.escalators:
        _escalate(w, m, category, signals)
    severity = min(max(0, w.floor + w.add), cap)
    for m in rules.dampeners:
        severity = _dampen(w, m, category, severity, dead is not None)
    return max(0, min(5, severity))


def _lone_cap(
    rules: Rules, w: _Work, scores: dict[Category, tuple[float, list[match.Hit]]], quiet: bool
) -> int | None:
    """The ``alone`` cap of the text's only cue; None when there is more evidence.

    ``quiet``: no signal and no figure of dead or injured.
    """
    cues = [h for _, found in scores.values() for h in found]
    if not quiet or len(cues) != 1 or cues[0].cue.alone is None:
        return None
    if rules.alone_unless is not None and rules.alone_unless.search(w.title):
        return None  # "leader killed in air strike": a death in the headline is an event
    return cues[0].cue.alone


def _casualties(
    rules: Rules,
    w: _Work,
    category: Category,
    dead: match.Figure | None,
    hurt: match.Figure | None,
) -> None:
    c = rules.casualties
    if dead is not None:
        w.raise_to(match.level(c.levels_for(category), dead.count), "casualties:dead", dead.phrase)
    if hurt is not None and match.level(c.injured_levels, hurt.count):
        w.raise_to(match.level(c.injured_levels, hurt.count), "casualties:injured", hurt.phrase)


def _signal_floors(w: _Work, fired: list[tuple[SignalRule, match.Hit]]) -> None:
    for rule, hit in fired:
        if rule.floor > w.floor:
            w.raise_to(rule.floor, f"floor:{rule.signal.value}", hit.phrase)
    grave = [h.phrase for r, h in fired if r.signal in _GRAVE]
    if len(grave) >= 2:
        w.raise_to(4, "escalator:several_restrictions", "; ".join(grave))


def _applies(m: Modifier, category: Category) -> bool:
    return not m.categories or category in m.categories


def _escalate(w: _Work, m: Modifier, category: Category, signals: set[Signal]) -> None:
    if not _applies(m, category) or (m.requires_signal and m.requires_signal not in signals):
        return
    hit = m.search(w.title if m.title_only else w.low, w.ws)
    if hit is None:
        return
    if m.floor is not None:
        w.raise_to(m.floor, f"escalator:{m.name}", hit.group(0))
    if m.add:
        w.add += m.add
        w.reasons.append(Rule(f"escalator:{m.name}", float(m.add), hit.group(0)))


def _dampen(w: _Work, m: Modifier, category: Category, severity: int, has_dead: bool) -> int:
    if not _applies(m, category) or (m.unless_dead and has_dead):
        return severity
    hit = m.search(w.title if m.title_only else w.low, w.ws)
    if hit is None:
        return severity
    new = severity + m.add if m.cap is None else min(severity + m.add, m.cap)
    if m.cap is None and severity >= 1:  # lowering alone keeps a real incident at 1 at least
        new = max(1, new)
    if new != severity:
        w.reasons.append(Rule(f"dampener:{m.name}", float(new - severity), hit.group(0)))
    return new


# ---------------------------------------------------------------- structured severities


def _structured(
    rules: Rules, w: _Work, hints: Hints | None, category: Category, severity: int
) -> tuple[Category, int]:
    """Authoritative feed levels (GDACS, CAP, State Department): the higher evidence wins."""
    if hints is None:
        return category, severity
    s = rules.structured
    found = [
        (
            dict(s.gdacs).get((hints.gdacs_alert_level or "").lower()),
            "gdacs",
            hints.gdacs_alert_level,
            Category.NATURAL_DISASTER,
        ),
        (
            dict(s.cap).get((hints.cap_severity or "").lower()),
            "cap",
            hints.cap_severity,
            Category.NATURAL_DISASTER,
        ),
        (
            dict(s.state_dept).get(hints.state_dept_level or 0),
            "state_dept",
            hints.state_dept_level,
            Category.ADVISORY,
        ),
    ]
    for level, source, raw, kind in found:
        if level is None:
            continue
        wins = level > severity
        w.reasons.append(
            Rule(
                f"structured:{source}",
                float(level),
                f"{source} {raw} -> {level}" + (" (wins)" if wins else " (text is stronger)"),
            )
        )
        if wins:
            severity = level
            category = kind if category is Category.NONE else category
    if severity == 0:
        category = Category.NONE
    return category, severity
