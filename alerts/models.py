"""Frozen records that cross the pipeline's stages.

Each stage takes and returns these records only: feedparser dicts stay in ``parse``,
database rows stay in ``store``, templates receive plain values built from these.
The names of categories and signals are those of ``shared/eval/GUIDE.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum


class Category(StrEnum):
    """Primary cause of risk to people in the place (GUIDE.md section 2)."""

    TERRORISM = "terrorism"
    ARMED_CONFLICT = "armed_conflict"
    CIVIL_UNREST = "civil_unrest"
    CRIME = "crime"
    KIDNAPPING = "kidnapping"
    POLITICAL = "political"
    NATURAL_DISASTER = "natural_disaster"
    HEALTH = "health"
    TRANSPORT = "transport"
    INFRASTRUCTURE = "infrastructure"
    CYBER = "cyber"
    ADVISORY = "advisory"
    NONE = "none"


class Signal(StrEnum):
    """Instructions or conditions stated by an item (GUIDE.md section 4)."""

    AIRPORT_CLOSED = "airport_closed"
    AIRPORT_REOPENED = "airport_reopened"
    CURFEW = "curfew"
    LIMIT_MOVEMENT = "limit_movement"
    SHELTER_IN_PLACE = "shelter_in_place"
    AVOID_AREA = "avoid_area"
    EVACUATION = "evacuation"
    BORDER_CLOSED = "border_closed"
    ROADS_BLOCKED = "roads_blocked"
    TRANSPORT_SUSPENDED = "transport_suspended"
    COMMS_OUTAGE = "comms_outage"
    STATE_OF_EMERGENCY = "state_of_emergency"
    ALL_CLEAR = "all_clear"


class Severity(IntEnum):
    """Risk for a person in the affected place, 0-5 (GUIDE.md section 3)."""

    NONE = 0
    MINIMAL = 1
    LOW = 2
    MODERATE = 3
    HIGH = 4
    EXTREME = 5


class ChangeReason(StrEnum):
    """Why an item changed an event, and so whether anyone is told."""

    NEW = "NEW"
    ESCALATED = "ESCALATED"
    UPDATED = "UPDATED"
    RESOLVED = "RESOLVED"
    REMINDER = "REMINDER"
    NONE = "NONE"

    @property
    def notifies(self) -> bool:
        """True when this reason sends mail."""
        return self is not ChangeReason.NONE


class PlaceKind(StrEnum):
    """What a located place is; routing radii depend on it."""

    COUNTRY = "country"
    REGION = "region"
    CITY = "city"
    AIRPORT = "airport"
    POINT = "point"


# ---------------------------------------------------------------- feeds and items


@dataclass(frozen=True, slots=True)
class Hints:
    """Structured facts a feed states about an item, kept apart from its text."""

    point: tuple[float, float] | None = None  # (lat, lon) from GeoRSS / geo:Point
    box: tuple[float, float, float, float] | None = None  # (south, west, north, east)
    gdacs_alert_level: str | None = None  # Green / Orange / Red
    gdacs_event_type: str | None = None  # EQ, TC, FL, VO, DR, WF
    gdacs_event_id: str | None = None
    gdacs_episode_id: str | None = None
    iso3: str | None = None
    cap_identifier: str | None = None
    cap_severity: str | None = None  # Minor / Moderate / Severe / Extreme
    cap_urgency: str | None = None
    cap_certainty: str | None = None
    cap_area_desc: str | None = None
    cap_polygon: tuple[tuple[float, float], ...] | None = None
    state_dept_level: int | None = None  # 1-4 from "Level 4: Do Not Travel"
    country_name: str | None = None  # a country the feed names for the item (advisories)


@dataclass(frozen=True, slots=True)
class Item:
    """One feed entry, cleaned: plain text, aware UTC date, stable identity per feed."""

    feed: str  # feed name from feeds.yaml
    key: str  # guid, else link, else hash of title + summary
    title: str
    summary: str
    link: str | None
    published: datetime  # aware UTC
    date_missing: bool = False  # True when ``published`` is the fetch time
    source_name: str = ""
    region: str | None = None  # the feed's configured region, a weak prior for locate
    hints: Hints = field(default_factory=Hints)

    @property
    def text(self) -> str:
        """Title and summary as one text for the classifiers."""
        return f"{self.title}. {self.summary}" if self.summary else self.title


# ---------------------------------------------------------------- classification


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place with the evidence that located it."""

    name: str
    country: str  # ISO 3166-1 alpha-2
    lat: float
    lon: float
    kind: PlaceKind
    span: tuple[int, int] | None = None  # offsets in ``Item.text`` that matched
    matched: str = ""  # the text that matched


