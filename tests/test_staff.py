"""Staff files: staff.yaml, CSV exports and .ics bookings, with the bad rows reported."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from alerts.errors import ConfigError
from alerts.models import Whereabouts
from alerts.staff import load_staff, parse_place, parse_time
from alerts.staff_import import import_file

PLACES = {
    "bamako": Whereabouts("Bamako", "ML", 12.65, -8.0),
    "bamako, mali": Whereabouts("Bamako", "ML", 12.65, -8.0),
    "bko": Whereabouts("Senou Airport", "ML", 12.53, -7.95),
    "nairobi": Whereabouts("Nairobi", "KE", -1.28, 36.82),
    "madrid": Whereabouts("Madrid", "ES", 40.42, -3.70),
}


def resolve(name: str) -> Whereabouts | None:
    return PLACES.get(name.strip().lower())


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bamako", "Bamako"),
        ("12.5, -8.25", "12.5000,-8.2500"),
        ("Radisson Blu, Bamako, Mali", "Bamako"),
        ("Senou International (BKO)", "Senou Airport"),
    ],
)
def test_places_by_name_code_or_coordinates(text: str, expected: str) -> None:
    assert parse_place(text, resolve).name == expected


@pytest.mark.parametrize("text", ["Atlantis", "", "95,10"])
def test_unknown_places_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_place(text, resolve)


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2026-12-01", False, datetime(2026, 12, 1, tzinfo=UTC)),
        ("2026-12-10", True, datetime(2026, 12, 11, tzinfo=UTC)),  # the whole last day
        ("20261210", True, datetime(2026, 12, 11, tzinfo=UTC)),
        ("2026-12-01T10:30:00Z", False, datetime(2026, 12, 1, 10, 30, tzinfo=UTC)),
        ("2026-12-01 10:30", True, datetime(2026, 12, 1, 10, 30, tzinfo=UTC)),
        ("2026-12-01T12:00+02:00", False, datetime(2026, 12, 1, 10, tzinfo=UTC)),
    ],
)
def test_times(text: str, end: bool, expected: datetime) -> None:
    assert parse_time(text, end=end) == expected


def test_people_csv_imports_good_rows_and_reports_bad_ones(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "staff.csv",
        (
            "email,name,language,home,timezone\n"
            "amina.diallo@example.org,Amina Diallo,fr,Bamako,Africa/Bamako\n"
            "not-an-email,Bad Email,en,Bamako,UTC\n"
            "x@example.org,Lost,en,Atlantis,UTC\n"
            "AMINA.DIALLO@example.org,Amina Again,fr,Bamako,Africa/Bamako\n"
            "\n"
            "y@example.org,Zoned,en,Nairobi,Mars/Olympus\n"
            "james.mwangi@example.org,James Mwangi,,Nairobi,Africa/Nairobi\n"
        ),
    )
    result = import_file(path, resolve)
    assert [p.email for p in result.people] == [
        "amina.diallo@example.org",
        "james.mwangi@example.org",
    ]
    assert result.people[1].language == "en"
    assert result.segments == ()
    assert result.problems == (
        "staff.csv:3: bad email 'not-an-email'",
        "staff.csv:4: unknown place 'Atlantis'",
        "staff.csv:5: duplicate person amina.diallo@example.org (first on line 2)",
        "staff.csv:7: unknown time zone 'Mars/Olympus'",
    )
    assert result.source == "staff.csv"


def test_segments_csv_with_semicolons_and_bad_rows(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "trips.csv",
        (
            "\ufeffEmail;Place;Start;End\n"
            "sofia.lopez@example.org;Bamako;2026-12-01;2026-12-10\n"
            "sofia.lopez@example.org;Bamako;2026-12-10;2026-12-01\n"
            "sofia.lopez@example.org;Atlantis;2026-12-01;2026-12-10\n"
            "sofia lopez;Bamako;2026-12-01;2026-12-10\n"
            'james.mwangi@example.org;"12.6,-8.0";2026-12-01T08:00Z;2026-12-02T08:00Z\n'
            "james.mwangi@example.org;Nairobi;next week;2026-12-02\n"
        ),
    )
    result = import_file(path, resolve)
    assert [(s.email, s.place.name) for s in result.segments] == [
        ("sofia.lopez@example.org", "Bamako"),
        ("james.mwangi@example.org", "12.6000,-8.0000"),
    ]
    assert result.segments[0].end == datetime(2026, 12, 11, tzinfo=UTC)
    problems = result.problems
    assert problems[0].startswith("trips.csv:3: end 2026-12-02T00:00:00+00:00 is not after start")
    assert problems[1:3] == (
        "trips.csv:4: unknown place 'Atlantis'",
        "trips.csv:5: bad email 'sofia lopez'",
    )
    assert problems[3].startswith("trips.csv:7: ")
    assert len(problems) == 4


def test_segments_csv_without_email_column_takes_the_option(tmp_path: Path) -> None:
    path = write(tmp_path, "trip.csv", "place,start,end\nBamako,2026-12-01,2026-12-03\n")
    result = import_file(path, resolve, email="Sofia.Lopez@example.org")
    assert [s.email for s in result.segments] == ["sofia.lopez@example.org"]
    with pytest.raises(ConfigError, match="header must be"):
        import_file(path, resolve)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("x.csv", "who,what\na,b\n", "x.csv:1: header must be"),
        ("x.txt", "email,name\n", "unknown file type"),
        ("x.ics", "not a calendar", "not an iCalendar file"),
    ],
)
def test_unusable_files_raise_config_error(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        import_file(write(tmp_path, name, text), resolve)


ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Travel Agency//Bookings//EN
BEGIN:VEVENT
UID:1@agency
SUMMARY:Hotel Bamako
LOCATION:Radisson Blu\\, Bamako\\, Mali
DTSTART;TZID=Africa/Bamako:20261201T140000
DTEND;TZID=Africa/Bamako:20261205T110000
ATTENDEE;CN=Sofia Lopez:mailto:sofia.lopez@example.org
END:VEVENT
BEGIN:VEVENT
UID:2@agency
LOCATION:Atlantis
DTSTART;VALUE=DATE:20261205
DTEND;VALUE=DATE:20261207
ATTENDEE:mailto:sofia.lopez@example.org
END:VEVENT
BEGIN:VEVENT
UID:3@agency
LOCATION:Somewhere only GEO knows
GEO:12.5;-8.1
DTSTART;VALUE=DATE:20261205
DTEND;VALUE=DATE:20261207
ORGANIZER:mailto:sofia.lopez@example.org
END:VEVENT
BEGIN:VEVENT
UID:4@agency
LOCATION:Nairobi
DTSTART:20261210T100000Z
DTEND:20261209T100000Z
ATTENDEE:mailto:sofia.lopez@example.org
END:VEVENT
BEGIN:VEVENT
UID:5@agency
LOCATION:Madrid
STATUS:CANCELLED
DTSTART;VALUE=DATE:20261205
DTEND;VALUE=DATE:20261207
END:VEVENT
BEGIN:VEVENT
UID:7@agency
LOCATION:Bamako
DTEND;VALUE=DATE:20261207
ATTENDEE:mailto:sofia.lopez@example.org
END:VEVENT
BEGIN:VEVENT
UID:6@agency
LOCATION:BKO
DTSTART:20261210T100000Z
DURATION:PT2H
ATTENDEE:mailto:a@example.org
ATTENDEE:mailto:b@example.org
END:VEVENT
END:VCALENDAR
"""


