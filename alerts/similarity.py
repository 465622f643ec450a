"""Text sketches for clustering: weighted word features as a bounded set of hashed ints.

A sketch is a sorted tuple of ints; each int is ``(hash << 2) | tier``, so the store keeps it
as a plain JSON list (``Event.fingerprint``) and no vocabulary is needed. Tiers weigh what a
feature says about *which* incident a text is about:

* ``NAME`` (proper nouns not at the start of a sentence: people, groups, landmarks),
* ``WORD`` (other content words, crudely stemmed),
* ``COMMON`` (words every incident report uses: "killed", "police", "attack"),
* ``MARK`` (a stated earthquake magnitude, compared exactly).

Reports are compared with *containment* (the weighted share of the report's features found in
the event), because an event accumulates many reports while a report is short. Clauses that
point at another incident ("two days after a bomb killed 100 people") are cut out first: they
describe the incident the report is *not* about.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator

from alerts.sketches import COMMON, MARK, NAME, WORD

__all__ = [
    "features",
    "fold_text",
    "hashes",
    "magnitudes",
    "reference_spans",
    "sketch",
    "stem",
    "strip_references",
    "words",
]


def wordset(text: str) -> frozenset[str]:
    """The whitespace-separated words of a literal list."""
    return frozenset(text.split())


_STOP = wordset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers him his how i if in into is it its itself
    just me more most my no nor not now of off on once only or other our out over own same she
    should so some such than that the their them then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you
    your yours said says say told per new one two three four five six seven eight nine ten many
    several least dozens dozen hundreds thousands some other others another among amid near
    nearby around across more than ago early late later week weeks day days hour hours minute
    minutes month months year years monday tuesday wednesday thursday friday saturday sunday
    morning evening night overnight afternoon midday dawn today yesterday tonight local time
    first second third live update breaking"""
)

_COMMON = wordset(
    """kill killed killing dead death die died deaths toll wound wounded injure injured hurt
    casualty casualti victim attack attacker attackers official police authority authoriti
    government minister people person resident city capital country national state forces
    force security report reported statement news area region town village central northern
    southern eastern western north south east west centre center group man woman men women
    child children explosion explosions blast blasts bomb bombing fire gunfire gunmen gunman
    shooting shot hit hits struck strike rock rocks jolt raid incident situation emergency
    rise rises rose reach reaches claim claims claimed"""
)

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
_WORDS = re.compile(r"[^\W\d_][\w'’\-]*|\d+(?:[.,]\d+)?")
_EARLIER = re.compile(r"\b(?:earlier|previous)\b", re.IGNORECASE)
# A capitalised word (checked to follow a word, not a full stop, colon or the start): a name.
_CAPITALISED = re.compile(r"[A-Z][a-z\u00C0-\u024F][\w'’\-]*")
_BREAKS = frozenset(".!?:;")
_SENTENCES = re.compile(r"[.!?:;]\s+")
_MAGNITUDE = re.compile(
    r"[Mm]agnitude[ -]?(\d(?:[.,]\d)?)\b|\b(\d[.,]\d)[ -][Mm]agnitude\b"
    r"|\bM[wL]?[ -]?(\d[.,]\d)\b"
)


