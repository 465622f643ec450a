"""The event's growing sketch, the words it is made of, and the index's postings: each must
answer exactly as the plain tuples did, after joins, evictions and a reload."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from alerts import cluster_places, sketches
from alerts import similarity as sim
from alerts.cluster import ClusterPolicy, fold
from alerts.cluster_records import Places, Sources, joined
from alerts.cluster_sketch import Sketch, highest, view
from alerts.cluster_words import WORD, fold_text, words
from alerts.eventindex import EventIndex
from alerts.models import (
    Assessment,
    Category,
    Event,
    Item,
    Location,
    Place,
    PlaceKind,
    Report,
    Source,
)
from alerts.store import codec, records

T0 = datetime(2025, 3, 1, tzinfo=UTC)
POLICY = ClusterPolicy()


def _merged(event: tuple[int, ...], report: tuple[int, ...], cap: int) -> tuple[int, ...]:
    """The sketch merge as first written: union, then tier by tier, lowest values first."""
    values = set(event) | set(report)
    if len(values) <= cap:
        return tuple(sorted(values))
    kept: list[int] = []
    for tier in (sketches.MARK, sketches.NAME, sketches.WORD, sketches.COMMON):
        kept += sorted(v for v in values if v & 3 == tier)[: max(cap - len(kept), 0)]
    return tuple(sorted(kept))


def _random_sketch(rng: random.Random, n: int, pool: int) -> tuple[int, ...]:
    return tuple(sorted({rng.randrange(pool) << 2 | rng.choice((0, 1, 1, 2, 3)) for _ in range(n)}))


# A small pool: hashes meet at other tiers. A large one: what a report adds is new, and a
# full event trims on every join, as long-lived events do.
@pytest.mark.parametrize(("pool", "rounds"), [(80, 60), (1 << 32, 300)])
def test_grown_sketches_equal_the_plain_merge_and_old_versions_still_read_right(
    pool: int, rounds: int
) -> None:
    rng = random.Random(5)
    plain: tuple[int, ...] = ()
    grown: Sketch | tuple[int, ...] = ()
    versions: list[tuple[Sketch | tuple[int, ...], tuple[int, ...]]] = []
    for _ in range(rounds):
        report = _random_sketch(rng, 12, pool)
        plain = _merged(plain, report, 40)
        grown = sketches.merge(grown, report, cap=40)
        assert tuple(grown) == plain and grown == plain and len(grown) == len(plain)
        versions.append((grown, plain))
    query = sketches.Query(_random_sketch(rng, 20, pool))
    for version, expected in versions:  # every older version, read after all the growth
        assert tuple(version) == expected
        assert sketches.names(version) == sketches.names(expected)
        assert sketches.marks(version) == sketches.marks(expected)
        assert query.containment(version) == query.containment(expected)


def test_growing_an_old_version_again_branches_without_touching_the_newest() -> None:
    first = sketches.merge((), sim.sketch("Gunmen storm the Intercontinental hotel"))
    second = sketches.merge(first, sim.sketch("Siege at the Intercontinental ends"))
    newest = tuple(second)
    other = sim.sketch("Curfew declared after Ankara blast")
    branch = sketches.merge(first, other)
    assert tuple(second) == newest
    assert tuple(branch) == _merged(tuple(first), other, sketches.CAP)
    assert sketches.merge(branch, ()) is branch  # nothing new: the same value


def test_a_sketch_is_equal_and_hashes_as_its_tuple() -> None:
    s = sketches.merge((), sim.sketch("Quake of magnitude 6.1 hits Visso"))
    t = tuple(s)
    assert s == t and t == s and hash(s) == hash(t) and s[0] == t[0] and s[1:3] == t[1:3]
    assert Sketch(t) == s and repr(s) == f"Sketch({t!r})"


def test_view_of_a_plain_tuple_matches_the_sketch() -> None:
    t = sim.sketch("Anis Amri sought after the attack on the Berlin market")
    assert view(t).hashes == view(Sketch(t)).hashes and view(t).names == view(Sketch(t)).names


def test_words_are_the_pattern_s_words_and_names_follow_a_word() -> None:
    texts = [
        "Blasts rock Kabul: 1.5 million flee; the Inter-Continental's guests, 3rd day",
        "Kızılay bombing. Police said the M5.4 shock and 7 Killed near  Double Space",
        "Protest\tin Paris\nas Macron speaks",
    ]
    for text in texts:
        assert (
            words(text)[0] == [p for w in WORD.findall(fold_text(text)) for p in sim.split(w)]
            or "-" in text
            or "'" in text
        )
    assert words("Police shot Anis Amri near the Berlin market")[1] == {"anis", "amri", "berlin"}
    assert words("Attack. Police said")[1] == set()  # after a full stop: a sentence start


def test_features_keep_the_highest_tier_of_words_that_share_a_hash() -> None:
    # "shooting" is common, "shoots" a plain word of the same stem; "Kabul" is located.
    f = sim.features("Shooting in Kabul as police shoots near Kabul", exclude=["Kabul"])
    shoot = next(iter(sim.hashes("shoots")))
    kabul = next(iter(sim.hashes("kabul")))
    assert f[shoot] == sketches.WORD and f[kabul] == sketches.COMMON
    assert sim.features("Forces fire on Shooting Range")[shoot] == sketches.COMMON
    assert sim.features("Forces fire on Shoots Range and shooting")[shoot] == sketches.NAME


ALPHA = Place("Alpha", "ZZ", 10.0, 10.0, PlaceKind.CITY)
BETA = Place("Beta", "ZZ", 10.2, 10.2, PlaceKind.CITY)
GAMMA = Place("Gamma", "ZZ", 14.0, 10.0, PlaceKind.CITY)


def _report(i: int, title: str, place: Place, at: datetime) -> Report:
    item = Item(
        feed="wire",
        key=f"k{i}",
        title=title,
        summary="",
        link=f"https://x.test/{i}",
        published=at,
        source_name="wire",
    )
    return Report(item, Location((place.country,), (place,)), Assessment(Category.TERRORISM, 3))


def _reports() -> list[Report]:
    names = ["Borvo", "Kesta", "Ulmo", "Tarn", "Vesk", "Orrin"]
    out = []
    for i in range(40):
        who = names[i % len(names)]
        title = f"Gunmen storm {who} hotel" if i % 5 == 0 else f"{who} siege toll rises, says Orrin"
        place = (ALPHA, BETA, GAMMA)[i % 3]
        out.append(_report(i, title, place, T0 + timedelta(hours=i)))
    return out


def _postings_match(index: EventIndex) -> bool:
    """The index's name postings are exactly the names of the events it holds."""
    expected: dict[int, set[str]] = {}
    for event in index:
        for n in sketches.names(event.fingerprint):
            expected.setdefault(n, set()).add(event.id)
    return {n: ids for n, ids in index._by_name.items() if ids} == expected


