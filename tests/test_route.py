"""The pure routing decision: who gets an event, when, and the reason in words."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from alerts.models import Category, Event, Person, Place, PlaceKind, Recipient, Segment, Whereabouts
from alerts.roster import Roster
from alerts.route import home_time, next_hour, quiet_until, route
from alerts.routetest import format_recipients
from alerts.routing import Routing, load_routing
from alerts.staff import load_staff

CONFIG = Path(__file__).resolve().parents[1] / "config"
BAMAKO = Whereabouts("Bamako", "ML", 12.65, -8.0)
KATI = Whereabouts("Kati", "ML", 12.74, -8.07)  # ~13 km from Bamako
SEGOU = Whereabouts("Segou", "ML", 13.43, -6.26)  # ~207 km
TIMBUKTU = Whereabouts("Timbuktu", "ML", 16.77, -3.0)  # ~706 km
SIGUIRI = Whereabouts("Siguiri", "GN", 11.42, -9.17)  # ~187 km, across the border
NAIROBI = Whereabouts("Nairobi", "KE", -1.28, 36.82)
MADRID = Whereabouts("Madrid", "ES", 40.42, -3.70)
PLACES = {w.name.lower(): w for w in (BAMAKO, NAIROBI, MADRID)}


def day(d: int, hour: int = 9) -> datetime:
    return (
        datetime(2026, 12, d, hour, tzinfo=UTC)
        if d > 0
        else datetime(2026, 11, 30 + d, hour, tzinfo=UTC)
    )


def event(
    severity: int = 4,
    places: tuple[Place, ...] | None = None,
    countries: tuple[str, ...] = ("ML",),
    category: Category = Category.TERRORISM,
    max_severity: int | None = None,
) -> Event:
    if places is None:
        places = (Place("Bamako", "ML", 12.65, -8.0, PlaceKind.CITY),)
    return Event(
        id="ev-1",
        headline="Attack",
        category=category,
        severity=severity,
        max_severity=max_severity or severity,
        signals=frozenset(),
        countries=countries,
        places=places,
        first_seen=day(1),
        last_seen=day(1),
        sources=(),
    )


def staff(
    home: Whereabouts | None,
    *trips: tuple[Whereabouts, int, int],
    quiet: tuple[int, int] | None = None,
    zone: str = "UTC",
    language: str = "en",
) -> Roster:
    who = Person("p@example.org", "Pat", language, home, zone, quiet)
    segments = [Segment(who.email, w, day(a, 0), day(b, 0)) for w, a, b in trips]
    return Roster.build([who], segments)


def why(roster: Roster, ev: Event, now: datetime, routing: Routing | None = None) -> list[str]:
    return [r.why for r in route(ev, roster, routing or Routing.default(), now)]


@pytest.mark.parametrize(
    ("home", "severity", "expected"),
    [
        (KATI, 2, ["your home base Kati is 13 km from the event"]),
        (SEGOU, 2, []),  # 50 km at severity 2
        (SEGOU, 3, []),  # 100 km at severity 3
        (SEGOU, 4, ["your home base Segou is 207 km from the event"]),  # 350 km
        (TIMBUKTU, 4, []),
        (TIMBUKTU, 5, ["your home base Timbuktu is 706 km from the event"]),  # whole country
        (SIGUIRI, 5, ["your home base Siguiri is 187 km from the event"]),  # and 350 km round
        (NAIROBI, 5, []),
        (KATI, 1, []),  # minimal: nobody by distance
    ],
)
def test_inside_and_outside_the_radius(
    home: Whereabouts, severity: int, expected: list[str]
) -> None:
    assert why(staff(home), event(severity), day(5)) == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (day(-8), []),  # arrival 9 days ahead: outside the 7-day window
        (day(-4), ["you arrive in Bamako on 1 Dec (under 1 km from the event)"]),
        (day(1, 0), ["you are in Bamako (under 1 km from the event) until 10 Dec"]),
        (day(10, 23), ["you are in Bamako (under 1 km from the event) until 10 Dec"]),
        (day(11, 0), []),  # back in Madrid
        (day(20), []),
    ],
)
def test_before_during_and_after_a_segment(now: datetime, expected: list[str]) -> None:
    roster = staff(MADRID, (BAMAKO, 1, 11), zone="Europe/Madrid")
    assert why(roster, event(4), now) == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (day(-3), ["your home base Bamako is under 1 km from the event"]),  # not left yet
        (day(2), []),  # in Nairobi; home again on 11 Dec, 9 days ahead
        (day(5), ["you return to your home base Bamako on 11 Dec (under 1 km from the event)"]),
        (day(12), ["your home base Bamako is under 1 km from the event"]),
    ],
)
def test_home_base_counts_when_no_segment_covers_the_time(
    now: datetime, expected: list[str]
) -> None:
    roster = staff(BAMAKO, (NAIROBI, 1, 11))
    assert why(roster, event(4), now) == expected


def test_home_time_skips_back_to_back_segments() -> None:
    trips = [
        Segment("p", NAIROBI, day(1, 0), day(3, 0)),
        Segment("p", MADRID, day(3, 0), day(6, 0)),
    ]
    assert home_time(trips, day(2), day(9)) == day(6, 0)
    assert home_time(trips, day(2), day(5)) is None
    assert home_time(trips, day(-1), day(5)) == day(-1)


@pytest.mark.parametrize(
    ("severity", "expected"),
    [
        (2, []),
        (3, ["your home base Timbuktu is in Mali, where the event is"]),
        (5, ["your home base Timbuktu is in Mali, where the event is"]),
    ],
)
def test_country_level_event_reaches_the_whole_country_from_severity_3(
    severity: int, expected: list[str]
) -> None:
    ev = event(severity, places=())
    assert why(staff(TIMBUKTU), ev, day(5)) == expected
    assert why(staff(NAIROBI), ev, day(5)) == []


@pytest.mark.parametrize(
    ("zone", "now", "severity", "held_until"),
    [
        ("Africa/Bamako", day(5, 23), 3, day(6, 7)),  # 23:00 local: held to 07:00
        ("Africa/Bamako", day(5, 3), 3, day(5, 7)),
        ("Africa/Bamako", day(5, 12), 3, None),
        ("Africa/Bamako", day(5, 23), 4, None),  # severity 4 overrides quiet hours
        ("Europe/Madrid", day(5, 22), 3, day(6, 6)),  # 23:00 in Madrid -> 07:00 = 06:00 UTC
        (
            "Europe/Madrid",
            day(
                5,
                21,
            ),
            3,
            day(6, 6),
        ),  # 22:00 in Madrid
        ("Europe/Madrid", day(5, 20), 3, None),
        ("Asia/Tokyo", day(5, 12), 3, day(5, 22)),  # 21:00 in Tokyo is not quiet...
    ],
)
def test_quiet_hours_in_the_persons_time_zone(
    zone: str, now: datetime, severity: int, held_until: datetime | None
) -> None:
    quiet = (21, 7) if zone == "Asia/Tokyo" else (22, 7)  # ...with quiet from 21:00 it is
    [recipient] = route(
        event(severity), staff(KATI, quiet=quiet, zone=zone), Routing.default(), now
    )
    assert recipient.not_before == held_until
    assert recipient.digest is False


def test_a_travellers_quiet_hours_follow_the_local_clock() -> None:
    # Home zone Tokyo (08:00 there), but in Bamako where it is 23:00: hold until 07:00 Bamako.
    roster = staff(MADRID, (BAMAKO, 1, 11), quiet=(22, 7), zone="Asia/Tokyo")
    [recipient] = route(event(3), roster, Routing.default(), day(5, 23))
    assert recipient.not_before == day(6, 7)
    assert recipient.why == "you are in Bamako (under 1 km from the event) until 10 Dec"


@pytest.mark.parametrize(
    ("roster", "now", "expected"),
    [
        (
            staff(MADRID, (BAMAKO, 1, 11), language="fr"),
            day(5),
            "vous êtes à Bamako (à moins de 1 km de l'événement) jusqu'au 10 déc.",
        ),
        (
            staff(MADRID, (BAMAKO, 1, 11), language="fr-FR"),
            day(-1),
            "vous arrivez à Bamako le 1er déc. (à moins de 1 km de l'événement)",
        ),
        (staff(KATI, language="fr"), day(5), "votre base, Kati, est à 13 km de l'événement"),
        (
            staff(KATI, (MADRID, 1, 3), language="fr"),
            day(2),
            "vous rentrez à votre base, Kati, le 3 déc. (à 13 km de l'événement)",
        ),
        (staff(KATI, language="de"), day(5), "your home base Kati is 13 km from the event"),
    ],
)
def test_the_reason_is_in_the_persons_language(
    roster: Roster, now: datetime, expected: str
) -> None:
    assert why(roster, event(4), now) == [expected]


def test_default_quiet_hours_come_from_the_routing_and_all_clear_obeys_them() -> None:
    routing = dataclasses.replace(Routing.default(), quiet_hours=(22, 7))
    all_clear = event(1, max_severity=4)  # resolved: reaches those told before, no waking
    [recipient] = route(all_clear, staff(KATI), routing, day(5, 23))
    assert recipient.not_before == day(6, 7)


@pytest.mark.parametrize(
    ("zone", "now", "hours", "expected"),
    [
        ("UTC", day(5, 9), (8, 17), day(5, 17)),
        ("UTC", day(5, 17), (8, 17), day(5, 17)),
        ("UTC", day(5, 18), (8, 17), day(6, 8)),
        ("Asia/Tokyo", day(5, 9), (8,), day(5, 23)),  # 18:00 Tokyo -> 08:00 = 23:00 UTC
        ("America/New_York", day(5, 9), (8,), day(5, 13)),  # 04:00 NY -> 08:00 = 13:00 UTC
    ],
)
def test_next_digest_hour(
    zone: str, now: datetime, hours: tuple[int, ...], expected: datetime
) -> None:
    from zoneinfo import ZoneInfo

    assert next_hour(now, ZoneInfo(zone), hours) == expected


def test_quiet_until_outside_quiet_hours_is_none() -> None:
    assert quiet_until(day(5, 12), UTC, (22, 7)) is None
    assert quiet_until(day(5, 2), UTC, (1, 6)) == day(5, 6)


ROUTES = """
groups:
  desk: [desk@example.org, p@example.org]
