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
import operator
import zlib
from collections.abc import Iterable
from typing import NamedTuple, cast

from alerts.cluster_words import WORD as _WORDS
from alerts.cluster_words import (
    fold_text,
    magnitudes,
    reference_spans,
    split,
    stem,
    strip_references,
    text_words,
    words,
    wordset,
)
from alerts.sketches import COMMON, WORD, pack

__all__ = [
    "Tiers",
    "features",
    "fold_text",
    "hashes",
    "located_tiers",
    "located_words",
    "magnitudes",
    "reference_spans",
    "sketch",
    "stem",
    "strip_references",
    "tiers",
    "words",
    "wordset",
]

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


class Tiers(NamedTuple):
    """A text's feature hashes by tier, each hash in one tier (its highest); the fields in
    the order of the tiers (COMMON, WORD, NAME, MARK), as ``pack`` and ``grow`` read them."""

    common: frozenset[int]
    plain: frozenset[int]  # the WORD tier
    names: frozenset[int]
    marks: frozenset[int]

    def sketch(self) -> tuple[int, ...]:
        """The sorted tuple of ``hash << 2 | tier`` values."""
        return pack(self)


def features(text: str, exclude: Iterable[str] = ()) -> dict[int, int]:
    """Hashed features of a text with their tiers; words in ``exclude`` (located place names)
    count as common words: two incidents in one city must not look alike by its name, but an
    unlocated report that names the town still meets the event."""
    return {value >> 2: value & 3 for value in sketch(text, exclude)}


def sketch(text: str, exclude: Iterable[str] = ()) -> tuple[int, ...]:
    """The sorted tuple of ``hash << 2 | tier`` ints for a text (``features``)."""
    return tiers(text, exclude).sketch()


def tiers(text: str, exclude: Iterable[str] = ()) -> Tiers:
    """``features`` as sets of hashes by tier."""
    return located_tiers(text, located_words(exclude))


def located_words(phrases: Iterable[str]) -> frozenset[str]:
    """The folded words of located place names, as ``located_tiers`` takes them."""
    return _located_words(tuple(phrases))


@functools.lru_cache(maxsize=65536)
def _located_words(phrases: tuple[str, ...]) -> frozenset[str]:
    # Reports come from a bounded set of places: their words are worked out once each.
    return frozenset(w for phrase in phrases for w in _phrase_words(phrase))


def located_tiers(text: str, here: frozenset[str]) -> Tiers:
    """``tiers`` given the words of the located place names (``located_words``).

    Every word of every report goes through here, so the words are looked up in bulk (``map``
    over dicts, set algebra), and only the few words whose tier the text decides (names and
    located place names) one by one.
    """
    tokens, names = text_words(text)
    raw, values = _values(tokens)
    values.discard(_NOTHING)
    negative = set(filter(_NEGATIVE, values))  # common words, as ~hash
    plain = values - negative
    common = set(map(operator.invert, negative))
    if not common.isdisjoint(plain):  # rare; the test walks only the smaller set
        common -= plain  # a hash that two words share keeps the higher tier
    named: set[int] = set()
    demoted: dict[int, list[str]] = {}
    for word in (here | names if here else names).intersection(tokens):
        h = _VALUE_OF[word]
        if h < 0:
            continue  # a word that says nothing, or a common one anyway
        if word in here:
            demoted.setdefault(h, []).append(word)
        else:
            named.add(h)
    for h, located in demoted.items():  # common, unless another word has the hash
        if raw.count(h) == sum(map(tokens.count, located)):
            plain.discard(h)
            common.add(h)
    if named:
        plain -= named
        common -= named
    found = magnitudes(text)
    if not found:
        return Tiers(frozenset(common), frozenset(plain), frozenset(named), _NO_MARKS)
    marks = frozenset(zlib.crc32(f"mag:{value}".encode()) for value in found)
    return Tiers(
        frozenset(common - marks),
        frozenset(plain - marks),
        frozenset(named - marks),
        marks,
    )


_NO_MARKS: frozenset[int] = frozenset()
_NEGATIVE = (0).__gt__  # in ``filter``: a call in C per value


# Word -> its hash for a plain word, ``~hash`` (negative) for a common one, ``_NOTHING`` for
# a word that says nothing. One lookup per word, in ``map``: the table is large, and each
# lookup in it costs about as much as a short function call.
_VALUE_OF: dict[str, int] = {}
_NOTHING = -(1 << 40)  # below every ~hash
_MAX_WORDS = 200_000


def _values(tokens: list[str]) -> tuple[list[int], set[int]]:
    """The table's value of each word, and the distinct values; words not seen before are
    learnt first."""
    raw = list(map(_VALUE_OF.get, tokens))
    values = set(raw)
    if None in values:
        _learn(tokens)
        raw = list(map(_VALUE_OF.get, tokens))
        values = set(raw)
    return cast("list[int]", raw), cast("set[int]", values)  # every word is known now


def _learn(tokens: Iterable[str]) -> None:
    """Work out and remember the tier and hash of words not seen before."""
    if len(_VALUE_OF) >= _MAX_WORDS:  # bounded: the words of the day come back at once
        _VALUE_OF.clear()
    for word in set(tokens).difference(_VALUE_OF):
        found = _feature(word)
        if found is None:
            _VALUE_OF[word] = _NOTHING
        else:
            _VALUE_OF[word] = found[0] if found[1] == WORD else ~found[0]


@functools.lru_cache(maxsize=65536)
def _phrase_words(phrase: str) -> tuple[str, ...]:
    return tuple(_WORDS.findall(fold_text(phrase)))


@functools.lru_cache(maxsize=65536)
def hashes(phrase: str) -> frozenset[int]:
    """The feature hashes of a short phrase such as a place name (stop words dropped)."""
    found = (_feature(piece) for w in _phrase_words(phrase) for piece in split(w))
    return frozenset(f[0] for f in found if f is not None)
