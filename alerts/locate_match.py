"""Find place names in text: whole-word trie hits filtered by their surroundings.

A hit survives when it is written like a name (capitalised; codes in capitals), is not part
of a longer name (a person "Jordan Henderson", a storm "Hurricane Otis", a feature "the Niger
River"), and is not a common English word opening a sentence ("Police said").
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, replace

from alerts.gazetteer import CAPS, COMMON, DEMONYM, Gazetteer
from alerts.gazetteer_fold import fold
from alerts.locate_words import (
    EVENT_AFTER,
    FEATURE_AFTER,
    LOCATIVE,
    MACRO_REGIONS,
    NAME_BEFORE,
    NAME_PARTICLES,
    ORG_AFTER,
    PLACE_BEFORE,
    PLACE_WORDS,
    PLACING,
    WEEKDAYS,
)

_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?;:]")


@dataclass(frozen=True, slots=True)
class Mention:
    """A name found in the text with its candidate entries and surroundings."""

    span: tuple[int, int]  # offsets in the original text
    text: str  # the original words
    rows: tuple[tuple[int, int], ...]  # (entry id, flags)
    in_title: bool
    sentence_start: bool
    before: str  # the word before, as written ("" at the start)
    after: str  # the word after, as written
    demonym: bool
    gap_before: str = ""  # what separates the word before from the name (" ", ", ")
    gap_after: str = ""
    title_case: bool = False  # in a Title-Case headline, where capitals say nothing
    further: tuple[str, ...] = ()  # the next few words after ``after``, as written
    in_name: bool = False  # part of a person's, team's or storm's name: not a place here


@dataclass(frozen=True, slots=True)
class Words:
    """The text split into words, with the folded words joined for the matcher."""

    text: str
    spans: list[tuple[int, int]]  # each word's offsets in ``text``
    starts: list[int]  # each word's offset in ``joined``
    joined: str  # " w1 w2 ... wn "


def split_words(text: str) -> Words:
    """Fold ``text`` and split it into words (length-preserving fold keeps offsets)."""
    folded = fold(text)
    spans = [m.span() for m in _WORD.finditer(folded)]
    # The fold leaves only letters, digits and spaces, so split() finds the same words.
    parts = folded.split()
    starts = list(itertools.accumulate([len(p) + 1 for p in parts], initial=1))[:-1]
    return Words(text, spans, starts, f" {' '.join(parts)} ")


def end_of(words: Words, i: int) -> int:
    """Where word ``i`` ends in ``words.joined``."""
    return words.starts[i] + words.spans[i][1] - words.spans[i][0]


def title_case(title: str) -> bool:
    """True when most longer words of a headline are capitalised: case tells nothing."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", title) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.9 * len(words)


def find_mentions(gaz: Gazetteer, text: str, title_len: int) -> list[Mention]:
    """Every surviving place-name mention, longest first where names overlap."""
    words = split_words(text)
    headline_caps = title_case(text[:title_len])
    raw = []
    # Names are capitalised: only a capitalised word can begin a mention, so the index is
    # asked about those starts alone (most words are "to", "most", ...).
    starts, joined = words.starts, words.joined
    for first, (s, _) in enumerate(words.spans):
        if text[s].isupper():
            for padded, key in gaz.keys_at(joined, starts[first] - 1):
                end = starts[first] - 1 + len(padded) - 1  # the closing space
                raw.append((first, bisect_right(starts, end - 1) - 1, key))
    raw.sort(key=lambda r: (r[0] - r[1], r[0]))
    taken: set[int] = set()
    out = []
    for first, last, key in raw:
        if taken.intersection(range(first, last + 1)):
            continue
        if words.joined[words.starts[first] : end_of(words, last)] in MACRO_REGIONS:
            taken.update(range(first, last + 1))  # "Middle East": a world region, no hamlet
            continue
        m = _mention(gaz, words, first, last, key, title_len, headline_caps)
        if m is not None and not m.in_name:
            taken.update(range(first, last + 1))
        if m is not None:
            out.append(m)
    return sorted(_short_forms(out), key=lambda m: m.span)


def _short_forms(mentions: list[Mention]) -> list[Mention]:
    """Drop the names of persons, teams and storms, and their bare repetitions ("Melbourne
    Storm beat ... Melbourne"), except where a preposition makes a place ("in Melbourne")."""
    names = {m.text.casefold() for m in mentions if m.in_name}
    return [
        m
        for m in mentions
        if not m.in_name and (m.text.casefold() not in names or _clean(m.before) in PLACING)
    ]


def _mention(
    gaz: Gazetteer, w: Words, first: int, last: int, key: int, title_len: int, caps: bool
) -> Mention | None:
    span = (w.spans[first][0], w.spans[last][1])
    written = w.text[span[0] : span[1]]
    rows = _written_rows(written, gaz.rows(key))
    if not rows or written.lower() in PLACE_WORDS:  # "Airport", "Western": generic words
        return None
    has_next = last + 1 < len(w.spans)
    before = w.text[w.spans[first - 1][0] : w.spans[first - 1][1]] if first else ""
    after = w.text[w.spans[last + 1][0] : w.spans[last + 1][1]] if has_next else ""
    gap = w.text[w.spans[first - 1][1] : span[0]] if first else ""
    gap_after = w.text[span[1] : w.spans[last + 1][0]] if has_next else ""
    start = first == 0 or bool(_SENTENCE_END.search(gap)) or span[0] == title_len + 2
    in_title = span[0] < title_len
    further = tuple(w.text[a:b] for a, b in w.spans[last + 2 : last + 5])
    demonym = any(f & DEMONYM for _, f in rows)
    if demonym:
        rows = tuple(r for r in rows if r[1] & DEMONYM)
    m = Mention(
        span,
        written,
        rows,
        in_title,
        start or (in_title and caps),
        before,
        after,
        demonym,
        gap,
        gap_after,
        in_title and caps,
        further,
    )
    return _screen(gaz, m)


