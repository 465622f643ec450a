"""Importing staff from HR and travel exports: CSV files and iCalendar (.ics) bookings.

Like staff.yaml, every reader keeps the good rows and reports each bad one as
``file:line: reason``, so one typo never hides the rest.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from alerts.errors import ConfigError
from alerts.models import Person, Segment, Whereabouts
from alerts.staff import (
    PEOPLE_COLUMNS,
    SEGMENT_COLUMNS,
    ImportResult,
    Resolver,
    make_segment,
    parse_email,
    parse_language,
    parse_place,
    parse_quiet,
    parse_text,
    parse_time,
    parse_timezone,
)


def import_file(path: Path, resolve: Resolver, email: str | None = None) -> ImportResult:
    """People or segments from a .csv export or an .ics booking calendar.

    ``email`` names the traveller for .ics files and for segment CSVs without an email
    column. Unreadable files and unknown headers raise ConfigError; bad rows are problems.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read: {exc}"]) from exc
    owner = _owner(path, email)
    if path.suffix.lower() == ".ics":
        return read_ics(path, raw, resolve, owner)
    if path.suffix.lower() != ".csv":
        raise ConfigError([f"{path}: unknown file type (use .csv or .ics)"])
    return read_csv(path, raw.decode("utf-8-sig", "replace"), resolve, owner)


def _owner(path: Path, email: str | None) -> str | None:
    try:
        return None if email is None else parse_email(email)
    except ValueError as exc:
        raise ConfigError([f"{path}: --email: {exc}"]) from exc


def read_csv(path: Path, text: str, resolve: Resolver, email: str | None) -> ImportResult:
    """Rows of a people CSV or a segments CSV, told apart by the header line."""
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # Excel in many locales writes ';'
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    problems: list[str] = []
    if set(PEOPLE_COLUMNS[:2]) <= set(header) and "place" not in header:
        people = list(_csv_people(path, header, _rows(reader), resolve, problems))
        return ImportResult(path.name, tuple(people), (), tuple(problems))
    if {"place", "start", "end"} <= set(header) and ("email" in header or email):
        segments = list(_csv_segments(path, header, _rows(reader), resolve, email, problems))
        return ImportResult(path.name, (), tuple(dict.fromkeys(segments)), tuple(problems))
    raise ConfigError(
        [
            f"{path}:1: header must be {','.join(PEOPLE_COLUMNS)} (people) or "
            f"{','.join(SEGMENT_COLUMNS)} (itineraries; email may come from --email)"
        ]
    )


def _rows(reader: Iterable[list[str]]) -> Iterator[tuple[int, list[str]]]:
    line = 1
    for row in reader:
        start, line = line + 1, getattr(reader, "line_num", line + 1)
        if any(cell.strip() for cell in row):
            yield start, row


def _csv_people(
    path: Path,
    header: list[str],
    rows: Iterable[tuple[int, list[str]]],
    resolve: Resolver,
    problems: list[str],
) -> Iterator[Person]:
    seen: dict[str, int] = {}
    for line, row in rows:
        cells = dict(zip(header, (c.strip() for c in row), strict=False))
        try:
            person = _csv_person(cells, resolve)
        except ValueError as exc:
            problems.append(f"{path.name}:{line}: {exc}")
            continue
        if person.email in seen:
            problems.append(
                f"{path.name}:{line}: duplicate person {person.email} (first on line "
                f"{seen[person.email]})"
            )
            continue
        seen[person.email] = line
        yield person


def _csv_person(cells: dict[str, str], resolve: Resolver) -> Person:
    email = parse_email(cells.get("email"))
    home = parse_place(cells["home"], resolve) if cells.get("home") else None
    groups = tuple(g.strip() for g in re.split(r"[|,;]", cells.get("groups", "")) if g.strip())
    return Person(
        email=email,
        name=parse_text(cells.get("name"), "name"),
        language=parse_language(cells.get("language")),
        home=home,
        timezone=parse_timezone(cells.get("timezone")),
        quiet_hours=parse_quiet(cells.get("quiet_hours")),
        groups=groups,
    )


def _csv_segments(
    path: Path,
    header: list[str],
    rows: Iterable[tuple[int, list[str]]],
    resolve: Resolver,
    email: str | None,
    problems: list[str],
) -> Iterator[Segment]:
    for line, row in rows:
        cells = dict(zip(header, (c.strip() for c in row), strict=False))
        try:
            owner = parse_email(cells["email"]) if cells.get("email") else email
            if owner is None:
                raise ValueError("bad email ''")
            yield make_segment(
                owner,
                parse_place(cells.get("place"), resolve),
                cells.get("start"),
                cells.get("end"),
            )
        except ValueError as exc:
            problems.append(f"{path.name}:{line}: {exc}")


def read_ics(path: Path, raw: bytes, resolve: Resolver, email: str | None) -> ImportResult:
    """One segment per VEVENT (LOCATION or GEO, DTSTART, DTEND or DURATION).

    The traveller is ``email``, else the event's only ATTENDEE, else its ORGANIZER; a
    cancelled booking (STATUS:CANCELLED) is skipped.
    """
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(raw)
    except ValueError as exc:
        raise ConfigError([f"{path}: not an iCalendar file: {exc}"]) from exc
    text = raw.decode("utf-8", "replace").splitlines()
    lines = [n for n, t in enumerate(text, 1) if t.strip().upper() == "BEGIN:VEVENT"]
    segments: list[Segment] = []
    problems: list[str] = []
    for line, event in zip(lines, calendar.walk("VEVENT"), strict=False):
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        try:
            segments.append(_ics_segment(event, resolve, email))
        except KeyError as exc:
            problems.append(f"{path.name}:{line}: missing {exc.args[0]}")
        except (ValueError, TypeError) as exc:
            problems.append(f"{path.name}:{line}: {exc}")
    return ImportResult(path.name, (), tuple(dict.fromkeys(segments)), tuple(problems))


def _ics_segment(event: Any, resolve: Resolver, email: str | None) -> Segment:
    owner = email or _ics_traveller(event)
    start = event.decoded("DTSTART")
    if event.get("DTEND") is not None:
        end = event.decoded("DTEND")
    elif event.get("DURATION") is not None:
        end = start + event.decoded("DURATION")
    else:  # RFC 5545: a date lasts one day, a date-time no time at all
        end = start + timedelta(days=1) if not isinstance(start, datetime) else start
    # iCalendar all-day ends are exclusive already: turn dates into midnights here.
    return make_segment(owner, _ics_place(event, resolve), parse_time(start), parse_time(end))


def _ics_traveller(event: Any) -> str:
    attendees = event.get("ATTENDEE") or []
    attendees = attendees if isinstance(attendees, list) else [attendees]
    if len(attendees) == 1:
        return parse_email(str(attendees[0]).removeprefix("mailto:").removeprefix("MAILTO:"))
    if not attendees and event.get("ORGANIZER") is not None:
        return parse_email(str(event.get("ORGANIZER")).split(":", 1)[-1])
    raise ValueError(f"cannot tell whose trip this is ({len(attendees)} attendees): use --email")


def _ics_place(event: Any, resolve: Resolver) -> Whereabouts:
    location = str(event.get("LOCATION") or "").strip()
    geo = event.get("GEO")
    try:
        place = parse_place(location, resolve)
    except ValueError:
        if geo is None:
            raise ValueError(f"unknown place {location!r}") from None
        return Whereabouts(
            location or f"{geo.latitude},{geo.longitude}", "", geo.latitude, geo.longitude
        )
    if geo is None:
        return place
    return Whereabouts(place.name, place.country, float(geo.latitude), float(geo.longitude))
