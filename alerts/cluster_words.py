"""The words of a text for clustering: folded, split, stemmed, names, clauses to leave out.

    fold_text(text) -> str                   lower case without accents
    words(text) -> (words, names)            folded words in order, and the names among them
    text_words(text) -> (words, names)       the same without clauses about other incidents
    stem(word) -> str                        a crude English stem
    strip_references(text) -> str            without clauses about other incidents
    reference_spans(text) -> [(start, end)]  where those clauses are
    magnitudes(text) -> {"6.5", ...}         earthquake magnitudes stated

Pure. Every report's text goes through ``words`` once: the patterns are written so that the
regular-expression engine does the whole scan, with no Python work per character or word.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "WORD",
    "fold_text",
    "magnitudes",
    "pieces",
    "reference_spans",
    "split",
    "stem",
    "strip_references",
    "text_words",
    "words",
    "wordset",
]

# A word: a letter, then letters, digits, apostrophes and hyphens; or a number.
WORD = re.compile(r"[^\W\d_][\w'’\-]*|\d+(?:[.,]\d+)?")
# A name: a capitalised word (not an acronym) after a word and one whitespace (not after a
# full stop, colon or the start). The look-behind runs only where a capital was found.
_NAME = re.compile(r"[A-Z](?<=[^\s.!?:;]\s[A-Z])[a-z\u00C0-\u024F][\w'’\-]*")
_WORD_ASCII = re.compile(r"[a-z][a-z0-9_'\-]*|[0-9]+(?:[.,][0-9]+)?")  # WORD on lower ASCII


def wordset(text: str) -> frozenset[str]:
    """The whitespace-separated words of a literal list."""
    return frozenset(text.split())


def fold_text(text: str) -> str:
    """Lower case without accents, so that Kızılay and Kizilay meet."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.replace("ı", "i"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> tuple[list[str], set[str]]:
    """The folded words of a text, and those that look like names.

    A name is capitalised (not an acronym) and does not start a sentence or the headline.
    Hyphenated words give the whole and the parts ("inter-continental": both).
    """
    return _words(text, fold_text(text))


def text_words(text: str) -> tuple[list[str], set[str]]:
    """``words(strip_references(text))``, lowering the text once for both."""
    lowered, keyed = _lowered(text)
    if keyed:
        return words(strip_references(text))
    # Nothing to cut: on ASCII text the lowered text is already the folded one.
    return _words(text, lowered if text.isascii() else fold_text(text))


def _words(text: str, folded: str) -> tuple[list[str], set[str]]:
    """``words`` given the folded text."""
    out = _tokens(folded)
    if "-" in folded or "'" in folded or "’" in folded:  # rare enough to check word by word
        out = [piece for word in out for piece in split(word)]
    return out, _names(text)


def _names(text: str) -> set[str]:
    """The folded names of a text (``words``)."""
    found = _NAME.findall(text)
    if not found:
        return set()
    # Names hold no whitespace, so on ASCII they are folded and split as one string.
    joined = " ".join(found)
    if joined.isascii() and "-" not in joined and "'" not in joined:
        return set(joined.lower().split())
    names: set[str] = set()
    for name in found:
        name = fold_text(name)
        names.update(pieces(name) if "-" in name or "'" in name or "’" in name else (name,))
    return names


def _tokens(folded: str) -> list[str]:
    """``WORD.findall(folded)``: on ASCII text (lower case already), the same pattern
    written for ASCII runs faster."""
    return (_WORD_ASCII if folded.isascii() else WORD).findall(folded)


def split(word: str) -> Iterable[str]:
    """A word, or its whole and its parts when it is hyphenated or quoted."""
    return pieces(word) if "-" in word or "'" in word or "’" in word else (word,)


def pieces(word: str) -> set[str]:
    """A hyphenated or quoted word as its whole ("intercontinental") and its parts."""
    word = word.replace("’", "'").strip("'-").removesuffix("'s")
    parts = [p for p in re.split(r"['-]", word) if p]
    return {word.replace("-", "").replace("'", ""), *parts} - {""}


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude English stem: enough for "blasts"/"blast" and "bombing"/"bomb" to meet."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    for suffix, keep in (("ings", 5), ("ing", 5), ("ed", 5), ("es", 5), ("s", 4)):
        if len(word) >= keep + len(suffix) - 1 and word.endswith(suffix):
            if suffix == "s" and word.endswith("ss"):
                return word
            if suffix == "es" and not word.endswith(_SIBILANT_ES):
                return word[:-1]  # "ambulances" is "ambulance" + s, "crashes" is "crash" + es
            return word[: -len(suffix)]
    return word


_SIBILANT_ES = ("ses", "xes", "zes", "ches", "shes")


# "two days after ...", "a week before ...", "less than three weeks after ..." up to the
# end of the clause: text about another incident, which must not count as overlap.
_NUM = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|several|some)"
_UNIT = r"(?:minutes?|hours?|days?|weeks?|months?|years?)"
# Found from its keyword, then extended to the left over its number and unit: a pattern
# that starts with optional words would be tried at every position of every text.
_KEYWORD = re.compile(r" (?:after|before|since)\b", re.IGNORECASE)
_LEAD = re.compile(
    rf"(?:(?:less|more) than |about |just |only |nearly |almost )?(?:{_NUM} )?{_UNIT} $",
    re.IGNORECASE,
)
_EARLIER = re.compile(r"\b(?:earlier|previous)\b", re.IGNORECASE)
_SENTENCES = re.compile(r"[.!?:;]\s+")
# "M" and a digit, the only other way a magnitude is written: a literal first character
# lets the pattern skip ahead, where the full one is tried at every position.
_M_NUMBER = re.compile(r"M[wL]?[ -]?\d")
_MAGNITUDE = re.compile(
    r"[Mm]agnitude[ -]?(\d(?:[.,]\d)?)\b|\b(\d[.,]\d)[ -][Mm]agnitude\b"
    r"|\bM[wL]?[ -]?(\d[.,]\d)\b"
)


def strip_references(text: str) -> str:
    """The text without clauses about other incidents ("four days after a pair of tremors")
    and without sentences about earlier ones ("who claimed the two earlier attacks")."""
    lowered = text.lower()
    if "earlier" in lowered or "previous" in lowered:
        text = ". ".join(s for s in _SENTENCES.split(text) if not _EARLIER.search(s))
        lowered = text.lower()
    if " after" not in lowered and " before" not in lowered and " since" not in lowered:
        return text  # the common case, without running the pattern
    kept: list[str] = []
    done = 0
    for m in _KEYWORD.finditer(text):
        if m.start() < done:
            continue  # inside a clause already cut
        lead = _LEAD.search(text, max(done, m.start() - 40), m.start() + 1)
        if lead is not None:
            kept += (text[done : lead.start()], " ")
            done = _clause_end(text, m.end())
    return "".join(kept) + text[done:] if kept else text


_REFERENCE_KEYS = (" after", " before", " since", "earlier", "previous")


def reference_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the parts ``strip_references`` cuts: places named only there are where
    another incident happened ("a few hours before the massacre in Solhan")."""
    lowered, keyed = _lowered(text)
    spans: list[tuple[int, int]] = []
    if not keyed:
        return spans  # the common case, without running the patterns
    if "earlier" in lowered or "previous" in lowered:
        start = 0
        for m in [*_SENTENCES.finditer(text), None]:
            end = m.start() if m else len(text)
            if _EARLIER.search(text, start, end):
                spans.append((start, end))
            start = m.end() if m else start
    for m in _KEYWORD.finditer(text):
        lead = _LEAD.search(text, max(0, m.start() - 40), m.start() + 1)
        if lead is not None:
            spans.append((lead.start(), _clause_end(text, m.end())))
    return spans


def _lowered(text: str) -> tuple[str, bool]:
    """The text in lower case, and whether it has a word that may open a clause about another
    incident. The last text's are kept: ``text_words`` and then ``reference_spans`` ask of
    each report's text (compared by identity: comparing two texts costs a scan)."""
    last = _last_lowered[0]
    if last[0] is text:
        return last[1], last[2]
    lowered = text.lower()
    keyed = any(map(lowered.__contains__, _REFERENCE_KEYS))
    _last_lowered[0] = (text, lowered, keyed)
    return lowered, keyed


_last_lowered: list[tuple[str, str, bool]] = [("", "", False)]


def _clause_end(text: str, start: int) -> int:
    """The offset of the next full stop, semicolon or colon, or the end of the text."""
    ends = [i for i in (text.find(c, start) for c in ".;:") if i != -1]
    return min(ends, default=len(text))


def magnitudes(text: str) -> frozenset[str]:
    """Earthquake magnitudes stated in the text, as "6.5" strings."""
    if "agnitude" not in text and not _M_NUMBER.search(text):
        return frozenset()  # the common case, without running the pattern
    found = set()
    for m in _MAGNITUDE.finditer(text):
        value = (m.group(1) or m.group(2) or m.group(3)).replace(",", ".")
        found.add(value if "." in value else value + ".0")
    return frozenset(found)