def test_ics_one_segment_per_event_with_bad_events_reported(tmp_path: Path) -> None:
    result = import_file(write(tmp_path, "trips.ics", ICS), resolve)
    assert [(s.email, s.place.name, s.place.lat) for s in result.segments] == [
        ("sofia.lopez@example.org", "Bamako", 12.65),
        ("sofia.lopez@example.org", "Somewhere only GEO knows", 12.5),
    ]
    first, second = result.segments
    assert first.start == datetime(2026, 12, 1, 14, tzinfo=UTC)  # Bamako is UTC+0
    assert second.end == datetime(2026, 12, 7, tzinfo=UTC)  # DTEND of a date is exclusive
    assert result.problems[0] == "trips.ics:12: unknown place 'Atlantis'"
    assert result.problems[1].startswith("trips.ics:27: end ")
    assert result.problems[2] == "trips.ics:41: missing DTSTART"
    assert result.problems[3] == (
        "trips.ics:47: cannot tell whose trip this is (2 attendees): use --email"
    )
    assert len(result.problems) == 4


def test_ics_email_option_names_the_traveller(tmp_path: Path) -> None:
    result = import_file(write(tmp_path, "trips.ics", ICS), resolve, email="james@example.org")
    assert {s.email for s in result.segments} == {"james@example.org"}
    assert len(result.segments) == 3  # the event with two attendees is now James's too
    with pytest.raises(ConfigError, match="--email"):
        import_file(tmp_path / "trips.ics", resolve, email="not an address")


STAFF_YAML = """
people:
  - email: amina.diallo@example.org
    name: Amina Diallo
    language: fr
    home: Bamako
    timezone: Africa/Bamako
    quiet_hours: [22, 7]
    groups: [sahel-team]
  - email: sofia.lopez@example.org
    name: Sofia Lopez
    home: Madrid
    timezone: Europe/Madrid
    itinerary:
      - {place: Bamako, start: 2026-12-01, end: 2026-12-10}
      - {place: Atlantis, start: 2026-12-11, end: 2026-12-12}
  - email: amina.diallo@example.org
    name: Twice
  - email: bad
    name: "Line\\nbreak"
    timezone: Nowhere/City
    quiet_hours: [7, 7]
    colour: blue
"""


def test_staff_yaml_people_itineraries_and_problems(tmp_path: Path) -> None:
    path = write(tmp_path, "staff.yaml", STAFF_YAML)
    staff = load_staff(path, resolve)
    assert [p.email for p in staff.people] == [
        "amina.diallo@example.org",
        "sofia.lopez@example.org",
    ]
    amina = staff.people[0]
    assert (amina.quiet_hours, amina.groups, amina.home) == (
        (22, 7),
        ("sahel-team",),
        PLACES["bamako"],
    )
    assert [(s.place.name, s.end) for s in staff.segments] == [
        ("Bamako", datetime(2026, 12, 11, tzinfo=UTC))
    ]
    assert staff.problems == (
        f"{path}: people[1].itinerary[1]: unknown place 'Atlantis'",
        f"{path}: people[2].email: duplicate person amina.diallo@example.org",
        f"{path}: people[3].colour: unknown field",
        f"{path}: people[3].email: bad email 'bad'",
        f"{path}: people[3].name: name must be one non-empty line",
        f"{path}: people[3].timezone: unknown time zone 'Nowhere/City'",
        f"{path}: people[3].quiet_hours: quiet hours must be two different hours 0-23",
    )


def test_the_example_staff_file_is_valid() -> None:
    path = Path(__file__).resolve().parents[1] / "config" / "staff.yaml"
    staff = load_staff(path, resolve)
    assert staff.problems == ()
    assert {p.email for p in staff.people} == {
        "amina.diallo@example.org",
        "james.mwangi@example.org",
        "sofia.lopez@example.org",
    }
