"""Local time for routing: quiet hours, digest hours and dates in a person's own zone.

Pure: ``now`` is always an argument. Zones are looked up once per name, and within one
routing decision each (zone, hours) answer is worked out once, not once per person.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alerts.route_words import ENGLISH, Words

_SECOND, _ZERO = timedelta(seconds=1), timedelta(0)


class Clock:
    """When people may be told at ``now``: each (zone, hours) answer is worked out once."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._held: dict[tuple[str, tuple[int, ...], bool], datetime | None] = {}

    def digest_at(self, zone: str, hours: tuple[int, ...]) -> datetime | None:
        """The next digest hour in ``zone`` (see :func:`next_hour`)."""
        key = (zone, hours, True)
        if key not in self._held:
            self._held[key] = next_hour(self.now, zone_info(zone), hours)
        return self._held[key]

    def quiet_until(self, zone: str, quiet: tuple[int, int]) -> datetime | None:
        """When quiet hours in ``zone`` end, if ``now`` is in them (see :func:`quiet_until`)."""
        key = (zone, quiet, False)
        if key not in self._held:
            self._held[key] = quiet_until(self.now, zone_info(zone), quiet)
        return self._held[key]


def next_hour(now: datetime, zone: tzinfo, hours: Sequence[int]) -> datetime:
    """The first of ``hours`` (local, on the hour) at or after ``now``, in UTC."""
    local = now.astimezone(zone)
    for days in (0, 1):
        day = local.date() + timedelta(days=days)
        for hour in sorted(hours or (8,)):
            moment = datetime.combine(day, time(hour), zone)
            if moment >= local:
                return moment.astimezone(UTC)
    raise AssertionError("unreachable: some hour of tomorrow is always ahead")


def quiet_until(now: datetime, zone: tzinfo, quiet: tuple[int, int]) -> datetime | None:
    """When the quiet hours around ``now`` end (UTC), or None if ``now`` is not quiet."""
    start, end = quiet
    local = now.astimezone(zone)
    hour = local.hour
    inside = start <= hour < end if start < end else (hour >= start or hour < end)
    if not inside:
        return None
    day = local.date() if hour < end else local.date() + timedelta(days=1)
    return datetime.combine(day, time(end), zone).astimezone(UTC)


def day(
    moment: datetime, zone: tzinfo, now: datetime, end: bool = False, language: Words = ENGLISH
) -> str:
    """The date of ``moment`` in ``zone`` as "1 Dec" ("1er déc."), with the year when not
    ``now``'s."""
    # A boundary at midnight UTC came from a date alone ("2026-12-10"): show that date as
    # written rather than shifted by the person's offset; an end at midnight closes the
    # day before it.
    if moment.timestamp() % 86400:
        local = moment.astimezone(zone)
    else:
        local = moment.astimezone(UTC) - (_SECOND if end else _ZERO)
    number = language.first if local.day == 1 else str(local.day)
    text = f"{number} {language.months[local.month - 1]}"
    return text if local.year == now.year else f"{text} {local.year}"


@cache
def zone_info(name: str) -> tzinfo:
    """The zone called ``name``; UTC for a name this system does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC
