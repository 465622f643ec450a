"""The cluster decision, its policy, the event index and the replay, on hand-built reports."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from alerts import cluster
from alerts.cluster import ClusterPolicy, expire, fold
from alerts.cluster_places import EXACT, SAME, Spot, km, relation
from alerts.cluster_places import HAZARD as HAZARD_KINDS
from alerts.cluster_report import probe
from alerts.eventindex import EventIndex
from alerts.models import (
    Assessment,
    Category,
    ChangeReason,
    Hints,
    Item,
    Location,
    Place,
    PlaceKind,
    Report,
    Signal,
)
from alerts.replay import replay, replay_changes

T0 = datetime(2024, 10, 1, 16, 0, tzinfo=UTC)
POLICY = ClusterPolicy()
KABUL = Place("Kabul", "AF", 34.53, 69.17, PlaceKind.CITY)
JALALABAD = Place("Jalalabad", "AF", 34.43, 70.45, PlaceKind.CITY)
ROME = Place("Rome", "IT", 41.89, 12.48, PlaceKind.CITY)

_n = 0


def report(
    title: str,
    *,
    at: datetime = T0,
    place: Place | None = KABUL,
    summary: str = "",
    category: Category = Category.TERRORISM,
    severity: int = 3,
    signals: tuple[Signal, ...] = (),
    link: str | None = None,
    hints: Hints | None = None,
) -> Report:
    """A report as the classifier would give it; each gets its own link unless told."""
    global _n
    _n += 1
    link = link or f"https://wire.test/{_n}"
    item = Item(
        feed="wire",
        key=link,
        title=title,
        summary=summary,
        link=link,
        published=at,
        source_name="wire",
        hints=hints or Hints(),
    )
    loc = Location((place.country,), (place,)) if place else Location()
    return Report(item, loc, Assessment(category, severity, signals))


def run(*reports: Report, policy: ClusterPolicy = POLICY) -> list[tuple[str, ChangeReason]]:
    """Fold reports through an index as the service does; (event id, reason) per report."""
    index, out = EventIndex(), []
    for r in reports:
        change = fold(r, index.candidates(r, r.item.published, policy), r.item.published, policy)
        index.put(change.event)
        out.append((change.event.id, change.reason))
    return out


def test_first_report_is_new_with_deterministic_id() -> None:
    r = report("Gunmen storm Kabul hotel")
    change = fold(r, [], T0, POLICY)
    assert change.reason is ChangeReason.NEW and change.event.revision == 1
    assert change.event.id == fold(r, [], T0, POLICY).event.id == cluster.event_id(r)
    assert change.event.id.startswith("ev-")


def test_the_same_report_twice_is_none() -> None:
    r = report("Gunmen storm Kabul hotel")
    first = fold(r, [], T0, POLICY)
    again = fold(r, [first.event], T0, POLICY)
    assert again.reason is ChangeReason.NONE and again.event == first.event


def test_follow_ups_join_and_name_their_reason() -> None:
    hour = timedelta(hours=1)
    results = run(
        report("Gunmen storm Kabul's Intercontinental hotel"),
        report("Intercontinental siege: toll rises", at=T0 + hour),
        report(
            "Kabul airport closed after hotel attack",
            at=T0 + 2 * hour,
            signals=(Signal.AIRPORT_CLOSED,),
        ),
        report("Hotel siege toll passes 40", at=T0 + 3 * hour, severity=4),
        report(
            "Kabul airport reopens; all clear",
            at=T0 + 4 * hour,
            severity=1,
            signals=(Signal.ALL_CLEAR,),
        ),
    )
    assert len({e for e, _ in results}) == 1
    assert [r for _, r in results] == [
        ChangeReason.NEW,
        ChangeReason.NONE,
        ChangeReason.UPDATED,
        ChangeReason.ESCALATED,
        ChangeReason.RESOLVED,
    ]


def test_revision_counts_notifying_changes() -> None:
    index, revision = EventIndex(), 0
    for i, sig in enumerate([(), (), (Signal.CURFEW,), ()]):
        r = report(f"Kabul unrest report {i}", at=T0 + timedelta(hours=i), signals=sig)
        change = fold(r, index.candidates(r, r.item.published, POLICY), r.item.published, POLICY)
        index.put(change.event)
        revision += change.reason.notifies
        assert change.event.revision == revision


def test_severity_zero_never_notifies_until_a_worse_report_joins() -> None:
    quiet = report("Kabul market crowds", category=Category.NONE, severity=0)
    first = fold(quiet, [], T0, POLICY)
    assert first.reason is ChangeReason.NONE and first.event.revision == 0
    worse = report("Kabul market crowds: blast", at=T0 + timedelta(hours=1))
    second = fold(worse, [first.event], T0 + timedelta(hours=1), POLICY)
    assert second.reason is ChangeReason.NEW and second.event.id == first.event.id


def test_other_town_same_night_is_another_event() -> None:
    a, b = run(
        report("Gunmen attack village"),
        report("Gunmen attack village", place=JALALABAD, at=T0 + timedelta(hours=1)),
    )
    assert a[0] != b[0] and b[1] is ChangeReason.NEW


def test_same_city_weeks_later_is_another_event() -> None:
    a, b = run(
        report("Car bomb kills dozens in Kabul"),
        report("Car bomb kills dozens in Kabul", at=T0 + timedelta(days=25)),
    )
    assert a[0] != b[0]


def test_new_attack_in_same_city_two_days_later_is_another_event() -> None:
    results = run(
        report("Bomb hidden in ambulance kills 95 near interior ministry"),
        report("Taliban claim ambulance bombing", at=T0 + timedelta(hours=20)),
        report("Explosions and gunfire at military academy", at=T0 + timedelta(hours=40)),
    )
    assert results[0][0] == results[1][0] != results[2][0]


def test_new_magnitude_days_later_is_a_new_quake() -> None:
    def quake(title: str, summary: str, hours: float) -> Report:
        at = T0 + timedelta(hours=hours)
        return report(title, summary=summary, at=at, place=ROME, category=Category.NATURAL_DISASTER)

    results = run(
        quake("Strong earthquake jolts central Italy", "A magnitude 5.4 quake", 0),
        quake("Second, stronger tremor rocks the hills", "A magnitude 5.9 shock", 2),
        quake("Strong earthquake jolts central Italy", "A magnitude 6.5 quake", 96),
    )
    assert results[0][0] == results[1][0] != results[2][0]


def test_protest_after_a_crash_is_a_reaction_not_the_crash() -> None:
    a, b = run(
        report("Training jet crashes into school", category=Category.TRANSPORT),
        report(
            "Students clash with police at school",
            category=Category.CIVIL_UNREST,
            at=T0 + timedelta(hours=20),
        ),
    )
    assert a[0] != b[0]


def test_gdacs_ids_link_items_whatever_the_text() -> None:
    hints = Hints(gdacs_event_id="1234", gdacs_event_type="EQ")
    a, b = run(
        report("Green alert", hints=hints, place=ROME),
        report("Orange earthquake alert", hints=hints, place=None, at=T0 + timedelta(hours=30)),
    )
    assert a[0] == b[0]


def test_unplaced_report_joins_by_text() -> None:
    a, b = run(
        report("Anis Amri sought over Christmas market attack"),
        report("Anis Amri shot dead by police", place=None, at=T0 + timedelta(hours=5)),
    )
    assert a[0] == b[0]


def test_end_of_manhunt_abroad_joins_by_names() -> None:
    a, b = run(
        report("Germany seeks Anis Amri over market attack", summary="A reward is offered."),
        report(
            "Market attack suspect Anis Amri shot dead by police",
            place=ROME,
            at=T0 + timedelta(days=2),
        ),
    )
    assert a[0] == b[0]


def test_far_places_join_only_through_a_shared_name() -> None:
    # Ghazni is ~130 km from Kabul, in the next 1-degree cell: the same wording there is
    # another incident unless a name (a venue, a suspect) ties the two together.
    ghazni = Place("Ghazni", "AF", 33.55, 68.42, PlaceKind.CITY)
    words = "Death toll rises after hotel siege"
    summary = "Officials say the siege ended overnight and the gunmen were killed."
    a, b = run(
        report(words, summary=summary),
        report(words, summary=summary, place=ghazni, at=T0 + timedelta(hours=3)),
    )
    assert a[0] != b[0]
    named = summary.replace("the siege", "the siege of the Serena hotel")
    a, b = run(
        report(words, summary=named),
        report(words, summary=named, place=ghazni, at=T0 + timedelta(hours=3)),
    )
    assert a[0] == b[0]


def test_a_natural_hazard_reaches_as_far_up_north_as_at_the_equator() -> None:
    # At 61 degrees north a degree of longitude is ~54 km: the second town is ~140 km east,
    # two cells away, and still within the reach of one earthquake.
    anchorage = Place("Anchorage", "US", 61.22, -149.90, PlaceKind.CITY)
    east = Place("Glennallen", "US", 61.22, -147.29, PlaceKind.CITY)
    assert 130 < km(anchorage, east) < POLICY.area_km
    quake = Category.NATURAL_DISASTER
    a, b = run(
        report("Strong earthquake shakes southern Alaska", place=anchorage, category=quake),
        report(
            "Roads cracked and power out after the earthquake",
            place=east,
            category=quake,
            at=T0 + timedelta(hours=2),
        ),
    )
    assert a[0] == b[0]


def test_expire_resolves_after_silence_and_reminds_when_asked() -> None:
    event = fold(report("Kabul attack"), [], T0, POLICY).event
    assert expire(event, T0 + timedelta(hours=1), POLICY) is None
    gone = expire(event, T0 + POLICY.expiry, POLICY)
    assert gone is not None and gone.reason is ChangeReason.RESOLVED
    assert gone.detail == f"no report for {int(POLICY.expiry.total_seconds() // 3600)} h"
    assert expire(gone.event, T0 + 2 * POLICY.expiry, POLICY) is None
    reminding = ClusterPolicy.from_mapping({"repeat": "12h"})
    due = expire(event, T0 + timedelta(hours=13), reminding)
    assert due is not None and due.reason is ChangeReason.REMINDER
    assert due.event.revision == event.revision + 1


def test_policy_from_mapping() -> None:
    p = ClusterPolicy.from_mapping(
        {"window": "4d", "expiry": 72, "repeat": None, "severity_step": 2}
    )
    assert p.window == timedelta(days=4) and p.expiry == timedelta(hours=72)
    assert p.repeat is None and p.severity_step == 2
    assert ClusterPolicy.from_mapping({}) == ClusterPolicy()


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"window": "soon"}, "window"),
        ({"severity_step": "x"}, "severity_step"),
        ({"windw": 3}, "windw"),
        ({"expiry": -1}, "expiry"),
    ],
)
def test_policy_errors_name_the_field(bad: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=field):
        ClusterPolicy.from_mapping(bad)


def test_index_finds_near_events_only_and_evicts() -> None:
    index = EventIndex()
    kabul = fold(report("Kabul attack"), [], T0, POLICY).event
    rome = fold(report("Rome attack", place=ROME), [], T0, POLICY).event
    index.put(kabul)
    index.put(rome)
    found = index.candidates(report("Kabul toll"), T0, POLICY)
    assert [e.id for e in found] == [kabul.id]
    later = T0 + timedelta(days=30)
    assert index.candidates(report("Kabul toll", at=later), later, POLICY) == []
    assert index.evict(T0 + timedelta(minutes=1)) == 2 and len(index) == 0


def test_index_finds_every_event_at_the_same_place_or_near_enough_anywhere_on_earth() -> None:
    # Places of every kind from the equator to the poles and across the date line; an event
    # the place relation calls the same place or near enough must be among the candidates.
    rng = random.Random(5)
    kinds = [PlaceKind.CITY, PlaceKind.CITY, PlaceKind.REGION, PlaceKind.AIRPORT]
    categories = [Category.TERRORISM, Category.NATURAL_DISASTER, Category.CIVIL_UNREST]

    def spot(i: int) -> Place:
        lat = rng.choice([rng.uniform(-89.5, 89.5), rng.uniform(55, 89.5), rng.uniform(-3, 3)])
        lon = rng.choice([rng.uniform(-180, 180), rng.uniform(178, 180), rng.uniform(-180, -178)])
        name = f"Town{rng.randrange(40)}"  # a few names recur, far apart
        return Place(name, "ZZ", lat, lon, rng.choice(kinds))

    index = EventIndex(policy=POLICY)
    events = []
    for i in range(400):
        r = report(f"Event {i}", place=spot(i), category=rng.choice(categories))
        event = fold(r, [], T0, POLICY).event
        index.put(event)
        events.append(event)
    found = 0
    for i in range(400):
        # Reports near the events' places, where most of them should be found.
        base = rng.choice(events).places[0]
        near = Place(
            f"Town{rng.randrange(40)}",
            "ZZ",
            max(-89.9, min(89.9, base.lat + rng.uniform(-1.5, 1.5))),
            (base.lon + rng.uniform(-4, 4) + 180) % 360 - 180,
            rng.choice(kinds),
        )
        r = report(f"Report {i}", place=near, category=rng.choice(categories))
        got = {e.id for e in index.candidates(r, T0, POLICY)}
        spot_ = Spot.of(r.location.places, r.location.countries)
        for e in events:
            hazard = not HAZARD_KINDS.isdisjoint({r.assessment.category, e.category})
            if relation(spot_, hazard, e, POLICY) in (EXACT, SAME):
                found += 1
                assert e.id in got, (r.location.places, e.places, e.category)
    assert found > 100  # the test meets many near pairs, not a few


def test_index_put_replaces_by_id_and_due_lists_expiring() -> None:
    event = fold(report("Kabul attack"), [], T0, POLICY).event
    index = EventIndex([event, event])
    assert len(index) == 1
    assert index.due(T0 + timedelta(hours=1), POLICY) == []
    assert [e.id for e in index.due(T0 + POLICY.expiry, POLICY)] == [event.id]
    index.put(replace(event, resolved=True))
    assert index.due(T0 + POLICY.expiry, POLICY) == []


def test_replay_yields_one_line_per_item() -> None:
    lines: list[dict[str, Any]] = [
        {
            "id": "a",
            "published": "2024-10-01T16:00:00Z",
            "title": "Kabul attack",
            "summary": "",
            "source_name": "wire",
            "link": "https://x.test/a",
        },
        {
            "id": "b",
            "published": "2024-10-01T17:00:00Z",
            "title": "Kabul attack toll rises",
            "summary": "",
            "source_name": "daily",
            "link": None,
        },
    ]

    def classify(item: Item) -> Report:
        return Report(item, Location(("AF",), (KABUL,)), Assessment(Category.TERRORISM, 3))

    out = list(replay(lines, classify, POLICY))
    assert [o["id"] for o in out] == ["a", "b"]
    assert out[0]["event"] == out[1]["event"] and [o["reason"] for o in out] == ["NEW", "NONE"]
    assert list(replay(lines, classify, POLICY)) == out  # deterministic
    changes = list(replay_changes(lines, classify, POLICY))
    assert all(not expired for _, _, expired in changes)


# ---------------------------------------------------------------- robust to the classifier

BORVO = Place("Borvo", "ZZ", 10.0, 1.0, PlaceKind.CITY)  # made-up towns in made-up countries
KESTA = Place("Kesta", "YY", 30.0, 40.0, PlaceKind.CITY)


def test_a_place_named_only_about_another_incident_does_not_locate_the_report() -> None:
    text = "Villagers bury 14 dead. The raid came a few hours before the massacre in Kesta."
    at = text.index("Kesta")
    r = report(text, place=replace(KESTA, span=(at, at + 5), matched="Kesta"))
    p = probe(r, T0)
    assert p.places == () and p.countries == ()
    kept = report("Raid in Kesta kills 14", place=replace(KESTA, span=(8, 13), matched="Kesta"))
    assert probe(kept, T0).places  # named outside the clause: kept


def test_an_unplaced_report_naming_the_event_town_joins_early() -> None:
    a, b = run(
        report(
            "Strong earthquake jolts the hills", place=BORVO, category=Category.NATURAL_DISASTER
        ),
        report(
            "Borvo's old bell tower collapses",
            summary="Monks knelt in the square; about twenty people were hurt.",
            place=None,
            category=Category.NATURAL_DISASTER,
            at=T0 + timedelta(hours=3),
        ),
    )
    assert a[0] == b[0]


def test_a_town_put_in_the_wrong_country_still_meets_the_event_naming_it() -> None:
    a, b = run(
        report(
            "Gunmen kill dozens in overnight raid",
            summary="Attackers struck Borvo at night and burned the market in the massacre.",
            place=replace(BORVO, name="Zedland", kind=PlaceKind.COUNTRY),
        ),
        report(
            "Families flee Borvo after the massacre",
            summary="Thousands left Borvo for safer towns.",
            place=replace(KESTA, name="Borvo", matched="Borvo"),
            category=Category.NONE,
            at=T0 + timedelta(days=2),
        ),
    )
    assert a[0] == b[0]


def test_protesters_after_a_crash_are_a_reaction_whatever_their_category() -> None:
    a, b = run(
        report("Training jet crashes into school", place=BORVO, category=Category.TRANSPORT),
        report(
            "Students besiege officials at the school, demand the list of victims",
            summary="They blocked the roundabout near the crash site.",
            place=None,
            category=Category.TERRORISM,  # a classifier's mistake
            at=T0 + timedelta(hours=20),
        ),
    )
    assert a[0] != b[0]
