"""The roster's spatial index agrees with a plain scan, everywhere on the globe."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import pytest

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
