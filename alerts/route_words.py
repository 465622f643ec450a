"""The reason a person is told, in the person's language: the words of ``route_near``.

Kept beside routing rather than in the templates because the reason is built while routing
(it is also what ``alerts route-test`` prints). A language without an entry reads English.
"""

from __future__ import annotations

from typing import NamedTuple

from alerts.staff import base_language


class Words(NamedTuple):
    """Phrases with {place}, {home}, {where}, {until}, {day} and {km} slots, and dates."""

    staying: str
    arriving: str
    returning: str
    home: str
    country: str
    close: str
    distance: str
    months: tuple[str, ...]
    first: str  # how the first day of a month is written ("1", "1er")


ENGLISH = Words(
    staying="you are in {place} ({where}) until {until}",
    arriving="you arrive in {place} on {day} ({where})",
    returning="you return to your home base {home} on {day} ({where})",
    home="your home base {home} is {where}",
    country="in {place}, where the event is",
    close="under 1 km from the event",
    distance="{km} km from the event",
    months=("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    first="1",
)

FRENCH = Words(
    staying="vous êtes à {place} ({where}) jusqu'au {until}",
    arriving="vous arrivez à {place} le {day} ({where})",
    returning="vous rentrez à votre base, {home}, le {day} ({where})",
    home="votre base, {home}, est {where}",
    country="dans le pays de l'événement, {place}",
    close="à moins de 1 km de l'événement",
    distance="à {km} km de l'événement",
    months=(
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ),
    first="1er",
)

_BY_LANGUAGE = {"en": ENGLISH, "fr": FRENCH}


def words(language: str) -> Words:
    """The phrases for ``language`` ("fr", "fr-CA" and "FR" read French); else English."""
    return _BY_LANGUAGE.get(base_language(language), ENGLISH)