def test_index_postings_follow_joins_evictions_and_trims() -> None:
    index = EventIndex()
    small = replace(POLICY, window=timedelta(hours=12))
    for i, r in enumerate(_reports()):
        change = fold(r, index.candidates(r, r.item.published, small), r.item.published, small)
        index.put(change.event)
        assert _postings_match(index)
        if i % 7 == 6:
            index.evict(r.item.published - small.window)
            assert _postings_match(index)


def test_folding_after_a_reload_from_the_store_decides_as_without(engine: Engine) -> None:
    kept = EventIndex()
    for r in _reports():
        now = r.item.published
        with engine.begin() as conn:  # the service reads the open events at every poll
            reloaded = EventIndex(records.open_events(conn, now - POLICY.window))
        assert all(isinstance(e.fingerprint, Sketch) for e in reloaded)
        a = fold(r, kept.candidates(r, now, POLICY), now, POLICY)
        b = fold(r, reloaded.candidates(r, now, POLICY), now, POLICY)
        assert (a.event.id, a.reason) == (b.event.id, b.reason) and a.event == b.event
        kept.put(a.event)
        with engine.begin() as conn:
            records.save_event(conn, a.event)


def test_old_rows_with_plain_lists_still_load_and_round_trip() -> None:
    r = _reports()[0]
    event = fold(r, [], T0, POLICY).event
    assert isinstance(event.fingerprint, Sketch)
    text = codec.dumps(event)
    again = codec.loads(text)
    assert again == event and type(again.fingerprint) is tuple
    assert codec.loads(codec.dumps(again)) == event


