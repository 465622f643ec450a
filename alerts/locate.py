"""Locate an item: the countries and places where the reported event happens.

    locate(text, hints=None, region=None) -> Location

Stages, each in its own module: find names (``locate_match``), choose an entry per name by
context (``locate_resolve``), weigh each as event place or mere mention (``locate_roles``),
then here: add up the evidence per country and keep the event's countries and places. A
GeoRSS point, CAP polygon or box in ``hints`` wins over the text.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict

from alerts.gazetteer import Gazetteer, km, load
from alerts.gazetteer_fold import fold_key
from alerts.locate_match import find_mentions
from alerts.locate_resolve import Choice, resolve
from alerts.locate_roles import Weighed, weigh
from alerts.models import Hints, Location, Place, PlaceKind

KEEP_RATIO = 0.3  # a second country needs this share of the main country's evidence
MAX_PLACES = 3  # a fourth name is mostly a town in a list of where it was felt: noise
AIRPORT_CITY_KM = 50.0
SAME_PLACE_KM = 5.0
# "the Faladie gendarmerie school in Bamako": a small place that the text puts inside a big
# city of its country, but whose gazetteer entry lies 15-100 km from it, is one of the city's
# districts sharing a village's name; the village's point would mislead.
DISTRICT_KM = (15.0, 100.0)
BIG_CITY_POP = 500_000
_INSIDE = re.compile(r"^(?:\s+[\w'-]+){0,4}\s+in\s+$")  # "X ... school in Y": at most 4 words

__all__ = ["explain", "locate"]


def locate(text: str, *, hints: Hints | None = None, region: str | None = None) -> Location:
    """Where ``text`` (title + ". " + summary) happens; structured hints win over text."""
    return _locate(load(), text, hints, region)[0]


def explain(text: str, *, hints: Hints | None = None, region: str | None = None) -> list[str]:
    """Human-readable lines: each candidate considered and why it won or lost."""
    location, weighed = _locate(load(), text, hints, region)
    gaz = load()
    lines = []
    for w in weighed:
        c = w.choice
        lines.append(
            f"{c.mention.text!r} at {c.mention.span}: {gaz.names[c.eid]} ({gaz.cc[c.eid]}, "
            f"{gaz.kind(c.eid).value}, population {gaz.pop[c.eid]:,}) score {c.score:.1f} "
            f"[{c.why}]; role {w.role} "
            f"weight {w.weight:.2f}"
        )
        if c.rival is not None:
            r, s = c.rival
            lines.append(f"    beat {gaz.names[r]} ({gaz.cc[r]}, {gaz.kind(r).value}) {s:.1f}")
    lines.extend(location.evidence)
    lines.append(
        f"=> countries {list(location.countries)}; places "
        f"{[f'{p.name} ({p.country})' for p in location.places]}"
    )
    return lines


def parse_region(region: str | None) -> frozenset[str]:
    """The feed's region as a set of ISO codes: "ML", "ML,BF,NE" or "['ML', 'BF']"."""
    return frozenset(re.findall(r"\b[A-Z]{2}\b", (region or "").upper()))


def _locate(
    gaz: Gazetteer, text: str, hints: Hints | None, region: str | None
) -> tuple[Location, list[Weighed]]:
    weighed = _weigh_text(gaz, text, region)
    location = _from_text(gaz, text, weighed)
    if hints is not None:
        location = _apply_hints(gaz, hints, location)
    return location, weighed


def _weigh_text(gaz: Gazetteer, text: str, region: str | None) -> list[Weighed]:
    title_len = text.find(". ") if ". " in text else len(text)
    mentions = find_mentions(gaz, text, title_len)
    return weigh(gaz, text, resolve(gaz, mentions, parse_region(region)))


def _from_text(gaz: Gazetteer, text: str, weighed: list[Weighed]) -> Location:
    totals: dict[str, float] = defaultdict(float)
    if all(w.role in ("actor", "destination") for w in weighed):
        return Location()  # "Chinese start-up", "US issues alert": only who acts, not where
    for w in weighed:
        totals[gaz.cc[w.choice.eid]] += w.weight
    if not totals:
        return Location()
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])
    top = ranked[0][1]
    located = {gaz.cc[w.choice.eid] for w in weighed if _located(gaz, w)}
    named = {
        gaz.cc[w.choice.eid]
        for w in weighed
        if w.role == "mention" and gaz.kinds[w.choice.eid] == "C"
    }
    keep = {
        cc
        for cc, v in ranked
        if v == top or cc in located or (cc in named and v >= KEEP_RATIO * top)
    }
    keep |= _listed_with(gaz, text, weighed, keep)
    countries = [cc for cc, _ in ranked if cc in keep]
    places = _places(gaz, text, weighed, countries)
    evidence = tuple(f"{cc}: evidence {v:.2f}" for cc, v in ranked)
    return Location(tuple(countries), tuple(places), evidence)