routes:
  - name: sahel-desk
    match: {countries: [ML, BF, NE], min_severity: 3}
    receivers: {addresses: [sahel@example.org]}
    continue: true
  - name: africa
    match: {regions: [Africa]}
    receivers: {addresses: [africa@example.org]}
    routes:
      - name: africa-terror
        match: {categories: [terrorism]}
        receivers: {groups: [desk]}
        mode: digest
        digest_hours: [8]
        timezone: Asia/Tokyo
  - name: never-reached
    receivers: {addresses: [late@example.org]}
default:
  match: {min_severity: 2}
  receivers: {addresses: [officer@example.org]}
  mode: digest
  digest_hours: [17]
"""


@pytest.fixture
def routing(tmp_path: Path) -> Routing:
    path = tmp_path / "routes.yaml"
    path.write_text(ROUTES, encoding="utf-8")
    return load_routing(path)


def table(recipients: list[Recipient]) -> list[tuple[str, str, str, bool]]:
    return [(r.email, r.route, r.why, r.digest) for r in recipients]


def test_routing_tree_with_continue_children_and_merged_duplicates(routing: Routing) -> None:
    recipients = route(event(4), staff(NAIROBI, language="fr"), routing, day(5))
    assert table(recipients) == [
        ("sahel@example.org", "sahel-desk", "route sahel-desk: Mali, severity >= 3", False),
        ("desk@example.org", "africa-terror", "route africa-terror: terrorism", True),
        ("p@example.org", "africa-terror", "route africa-terror: terrorism", True),
    ]
    desk, pat = recipients[1:]
    assert desk.not_before == day(5, 23)  # 08:00 in Tokyo, the route's zone
    assert pat.not_before == day(6, 8)  # 08:00 in Pat's own zone (UTC)
    assert (pat.name, pat.language, desk.name, desk.language) == (
        "Pat",
        "fr",
        "desk@example.org",
        "en",
    )


def test_parent_takes_the_event_when_no_child_matches(routing: Routing) -> None:
    ev = event(2, category=Category.HEALTH)  # below sahel-desk's severity, not terrorism
    assert table(route(ev, staff(None), routing, day(5))) == [
        ("africa@example.org", "africa", "route africa: Mali", False)
    ]


def test_default_route_only_when_no_route_matched(routing: Routing) -> None:
    madrid = (Place("Madrid", "ES", 40.42, -3.70, PlaceKind.CITY),)
    # The first route matching nothing, the catch-all `never-reached` takes Spain.
    assert [r.email for r in route(event(2, madrid, ("ES",)), staff(None), routing, day(5))] == [
        "late@example.org"
    ]
    no_catch_all = dataclasses.replace(routing, routes=routing.routes[:2])
    assert table(route(event(2, madrid, ("ES",)), staff(None), no_catch_all, day(5))) == [
        ("officer@example.org", "default", "route default: severity >= 2", True)
    ]
    assert route(event(1, madrid, ("ES",)), staff(None), no_catch_all, day(5)) == []


def test_nearness_beats_a_route_for_the_same_person(routing: Routing) -> None:
    recipients = route(event(4), staff(KATI), routing, day(5))
    pat = next(r for r in recipients if r.email == "p@example.org")
    assert (pat.why, pat.route, pat.digest) == (
        "your home base Kati is 13 km from the event",
        "",
        False,
    )
    assert len({r.email for r in recipients}) == len(recipients)


def resolve(name: str) -> Whereabouts | None:
    return PLACES.get(name.lower())


def test_demo_roster_severity_4_terrorism_in_bamako() -> None:
    staff_file = load_staff(CONFIG / "staff.yaml", resolve)
    roster = Roster.build(staff_file.people, staff_file.segments)
    routing = load_routing(CONFIG / "routes.yaml")
    now = datetime(2026, 11, 28, 6, tzinfo=UTC)  # the demo's fixed clock: Sofia flies in 3 days
    recipients = route(event(4), roster, routing, now)
    assert table(recipients) == [
        (
            "amina.diallo@example.org",
            "",
            "votre base, Bamako, est à moins de 1 km de l'événement",  # she reads French
            False,
        ),
        (
            "sofia.lopez@example.org",
            "",
            "you arrive in Bamako on 1 Dec (under 1 km from the event)",
            False,
        ),
        ("sahel-desk@example.org", "sahel-desk", "route sahel-desk: Mali, severity >= 3", False),
    ]
    assert all(r.not_before is None for r in recipients)  # severity 4: no quiet hours
    later = route(event(4), roster, routing, now + timedelta(days=20))
    assert "sofia.lopez@example.org" not in {r.email for r in later}


# ---------------------------------------------------------------- route-test output

HELD = Recipient(
    "p@example.org",
    "Pat",
    "fr",
    "your home base Kati is 13 km from the event",
    not_before=datetime(2026, 12, 6, 7, tzinfo=UTC),
)
DIGEST = Recipient(
    "desk@example.org",
    "desk@example.org",
    "en",
    "route africa: Mali",
    route="africa",
    digest=True,
    not_before=datetime(2026, 12, 5, 23, tzinfo=UTC),
)
NOW = Recipient(
    "sahel@example.org",
    "sahel@example.org",
    "en",
    "route sahel-desk: Mali, severity >= 3",
    route="sahel-desk",
)


def test_route_test_table() -> None:
    assert format_recipients([HELD, DIGEST, NOW], as_json=False).splitlines() == [
        "RECIPIENT            DELIVERY                                       WHY",
        "Pat <p@example.org>  held until 2026-12-06 07:00 UTC (quiet hours)  "
        "your home base Kati is 13 km from the event",
        "desk@example.org     digest at 2026-12-05 23:00 UTC                 route africa: Mali",
        "sahel@example.org    now                                            "
        "route sahel-desk: Mali, severity >= 3",
        "3 recipient(s)",
    ]
    assert format_recipients([], as_json=False) == "nobody would receive this event"


def test_route_test_json() -> None:
    rows = json.loads(format_recipients([HELD, NOW], as_json=True))
    assert rows[0] == {
        "email": "p@example.org",
        "name": "Pat",
        "language": "fr",
        "why": "your home base Kati is 13 km from the event",
        "route": None,
        "digest": False,
        "not_before": "2026-12-06T07:00:00+00:00",
        "delivery": "held until 2026-12-06 07:00 UTC (quiet hours)",
    }
    assert rows[1]["route"] == "sahel-desk" and rows[1]["not_before"] is None
    assert json.loads(format_recipients([], as_json=True)) == []
