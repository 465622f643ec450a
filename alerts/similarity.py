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
from collections.abc import Iterable

COMMON, WORD, NAME, MARK = 0, 1, 2, 3
WEIGHT = {COMMON: 0.2, WORD: 1.0, NAME: 2.0, MARK: 0.0}
CAP = 320  # features kept per event: enough for ~10 reports, bounded for memory


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
_REFERENCE = re.compile(
    rf"(?:(?:less|more) than |about |just |only |nearly |almost )?(?:{_NUM} )?{_UNIT} "
    r"(?:after|before|since)\b[^.;:]*",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[^\W\d_][\w'’\-]*|\d+(?:[.,]\d+)?")
_EARLIER = re.compile(r"\b(?:earlier|previous)\b", re.IGNORECASE)
# A capitalised word after a word (not after a full stop, colon or the start): a name.
_NAMES = re.compile(r"(?<=[^\s.!?:;]\s)[A-Z][a-z\u00C0-\u024F][\w'’\-]*")
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
    return _REFERENCE.sub(" ", text)


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
            return word[: -len(suffix)]
    return word


def words(text: str) -> tuple[list[str], set[str]]:
    """The folded words of a text, and those that look like names.

    A name is capitalised (not an acronym) and does not start a sentence or the headline.
    Hyphenated words give the whole and the parts ("inter-continental": both).
    """
    folded = fold_text(text)
    out: list[str] = []
    for word in _WORDS.findall(folded):
        if "-" in word or "'" in word or "’" in word:
            out.extend(_pieces(word))
        else:
            out.append(word)
    names: set[str] = set()
    for name in _NAMES.findall(text):
        name = fold_text(name)
        names.update(_pieces(name) if "-" in name or "'" in name or "’" in name else (name,))
    return out, names


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
    return zlib.crc32(base.encode()), COMMON if base in _COMMON or word in _COMMON else WORD


def features(text: str, exclude: Iterable[str] = ()) -> dict[int, int]:
    """Hashed features of a text with their tiers; words in ``exclude`` (located place names)
    count as common words: two incidents in one city must not look alike by its name, but an
    unlocated report that names the town still meets the event."""
    common_here = {w for phrase in exclude for w in _WORDS.findall(fold_text(phrase))}
    found: dict[int, int] = {}
    found_get, feature = found.get, _feature
    tokens, names = words(strip_references(text))
    for word in tokens:
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


def sketch(text: str, exclude: Iterable[str] = ()) -> tuple[int, ...]:
    """The sorted tuple of ``hash << 2 | tier`` ints for a text."""
    return tuple(sorted((key << 2) | tier for key, tier in features(text, exclude).items()))


def tiers(fingerprint: Iterable[int]) -> dict[int, int]:
    """Hash -> tier for a stored sketch."""
    return {value >> 2: value & 3 for value in fingerprint}


def containment(report: Iterable[int], event: Iterable[int]) -> float:
    """Weighted share of the report's features that the event has (0..1)."""
    have = {value >> 2 for value in event}
    total = hit = 0.0
    for value in report:
        weight = WEIGHT[value & 3]
        total += weight
        if value >> 2 in have:
            hit += weight
    return hit / total if total else 0.0


def marks(fingerprint: Iterable[int]) -> frozenset[int]:
    """The magnitude marks of a sketch."""
    return frozenset(value >> 2 for value in fingerprint if value & 3 == MARK)


def names(fingerprint: Iterable[int]) -> frozenset[int]:
    """The name features of a sketch."""
    return frozenset(value >> 2 for value in fingerprint if value & 3 == NAME)


def merge(event: tuple[int, ...], report: tuple[int, ...], cap: int = CAP) -> tuple[int, ...]:
    """The event's sketch grown by a report's, keeping names and marks first when over ``cap``.

    A word seen once as a name and once as a plain word may stay under both tiers: harmless,
    and cheaper than resolving it on every report.
    """
    values = set(event)
    values.update(report)
    if len(values) > cap:
        values = set(sorted(values, key=lambda v: (-(v & 3), v))[:cap])
    return tuple(sorted(values))


# Headline cues. A follow-up reports on a known incident (tolls, claims, mourning, arrests,
# reopenings, advice); an onset announces that something is happening now. Only an onset can
# be a *second* incident in the same place, so only onsets must show that they are the same.
_FOLLOW_UP = wordset(
    """toll claim claims claimed responsibility mourn mourns mourning funeral funerals bury
    buries buried burial vigil condemn condemns condemned investigation investigate investigating
    probe inquiry suspect suspects arrest arrests arrested detain detains detained charged
    manhunt seek seeks wanted reward reopen reopens reopened resume resumes resumed restore
    restored returns return normal lifted ends ended over aftermath victims survivors declare
    declares declared suspend suspends suspended postponed blame blames says alert advice
    advisory message warning revised passes after amid killed dead died wounded injured hurt
    rises rise risen reaches climbs sentenced trial drags continue continues persists"""
)
_ONSET = wordset(
    """hit hits strike strikes struck rock rocks jolt jolts storm storms kill kills explode
    explodes explosion explosions blast blasts gunfire erupt erupts crash crashes collapse
    collapses attack attacks fire fires ram rams plough ploughs stampede surge crush blackout
    outage sirens flood floods quake earthquake tremor shooting bombing tremors opens"""
)


_LETTERS = re.compile(r"[a-z]+")
_CONTINUING = re.compile(
    r"\b(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))"
    r" (?:day|night|week)\b",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=1024)
def is_onset(title: str) -> bool:
    """True when a headline announces an incident rather than following one up.

    "Second night of unrest" or "outage drags into fourth day" continue an incident.
    """
    heard = set(_LETTERS.findall(fold_text(title)))
    if _CONTINUING.search(title) or heard & _FOLLOW_UP:
        return False
    return bool(heard & _ONSET)