_LIST_GAP = re.compile(r"^\s*(,|and|or|&|/|–|-)?\s*(and\s+|or\s+)?$")


def _listed_with(gaz: Gazetteer, text: str, weighed: list[Weighed], keep: set[str]) -> set[str]:
    """Countries listed with a kept one ("to Burundi, Kenya, Rwanda and Uganda") share its role."""
    text_of = [
        w for w in weighed if gaz.kinds[w.choice.eid] == "C" and w.role not in ("actor", "team")
    ]
    added: set[str] = set()
    changed = True
    while changed:
        changed = False
        for a, b in itertools.pairwise(text_of):
            if not _in_list(text, a.choice.mention.span, b.choice.mention.span):
                continue
            ca, cb = gaz.cc[a.choice.eid], gaz.cc[b.choice.eid]
            for x, y in ((ca, cb), (cb, ca)):
                if x in keep | added and y not in keep | added:
                    added.add(y)
                    changed = True
    return added


def _in_list(text: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """ "Kenya, Rwanda", "Kenya and Rwanda", or the ends of a spread "from Angola to Zambia"."""
    between = text[a[1] : b[0]]
    if len(between) <= 6 and _LIST_GAP.match(between):
        return True
    return between.strip() == "to" and text[max(0, a[0] - 40) : a[0]].rstrip().endswith(
        (" from", " from the")
    )


def _located(gaz: Gazetteer, w: Weighed) -> bool:
    """Evidence that something happens in the country: "in Mali", or a town of it named."""
    if w.role == "event":
        return True
    eid = w.choice.eid
    sure = gaz.pop[eid] >= 100_000 or "named in text" in w.choice.why or gaz.kinds[eid] == "A"
    # A town named in passing in the summary ("celebrations from Casablanca to Paris") is
    # not enough; one in the headline is.
    return w.role == "mention" and gaz.kinds[eid] != "C" and sure and w.choice.mention.in_title


def _places(gaz: Gazetteer, text: str, weighed: list[Weighed], order: list[str]) -> list[Place]:
    countries = set(order)
    pool = [
        w
        for w in weighed
        if gaz.kinds[w.choice.eid] != "C" and gaz.cc[w.choice.eid] in countries and not w.area
    ]
    pool += _city_states(gaz, weighed, countries)
    # An actor's seat ("accusing Moscow") is never an event place; a destination is one
    # only when nothing else is named ("flights diverted to Niamey").
    strong = [w for w in pool if w.role not in ("destination", "actor", "team")]
    strong = strong or [w for w in pool if w.role in ("destination", "team")]
    strong = [w for w in strong if not _names_airport(gaz, w, strong)]
    with_city = {gaz.admin1[w.choice.eid] for w in strong if gaz.kinds[w.choice.eid] == "T"}
    # A region is a coarse point: name it only where no town inside it is named.
    strong = [
        w
        for w in strong
        if gaz.kinds[w.choice.eid] != "R" or gaz.admin1[w.choice.eid] not in with_city
    ]
    strong = [w for w in strong if not _namesake_district(gaz, text, w, strong)]
    strong.sort(key=lambda w: -w.weight)
    # Every event country gets its best place before any country gets a second one.
    best = {gaz.cc[w.choice.eid]: w for w in reversed(strong)}
    firsts = [best[cc] for cc in order if cc in best]
    strong = firsts + [w for w in strong if all(w is not f for f in firsts)]
    out: list[Place] = []
    for w in strong:
        m, eid = w.choice.mention, w.choice.eid
        _add(out, gaz.place(eid, m.span, m.text))
    return out[:MAX_PLACES]


def _namesake_district(gaz: Gazetteer, text: str, w: Weighed, others: list[Weighed]) -> bool:
    """A small place the text puts in a big city it lies 15-100 km from (see DISTRICT_KM)."""
    eid, end = w.choice.eid, w.choice.mention.span[1]
    if gaz.kinds[eid] != "T" or not gaz.is_small(eid):
        return False
    low, high = DISTRICT_KM
    for other in others:
        o, start = other.choice.eid, other.choice.mention.span[0]
        if (
            start > end
            and _INSIDE.match(text[end:start])
            and gaz.kinds[o] == "T"
            and gaz.pop[o] >= BIG_CITY_POP
            and gaz.cc[o] == gaz.cc[eid]
            and low < km(gaz.lat[o], gaz.lon[o], gaz.lat[eid], gaz.lon[eid]) < high
        ):
            return True
    return False


def _city_states(gaz: Gazetteer, weighed: list[Weighed], countries: set[str]) -> list[Weighed]:
    """ "Hong Kong", "Singapore": a country that is also its own city names that city too."""
    out = []
    for w in weighed:
        eid = w.choice.eid
        if gaz.kinds[eid] != "C" or gaz.cc[eid] not in countries or w.role in ("actor", "team"):
            continue
        for e, _ in w.choice.mention.rows:
            if gaz.kinds[e] == "T" and gaz.is_capital(e) and gaz.cc[e] == gaz.cc[eid]:
                c = w.choice
                out.append(Weighed(Choice(c.mention, e, c.score, c.why, c.rival), w.weight, w.role))
                break
    return out


def _names_airport(gaz: Gazetteer, w: Weighed, others: list[Weighed]) -> bool:
    """ "London Heathrow": a city name that opens the airport's name is not a second place."""
    end = w.choice.mention.span[1]
    return any(
        gaz.kinds[o.choice.eid] == "A" and o.choice.mention.span[0] == end + 1
        for o in others
        if gaz.cc[o.choice.eid] == gaz.cc[w.choice.eid]
    )


def _city_airport(city: Place, airport: Place) -> bool:
    """ "Kabul airport" next to Kabul: the airport named after a kept city adds no point."""
    if airport.kind is not PlaceKind.AIRPORT or city.kind is PlaceKind.AIRPORT:
        return False
    named_after = fold_key(city.name) in fold_key(airport.matched or airport.name)
    return named_after and km(city.lat, city.lon, airport.lat, airport.lon) < AIRPORT_CITY_KM


def _add(out: list[Place], place: Place) -> None:
    """Append unless the same kind of place lies within a few km of one already kept."""
    for p in out:
        if p.kind is place.kind and km(p.lat, p.lon, place.lat, place.lon) < SAME_PLACE_KM:
            return
        if _city_airport(p, place) or _city_airport(place, p):
            return
    out.append(place)


# ---------------------------------------------------------------- structured hints


def _apply_hints(gaz: Gazetteer, hints: Hints, text_loc: Location) -> Location:
    point = _hint_point(hints)
    if point is not None:
        return _at_point(gaz, point, text_loc)
    cc = gaz.iso3.get((hints.iso3 or "").upper()) if hints.iso3 else None
    if cc is None and hints.cap_area_desc:  # the CAP area is written for this: trust it first
        area = _from_text(gaz, hints.cap_area_desc, _weigh_text(gaz, hints.cap_area_desc, None))
        cc = area.countries[0] if area.countries else None
    if cc is None and hints.country_name:
        named = gaz.resolve(hints.country_name)
        cc = named.country if named is not None else None
    if cc is None:
        return text_loc
    rest = tuple(c for c in text_loc.countries if c != cc)
    places = tuple(p for p in text_loc.places if p.country == cc)
    return Location((cc, *rest), places, (*text_loc.evidence, f"{cc}: stated by the feed"))


def _hint_point(hints: Hints) -> tuple[float, float] | None:
    if hints.point is not None:
        return hints.point
    if hints.cap_polygon:
        lats = [p[0] for p in hints.cap_polygon]
        lons = [p[1] for p in hints.cap_polygon]
        return sum(lats) / len(lats), sum(lons) / len(lons)
    if hints.box is not None:
        s, w, n, e = hints.box
        return (s + n) / 2, (w + e) / 2
    return None


def _at_point(gaz: Gazetteer, point: tuple[float, float], text_loc: Location) -> Location:
    lat, lon = point
    eid = gaz.nearest_city(lat, lon, 100.0)
    if eid is None:
        place = Place(
            f"{lat:.2f}, {lon:.2f}", (text_loc.countries or ("",))[0], lat, lon, PlaceKind.POINT
        )
        return Location(text_loc.countries, (place,), (*text_loc.evidence, "point from feed"))
    cc = gaz.cc[eid]
    place = Place(gaz.names[eid], cc, lat, lon, PlaceKind.POINT)
    rest = tuple(c for c in text_loc.countries if c != cc)
    why = f"point {lat:.3f},{lon:.3f} from feed, near {gaz.names[eid]} ({cc})"
    return Location((cc, *rest), (place,), (*text_loc.evidence, why))