@dataclass(frozen=True, slots=True)
class Location:
    """Where an item happens: countries main first, then the specific places."""

    countries: tuple[str, ...] = ()
    places: tuple[Place, ...] = ()
    evidence: tuple[str, ...] = ()  # short explanations, for --explain and the mail


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule that fired during assessment, with its weight and the phrase that fired it."""

    name: str
    weight: float
    phrase: str = ""


@dataclass(frozen=True, slots=True)
class Assessment:
    """How bad an item is and what it tells people to do, with reasons."""

    category: Category
    severity: int  # 0-5
    signals: tuple[Signal, ...] = ()
    reasons: tuple[Rule, ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    """An item with its location and assessment: the unit that clustering folds."""

    item: Item
    location: Location
    assessment: Assessment


# ---------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class Source:
    """One report that an event was built from."""

    outlet: str
    link: str | None
    title: str
    seen: datetime


@dataclass(frozen=True, slots=True)
class Event:
    """One real incident, merged from its reports.

    ``revision`` rises with every change that notifies; deliveries are unique per
    (event, revision, recipient).
    """

    id: str
    headline: str
    category: Category
    severity: int  # current
    max_severity: int
    signals: frozenset[Signal]
    countries: tuple[str, ...]
    places: tuple[Place, ...]
    first_seen: datetime
    last_seen: datetime
    sources: tuple[Source, ...]
    revision: int = 0
    resolved: bool = False
    summary: str = ""
    last_notified: datetime | None = None
    link_ids: frozenset[str] = frozenset()  # GDACS event ids, CAP identifiers
    # Text sketch for similarity: sorted ints (a plain tuple, or a Sketch from clustering).
    fingerprint: Sequence[int] = ()


@dataclass(frozen=True, slots=True)
class Change:
    """What one report did to an event, with the named reason and its words."""

    event: Event
    reason: ChangeReason
    detail: str = ""  # e.g. "new signal: airport_reopened", "no report for 72 h"


# ---------------------------------------------------------------- people and routing


@dataclass(frozen=True, slots=True)
class Whereabouts:
    """A place where a person is or will be: a resolved name or a coordinate."""

    name: str
    country: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Segment:
    """One leg of an itinerary: where a person is from ``start`` to ``end`` (aware)."""

    email: str
    place: Whereabouts
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Person:
    """A staff member with home base and preferences."""

    email: str
    name: str
    language: str = "en"
    home: Whereabouts | None = None
    timezone: str = "UTC"
    quiet_hours: tuple[int, int] | None = None  # (start hour, end hour) local time
    groups: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Recipient:
    """Someone who must get an event, with the reason in words."""

    email: str
    name: str
    language: str
    why: str  # "you are in Bamako (12 km from the event) until 30 Sep"
    route: str = ""  # route name when a route matched, else ""
    digest: bool = False
    not_before: datetime | None = None  # quiet hours: hold until this time


@dataclass(frozen=True, slots=True)
class Message:
    """A rendered email, ready for the outbox: exactly what will be sent."""

    event_id: str
    revision: int
    recipient: str
    reason: ChangeReason
    subject: str
    message_id: str
    raw: bytes  # the whole RFC 5322 message
