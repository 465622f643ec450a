"""Imported staff in the database: the same file twice gives the same state."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, func, select

from alerts.models import Person, Whereabouts
from alerts.roster import Roster
from alerts.staff import ImportResult
from alerts.staff_import import import_file
from alerts.store import staff as staff_rows
from alerts.store.schema import people, segments

PLACES = {
    "bamako": Whereabouts("Bamako", "ML", 12.65, -8.0),
    "nairobi": Whereabouts("Nairobi", "KE", -1.28, 36.82),
}
PEOPLE_CSV = (
    "email,name,language,home,timezone,quiet_hours,groups\n"
    "amina.diallo@example.org,Amina Diallo,fr,Bamako,Africa/Bamako,22-7,sahel-team|desk\n"
    "james.mwangi@example.org,James Mwangi,en,,Africa/Nairobi,,\n"
)
TRIPS_CSV = (
    "email,place,start,end\n"
    "amina.diallo@example.org,Nairobi,2026-12-01,2026-12-03\n"
    "amina.diallo@example.org,Bamako,2026-12-04,2026-12-05\n"
    "james.mwangi@example.org,Bamako,2026-12-01T08:00+03:00,2026-12-02T20:00+03:00\n"
)


def resolve(name: str) -> Whereabouts | None:
    return PLACES.get(name.lower())


def imported(tmp_path: Path, name: str, text: str) -> ImportResult:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_file(path, resolve)


def counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(people)).scalar_one(),
            conn.execute(select(func.count()).select_from(segments)).scalar_one(),
        )


def test_people_round_trip_and_idempotent(engine: Engine, tmp_path: Path) -> None:
    result = imported(tmp_path, "people.csv", PEOPLE_CSV)
    for _ in range(2):
        with engine.begin() as conn:
            staff_rows.save(conn, result)
    assert counts(engine) == (2, 0)
    with engine.connect() as conn:
        loaded = staff_rows.load_people(conn)
    assert loaded == list(result.people)
    assert loaded[0] == Person(
        "amina.diallo@example.org",
        "Amina Diallo",
        "fr",
        PLACES["bamako"],
        "Africa/Bamako",
        (22, 7),
        ("sahel-team", "desk"),
    )


def test_a_changed_person_is_updated_in_place(engine: Engine, tmp_path: Path) -> None:
    with engine.begin() as conn:
        staff_rows.save(conn, imported(tmp_path, "people.csv", PEOPLE_CSV))
        staff_rows.save(
            conn,
            imported(tmp_path, "people.csv", PEOPLE_CSV.replace("James Mwangi,en", "James M.,fr")),
        )
    with engine.connect() as conn:
        james = staff_rows.load_people(conn)[1]
    assert (james.name, james.language, james.home) == ("James M.", "fr", None)


def test_segments_idempotent_and_replaced_per_file(engine: Engine, tmp_path: Path) -> None:
    trips = imported(tmp_path, "trips.csv", TRIPS_CSV)
    other = imported(
        tmp_path,
        "other.csv",
        TRIPS_CSV.splitlines()[0]
        + "\n"
        + TRIPS_CSV.splitlines()[1].replace("12-03", "12-02")
        + "\n",
    )
    with engine.begin() as conn:
        staff_rows.save(conn, other)
        staff_rows.save(conn, trips)
        staff_rows.save(conn, trips)
    assert counts(engine) == (0, 4)
    with engine.connect() as conn:
        loaded = staff_rows.load_segments(conn)
    assert loaded[1:] == list(trips.segments)
    assert loaded[3].start == datetime(2026, 12, 1, 5, tzinfo=UTC)
    # The next export of trips.csv no longer has Amina's Nairobi leg: it goes.
    cancelled = imported(
        tmp_path,
        "trips.csv",
        "\n".join(line for i, line in enumerate(TRIPS_CSV.splitlines()) if i != 1) + "\n",
    )
    with engine.begin() as conn:
        staff_rows.save(conn, cancelled)
    with engine.connect() as conn:
        loaded = staff_rows.load_segments(conn)
    assert [(s.place.name, s.end.day) for s in loaded] == [
        ("Nairobi", 3),
        ("Bamako", 6),
        ("Bamako", 2),
    ]  # other.csv's leg stays
    assert loaded[1].place is loaded[2].place  # equal places share one record


def test_loaded_rows_build_a_roster(engine: Engine, tmp_path: Path) -> None:
    with engine.begin() as conn:
        staff_rows.save(conn, imported(tmp_path, "people.csv", PEOPLE_CSV))
        staff_rows.save(conn, imported(tmp_path, "trips.csv", TRIPS_CSV))
    with engine.connect() as conn:
        roster = Roster.build(staff_rows.load_people(conn), staff_rows.load_segments(conn))
    assert len(roster) == 4  # one home base, three segments
    assert [s.place.name for s in roster.trips("amina.diallo@example.org")] == ["Nairobi", "Bamako"]
