"""Staff and itineraries from officer files: staff.yaml, HR CSV exports, iCalendar bookings.

Every reader keeps the good rows and reports each bad one as ``file:line: reason`` (CSV,
.ics) or ``file: people[2].email: reason`` (YAML), so one typo never hides the rest.
Times without an offset are UTC; a date alone means the whole day, so an itinerary from
2026-12-01 to 2026-12-10 lasts until the end of 10 Dec.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

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


def base_language(tag: str) -> str:
    """The language of a tag without its region: "fr-FR", "fr_CA" and "FR" give "fr"."""
    return re.split(r"[-_]", tag.strip().lower())[0]


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