def fold_text(text: str) -> str:
    """Lower case without accents, so that Kızılay and Kizilay meet."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.replace("ı", "i"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


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
    lowered = text.lower()
    spans: list[tuple[int, int]] = []
    if not any(k in lowered for k in _REFERENCE_KEYS):
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


def _clause_end(text: str, start: int) -> int:
    """The offset of the next full stop, semicolon or colon, or the end of the text."""
    ends = [i for i in (text.find(c, start) for c in ".;:") if i != -1]
    return min(ends, default=len(text))


def magnitudes(text: str) -> frozenset[str]:
    """Earthquake magnitudes stated in the text, as "6.5" strings."""
    if "agnitude" not in text and "M" not in text:
        return frozenset()  # the common case, without running the pattern
    found = set()
    for m in _MAGNITUDE.finditer(text):
        value = (m.group(1) or m.group(2) or m.group(3)).replace(",", ".")
        found.add(value if "." in value else value + ".0")
    return frozenset(found)


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


def words(text: str) -> tuple[list[str], set[str]]:
    """The folded words of a text, and those that look like names.

    A name is capitalised (not an acronym) and does not start a sentence or the headline.
    Hyphenated words give the whole and the parts ("inter-continental": both).
    """
    folded = fold_text(text)
    out: list[str] = _WORDS.findall(folded)
    if "-" in folded or "'" in folded or "’" in folded:  # rare enough to check word by word
        out = [piece for word in out for piece in _split(word)]
    names: set[str] = set()
    for name in _names(text):
        name = fold_text(name)
        names.update(_pieces(name) if "-" in name or "'" in name or "’" in name else (name,))
    return out, names


def _split(word: str) -> Iterable[str]:
    return _pieces(word) if "-" in word or "'" in word or "’" in word else (word,)


def _names(text: str) -> Iterator[str]:
    """Capitalised words that follow a word and one space (a lookbehind would run at every
    position of the text; capitals are few)."""
    for m in _CAPITALISED.finditer(text):
        i = m.start()
        if i >= 2 and text[i - 1].isspace():
            before = text[i - 2]
            if before not in _BREAKS and not before.isspace():
                yield m.group()


def _pieces(word: str) -> set[str]:
    """A hyphenated or quoted word as its whole ("intercontinental") and its parts."""
    word = word.replace("’", "'").strip("'-").removesuffix("'s")
    parts = [p for p in re.split(r"['-]", word) if p]
    return {word.replace("-", "").replace("'", ""), *parts} - {""}


# Words for one kind of incident meet as one feature ("outage" and "blackout").
_SYNONYMS = {
    "outage": "blackout",
    "power": "blackout",
    "electricity": "blackout",
    "earthquake": "quake",
    "tremor": "quake",
    "shock": "quake",
    "aftershock": "quake",
    "demonstration": "protest",
    "demonstrator": "protest",
    "protester": "protest",
    "rally": "protest",
    "march": "protest",
    "marcher": "protest",
    "unrest": "protest",
    "plane": "aircraft",
    "jet": "aircraft",
    "airliner": "aircraft",
    "lorry": "truck",
    "storm": "raid",
    "assault": "raid",
    "siege": "raid",
}


@functools.lru_cache(maxsize=65536)
def _feature(word: str) -> tuple[int, int] | None:
    """(hash, COMMON or WORD) for a folded word, or None for words that say nothing."""
    if word in _STOP or word.isdigit() or len(word) < 3:
        return None
    base = stem(word)
    base = _SYNONYMS.get(base, base)
    tier = COMMON if base in _COMMON or word in _COMMON else WORD
    if len(base) > 4 and base.endswith("e"):
        base = base[:-1]  # "closed" and "close" meet as "clos"
    return zlib.crc32(base.encode()), tier


def features(text: str, exclude: Iterable[str] = ()) -> dict[int, int]:
    """Hashed features of a text with their tiers; words in ``exclude`` (located place names)
    count as common words: two incidents in one city must not look alike by its name, but an
    unlocated report that names the town still meets the event."""
    common_here = {w for phrase in exclude for w in _phrase_words(phrase)}
    found: dict[int, int] = {}
    found_get, feature = found.get, _feature
    tokens, names = words(strip_references(text))
    for word in dict.fromkeys(tokens):  # each word once, in order
        known = feature(word)
        if known is None:
            continue
        key, tier = known
        if tier and word in common_here:
            tier = COMMON
        elif tier and word in names:
            tier = NAME
        if found_get(key, -1) < tier:
            found[key] = tier
    for value in magnitudes(text):
        found[zlib.crc32(f"mag:{value}".encode())] = MARK
    return found


@functools.lru_cache(maxsize=65536)
def _phrase_words(phrase: str) -> tuple[str, ...]:
    return tuple(_WORDS.findall(fold_text(phrase)))


def sketch(text: str, exclude: Iterable[str] = ()) -> tuple[int, ...]:
    """The sorted tuple of ``hash << 2 | tier`` ints for a text."""
    return tuple(sorted((key << 2) | tier for key, tier in features(text, exclude).items()))


@functools.lru_cache(maxsize=65536)
def hashes(phrase: str) -> frozenset[int]:
    """The feature hashes of a short phrase such as a place name (stop words dropped)."""
    found = (_feature(piece) for w in _phrase_words(phrase) for piece in _split(w))
    return frozenset(f[0] for f in found if f is not None)
