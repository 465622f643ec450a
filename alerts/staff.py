"""Staff and itineraries from officer files: staff.yaml, HR CSV exports, iCalendar bookings.

Every reader keeps the good rows and reports each bad one as ``file:line: reason`` (CSV,
.ics) or ``file: people[2].email: reason`` (YAML), so one typo never hides the rest.
Times without an offset are UTC; a date alone means the whole day, so an itinerary from
2026-12-01 to 2026-12-10 lasts until the end of 10 Dec.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from alerts.errors import ConfigError
from alerts.models import Person, Segment, Whereabouts

Resolver = Callable[[str], Whereabouts | None]

_EMAIL = re.compile(
    r"^[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?=.{1,253}$)"
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)
_LATLON = re.compile(r"^\s*([-+]?\d{1,2}(?:\.\d+)?)\s*[,;]\s*([-+]?\d{1,3}(?:\.\d+)?)\s*$")
_CODE = re.compile(r"\(([A-Za-z]{3})\)")  # "Bamako Senou (BKO)": an airport code in brackets
_DATE = re.compile(r"^\d{4}-?\d{2}-?\d{2}$")  # 2026-12-01 or 20261201: a whole day
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")
PEOPLE_COLUMNS = ("email", "name", "language", "home", "timezone")
SEGMENT_COLUMNS = ("email", "place", "start", "end")


@dataclass(frozen=True, slots=True)
class StaffFile:
    """What staff.yaml holds: people, their itineraries, and every problem found."""

    people: tuple[Person, ...]
    segments: tuple[Segment, ...]
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The good rows of one imported file, the refused ones as problems, and the file name."""

    source: str
    people: tuple[Person, ...]
    segments: tuple[Segment, ...]
    problems: tuple[str, ...]


# ---------------------------------------------------------------- values


def parse_email(value: object) -> str:
    """A lower-cased address, or ValueError; no spaces or line breaks can reach a header."""
    text = str(value or "").strip().lower()
    if not _EMAIL.match(text):
        raise ValueError(f"bad email {str(value)!r}")
    return text


def parse_place(value: object, resolve: Resolver) -> Whereabouts:
    """A place from "lat,lon", a name, "Hotel, Bamako, Mali" or "(BKO)"; ValueError if unknown."""
    text = str(value or "").strip()
    point = _LATLON.match(text)
    if point:
        lat, lon = float(point.group(1)), float(point.group(2))
        if abs(lat) > 90 or abs(lon) > 180:
            raise ValueError(f"coordinates out of range {text!r}")
        return Whereabouts(f"{lat:.4f},{lon:.4f}", "", lat, lon)
    for candidate in _place_candidates(text):
        found = resolve(candidate)
        if found is not None:
            return found
    raise ValueError(f"unknown place {text!r}")


def _place_candidates(text: str) -> Iterator[str]:
    # Booking systems write "Hotel X, Avenue Y, Bamako, Mali": try the whole text, an
    # airport code, then adjacent pairs and single parts, most specific first.
    if not text:
        return
    yield text
    yield from _CODE.findall(text)
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) > 1:
        yield from (f"{a}, {b}" for a, b in pairwise(parts))
        yield from parts


def parse_time(value: object, *, end: bool = False) -> datetime:
    """An aware datetime from ISO 8601 text, a date or a datetime; naive means UTC.

    A date alone starts at 00:00, or, as an ``end``, lasts the whole day.
    """
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        whole_day = _DATE.match(text)
        value = date.fromisoformat(text) if whole_day else datetime.fromisoformat(text)
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value
    if isinstance(value, date):
        day = value + timedelta(days=1) if end else value
        return datetime.combine(day, time(), UTC)
    raise ValueError(f"not a date or time {value!r}")


def parse_timezone(value: object) -> str:
    """An IANA zone name such as Africa/Bamako, checked; ValueError otherwise."""
    name = str(value or "UTC").strip() or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None
    return name


def parse_text(value: object, what: str) -> str:
    """A one-line text (names go into mail headers): stripped, no control characters."""
    text = str(value or "").strip()
    if not text or _CONTROL.search(text):
        raise ValueError(f"{what} must be one non-empty line")
    return text


def parse_language(value: object) -> str:
    """A language tag such as en, fr, pt-BR; empty means en."""
    text = str(value or "en").strip() or "en"
    if not _LANGUAGE.match(text):
        raise ValueError(f"bad language {text!r} (use a code such as en, fr, pt-BR)")
    return text


