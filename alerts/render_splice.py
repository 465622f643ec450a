"""One event, many readers: render an event's bodies once and splice each reader's values in.

Rendering the text and HTML templates is most of the cost of a message, and all of it but
the reader's own values (name, why) is the same for everyone who gets the event. ``skeleton``
renders the templates with placeholder markers instead of those values, twice, with two
markers of different length and spelling; the two results must match once the markers are
swapped, which shows that the templates only insert the values (no filter, test, length or
split on them). ``fill`` then puts a reader's values where the markers are, HTML-escaped in
the HTML, exactly as Jinja would. Values the marker cannot stand for (empty: ``{% if why %}``
would differ; multi-line: a paragraph split would differ) are rendered in full instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import escape

# Private-use characters: ``clean`` and ``line`` keep none in a value (``spliceable``).
_OPEN, _CLOSE = "\ue000", "\ue001"

Bodies = tuple[str, str]  # (text, html)


@dataclass(frozen=True, slots=True)
class Skeleton:
    """An event's text and HTML with one marker per reader value."""

    text: str
    html: str
    marks: Mapping[str, str]


def _marks(keys: tuple[str, ...], long: bool) -> dict[str, str]:
    # The second set is longer, has other letters and more words: a template that measured,
    # cut, cased or split a value would treat the two sets differently.
    filler = " Lorem-ipsum dolor, sit amet." * 12 if long else ""
    return {k: f"{_OPEN}{k} {i}{filler}{_CLOSE}" for i, k in enumerate(keys)}


def skeleton(render: Callable[[dict[str, Any]], Bodies], keys: tuple[str, ...]) -> Skeleton | None:
    """The bodies with markers for ``keys``, or None when the templates do more than insert."""
    short, long = _marks(keys, long=False), _marks(keys, long=True)
    text, html = render(dict(short))
    other_text, other_html = render(dict(long))
    for key in keys:
        other_text = other_text.replace(long[key], short[key])
        other_html = other_html.replace(long[key], short[key])
    if (text, html) != (other_text, other_html):
        return None
    return Skeleton(text, html, short)


def spliceable(person: Mapping[str, str]) -> bool:
    """True when every value can take its marker's place (non-empty, one line, no markers)."""
    return all(v and "\n" not in v and _OPEN not in v and _CLOSE not in v for v in person.values())


def fill(skel: Skeleton, person: Mapping[str, str]) -> Bodies:
    """The reader's bodies: each marker replaced by the value (escaped in the HTML)."""
    text, html = skel.text, skel.html
    for key, mark in skel.marks.items():
        text = text.replace(mark, person[key])
        html = html.replace(mark, str(escape(person[key])))
    return text, html