def _screen(gaz: Gazetteer, m: Mention) -> Mention | None:
    """The mention if it may name a place; marked ``in_name`` inside a person's or team's
    name; None when it is something else (a feature, a code out of place, a company)."""
    rows, after = m.rows, m.after
    generic = all(f & COMMON and gaz.kinds[e] == "R" for e, f in rows)
    part = _part_of_other_name(m, lambda word: _area_name(gaz, word, _kinds(gaz, rows)), generic)
    if part:
        # Kept aside: a bare "Melbourne" after "Melbourne Storm" is the team too; a country
        # opening a name ("Rwanda Development Board") still names the country elsewhere.
        named = part == "name" and not any(gaz.kinds[e] == "C" for e, _ in rows)
        return replace(m, in_name=True) if named else None
    if all(f & CAPS and gaz.kinds[e] == "R" for e, f in rows) and "," not in m.gap_before:
        return None  # a state code ("CA", "OR") only counts after "Town, "
    # "Emirates Stadium", "Kenya Airways": a country name opening another proper name.
    country = all(gaz.kinds[e] == "C" for e, _ in rows) and not m.demonym
    opens_name = not m.title_case and not m.gap_after.strip() and after[:1].isupper()
    # ... unless a place follows ("Singapore Changi").
    if country and opens_name and gaz.key_index(after) is None:
        return None
    return m


def _kinds(gaz: Gazetteer, rows: tuple[tuple[int, int], ...]) -> str:
    """The kinds of neighbour that make a name no person's: an airport's name also opens
    with its city ("London Heathrow")."""
    return "CRAT" if any(gaz.kinds[e] == "A" for e, _ in rows) else "CRA"


def _written_rows(written: str, rows: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """The rows that fit how the name is written: capitalised; codes (UK, DRC) in capitals."""
    if not written[:1].isupper():
        return ()
    if written.isupper() and len(written) <= 7:  # "UK", "DRC", "U.S."
        return tuple(r for r in rows if r[1] & CAPS)
    return tuple(r for r in rows if not r[1] & CAPS)


def code_adjective(m: Mention) -> bool:
    """ "US company", "U.S. Embassy": a country code naming origin, not a place ("in the US")."""
    if len(m.text) > 8:  # cheap exit: most names are longer than any code
        return False
    letters = "".join(c for c in m.text if c.isalpha())
    return letters.isupper() and len(letters) <= 4 and _clean(m.before) not in PLACE_BEFORE


def _clean(word: str) -> str:
    return word.strip("\"'‘’“”()[],.;:!?").lower()


def _area_name(gaz: Gazetteer, word: str, kinds: str = "CRA") -> bool:
    """True when ``word`` names a place of ``kinds``: country, region, airport by default."""
    key = gaz.key_index(word)
    return key is not None and any(gaz.kinds[e] in kinds for e, _ in gaz.rows(key))


def _part_of_other_name(m: Mention, is_area: Callable[[str], bool], generic: bool) -> str:
    """Why the name is not a place here: "feature", "common", "name" (of a person, team or
    storm), or "" when it may be one."""
    after, before = _clean(m.after), _clean(m.before)
    if after in FEATURE_AFTER and not m.gap_after.strip() and not m.demonym:
        return "feature"  # "Niger River", "Sakhalin Island"; but "the Greek island" is Greek
    if before in NAME_BEFORE:  # "Storm Daniel" names the storm; "to storm Quito's" does not
        return "name" if m.before[:1].isupper() else "feature"
    # "Nice weather", "Police said": a common word opening a sentence ("In Nice" is a place).
    if all(f & COMMON for _, f in m.rows) and m.sentence_start and before not in LOCATIVE:
        return "common"
    if m.title_case:
        return ""
    joined = not m.gap_before.strip() and "\n" not in m.gap_before
    before_person = not m.sentence_start and joined and _names_person(m.before)
    after_person = _names_after(m)
    # A neighbour that is itself an area or airport ("Singapore Changi") is no person's name,
    # unless this name is a region named by an everyday word: "Gulf Coast" names neither
    # the Gulf province nor the Coast region.
    person = before_person and (generic or not is_area(m.before))
    after_name = after_person and (generic or not is_area(m.after))
    return "name" if person or _particle(m) or after_name else ""


def _particle(m: Mention) -> bool:
    """ "Chad van Heerden", "Jordan ter Horst": a lower-case particle, then a capitalised name."""
    joined = not m.gap_after.strip() and "\n" not in m.gap_after
    return joined and m.after in NAME_PARTICLES and m.further[:1] != () and m.further[0].istitle()


def _names_person(word: str) -> bool:
    """A capitalised neighbour that is not a place word: the name belongs to a person/team."""
    if not word[:1].isupper() or word.lower() in PLACE_WORDS or word.lower() in WEEKDAYS:
        return False
    return word.isalpha() and not word.isupper()


def _names_after(m: Mention) -> bool:
    """The name opens a longer name ("Jordan Henderson", "Sofia City Orchestra"), but not as the
    venue of an event ("Milan Fashion Week", "Dubai Air Show")."""
    if m.gap_after.strip() or "\n" in m.gap_after:
        return False
    run = [_clean(w) for w in itertools.takewhile(str.istitle, (m.after, *m.further))]
    if any(w in ORG_AFTER for w in run):
        return True
    return _names_person(m.after) and not any(w in EVENT_AFTER for w in run)