def parse_quiet(value: object) -> tuple[int, int] | None:
    """Quiet hours as [22, 7] or "22-7" (local start and end hour); None when absent."""
    if value is None or value == "":
        return None
    parts = value.split("-") if isinstance(value, str) else value
    if not isinstance(parts, list | tuple) or len(parts) != 2:
        raise ValueError("quiet hours must be [START, END] hours, e.g. [22, 7]")
    start, stop = (int(p) for p in parts)
    if not (0 <= start <= 23 and 0 <= stop <= 23) or start == stop:
        raise ValueError("quiet hours must be two different hours 0-23")
    return start, stop


def make_segment(email: str, place: Whereabouts, start: Any, stop: Any) -> Segment:
    """A segment, or ValueError when it ends before it starts."""
    begin, finish = parse_time(start), parse_time(stop, end=True)
    if finish <= begin:
        raise ValueError(f"end {finish.isoformat()} is not after start {begin.isoformat()}")
    return Segment(email, place, begin, finish)


# ---------------------------------------------------------------- staff.yaml


def load_staff(path: Path, resolve: Resolver) -> StaffFile:
    """People and itineraries from staff.yaml; problems as 'file: people[2].email: what'."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        return StaffFile((), (), (f"{path}: cannot read: {exc}",))
    if not isinstance(data, dict) or not isinstance(data.get("people", []), list):
        return StaffFile((), (), (f"{path}: people: must be a list of people",))
    people: dict[str, Person] = {}
    segments: list[Segment] = []
    problems: list[str] = []
    for i, entry in enumerate(data.get("people") or []):
        where = f"{path}: people[{i}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a mapping with email, name, ...")
            continue
        person = _yaml_person(entry, resolve, where, problems)
        if person is not None and person.email in people:
            problems.append(f"{where}.email: duplicate person {person.email}")
        elif person is not None:
            people[person.email] = person
            segments.extend(_yaml_itinerary(person.email, entry, resolve, where, problems))
    unknown = set(data) - {"people"}
    problems.extend(f"{path}: {key}: unknown field" for key in sorted(map(str, unknown)))
    return StaffFile(tuple(people.values()), tuple(segments), tuple(problems))


_PERSON_FIELDS = {"email", "name", "language", "home", "timezone", "quiet_hours", "groups"}


def _yaml_person(
    entry: dict[str, Any], resolve: Resolver, where: str, problems: list[str]
) -> Person | None:
    before = len(problems)
    problems.extend(
        f"{where}.{k}: unknown field" for k in entry if k not in _PERSON_FIELDS | {"itinerary"}
    )
    email = _field(entry, "email", parse_email, where, problems)
    name = _field(entry, "name", lambda v: parse_text(v, "name"), where, problems)
    language = _field(entry, "language", parse_language, where, problems)
    zone = _field(entry, "timezone", parse_timezone, where, problems)
    quiet = _field(entry, "quiet_hours", parse_quiet, where, problems)
    home = None
    if entry.get("home") is not None:
        home = _field(entry, "home", lambda v: parse_place(v, resolve), where, problems)
    groups = entry.get("groups") or []
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        problems.append(f"{where}.groups: must be a list of group names")
    if len(problems) > before or email is None or name is None:
        return None
    return Person(email, name, language or "en", home, zone or "UTC", quiet, tuple(groups))


def _yaml_itinerary(
    email: str, entry: dict[str, Any], resolve: Resolver, where: str, problems: list[str]
) -> Iterator[Segment]:
    legs = entry.get("itinerary") or []
    if not isinstance(legs, list):
        problems.append(f"{where}.itinerary: must be a list of place, start, end")
        return
    for j, leg in enumerate(legs):
        at = f"{where}.itinerary[{j}]"
        if not isinstance(leg, dict) or set(leg) != {"place", "start", "end"}:
            problems.append(f"{at}: must have exactly place, start and end")
            continue
        try:
            place = parse_place(leg["place"], resolve)
            yield make_segment(email, place, leg["start"], leg["end"])
        except ValueError as exc:
            problems.append(f"{at}: {exc}")


def _field(
    entry: dict[str, Any], key: str, parse: Callable[[Any], Any], where: str, problems: list[str]
) -> Any:
    try:
        return parse(entry.get(key))
    except (ValueError, TypeError) as exc:
        problems.append(f"{where}.{key}: {exc}")
        return None


# ---------------------------------------------------------------- imports


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