def _relation(mine: tuple[Place, ...], hazard: bool, theirs: tuple[Place, ...]) -> float:
    """The place relation as first written: every pair of places, tuples only."""
    exact = any(
        a.name == b.name and a.country == b.country
        for b in theirs
        if b.kind is not PlaceKind.COUNTRY
        for a in mine
    )
    if mine and theirs and exact:
        return cluster_places.EXACT

    def radius(a: Place, b: Place) -> float:
        if hazard:
            return POLICY.area_km
        if PlaceKind.REGION in (a.kind, b.kind):
            return POLICY.region_km
        return -1.0 if PlaceKind.COUNTRY in (a.kind, b.kind) else POLICY.city_km

    if any(cluster_places.km(a, b) <= radius(a, b) for a in mine for b in theirs):
        return cluster_places.SAME
    towns = {p.country for p in theirs if p.kind in cluster_places.SPECIFIC}
    mine_towns = {p.country for p in mine if p.kind in cluster_places.SPECIFIC}
    return cluster_places.FAR if towns & mine_towns else cluster_places.COUNTRY


def test_places_answer_as_every_pair_of_places_would() -> None:
    land = Place("Zedland", "ZZ", 12.0, 10.0, PlaceKind.COUNTRY)
    far = Place("Delta", "ZZ", 10.0, 10.5, PlaceKind.CITY)  # ~55 km east of Alpha
    region = Place("Upland", "ZZ", 10.5, 10.0, PlaceKind.REGION)
    for theirs in [(ALPHA,), (GAMMA, land), (GAMMA, BETA, land), (far, GAMMA), (region,)]:
        event = replace(_event_at(theirs), places=Places(theirs))
        for mine in [(ALPHA,), (BETA,), (GAMMA,), (far,), (region,)]:
            for hazard in (False, True):
                spot = cluster_places.Spot.of(mine, ("ZZ",))
                got = cluster_places.relation(spot, hazard, event, POLICY)
                assert got == _relation(mine, hazard, theirs), (mine, theirs, hazard)
    assert Places((ALPHA, land)).named == {("Alpha", "ZZ")}
    assert Places((ALPHA, land)).towns == {"ZZ"}
    assert Sources(()).links == frozenset()


def test_a_source_joined_to_sources_keeps_every_link() -> None:
    first = Source("wire", "https://a.test/1", "One", T0)
    second = Source("tv", None, "Two", T0)
    third = Source("wire", "https://a.test/3", "Three", T0)
    for old in [(), (first,), Sources((first, second))]:  # plain tuples from the store too
        made = joined(old, third)
        assert made == (*old, third) and isinstance(made, Sources)
        assert made.links == Sources((*old, third)).links


def _event_at(places: tuple[Place, ...]) -> Event:
    return fold(_report(99, "Gunmen storm the hotel", places[0], T0), [], T0, POLICY).event


def test_highest_keeps_what_sorting_the_tier_would() -> None:
    """The trim's selection of the values to drop, against the sort it replaced."""
    rng = random.Random(5)
    for _ in range(500):
        values = {rng.randrange(1 << 32) for _ in range(rng.randint(0, 300))}
        k = rng.randint(0, 320)
        expected = sorted(values)[len(values) - min(k, len(values)) :] if k > 0 else []
        assert highest(values, k) == expected


@pytest.mark.parametrize("pool", [300, 1 << 32])
def test_an_event_that_trims_at_every_join_keeps_what_the_plain_merge_keeps(pool: int) -> None:
    """Words and names, no marks: once full, every join drops words, from the tier's
    reserve of its highest values (``Features._drop``); a small pool brings values back."""
    rng = random.Random(11)
    plain: tuple[int, ...] = ()
    grown: Sketch | tuple[int, ...] = ()
    for _ in range(400):
        n = rng.choice((5, 25, 60))  # now and then a long report: the reserve runs short
        report = tuple(
            sorted({rng.randrange(pool) << 2 | rng.choice((0, 1, 1, 1, 1, 2)) for _ in range(n)})
        )
        plain = _merged(plain, report, 100)
        grown = sketches.merge(grown, report, cap=100)
        assert tuple(grown) == plain
