"""The gazetteer: folding, lookups an officer relies on, and the on-disk cache."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from alerts import gazetteer
from alerts.gazetteer_fold import fold, fold_key
from alerts.models import PlaceKind


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Bogotá", "Bogota"),
        ("Cox’s Bāzār", "Cox's Bazar"),
        ("São Paulo", "Sao Paulo"),
        ("N’Djamena", "N'Djamena"),
        ("Kyiv–Kharkiv", "Kyiv-Kharkiv"),
        ("DÜSSELDORF", "Dusseldorf"),
    ],
)
def test_fold_makes_spellings_equal(a: str, b: str) -> None:
    assert fold_key(a) == fold_key(b)


@pytest.mark.parametrize("text", ["Ségou, Mali.", "İstanbul’s “airport”", "Straße ß", "日本 Tokyo"])
def test_fold_keeps_length_so_offsets_stay_valid(text: str) -> None:
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize(
    ("name", "country", "expect_name", "expect_cc", "kind"),
    [
        ("Bamako", None, "Bamako", "ML", PlaceKind.CITY),
        ("Nairobi, Kenya", None, "Nairobi", "KE", PlaceKind.CITY),
        ("Paris, Texas", None, "Paris", "US", PlaceKind.CITY),
        ("Paris", None, "Paris", "FR", PlaceKind.CITY),
        ("Alexandria", "US", "Alexandria", "US", PlaceKind.CITY),
        ("Kiev", None, "Kyiv", "UA", PlaceKind.CITY),
        ("Rangoon", None, "Yangon", "MM", PlaceKind.CITY),
        ("Sao Paulo", None, "São Paulo", "BR", PlaceKind.CITY),
        ("Ivory Coast", None, "Ivory Coast", "CI", PlaceKind.COUNTRY),
        ("Burma", None, "Myanmar", "MM", PlaceKind.COUNTRY),
        ("Niger State", None, "Niger", "NG", PlaceKind.REGION),
    ],
)
def test_resolve_names_an_officer_writes(
    name: str, country: str | None, expect_name: str, expect_cc: str, kind: PlaceKind
) -> None:
    place = gazetteer.load().resolve(name, country)
    assert place is not None
    assert (place.name, place.country, place.kind) == (expect_name, expect_cc, kind)


def test_resolve_iata_code_gives_the_airport() -> None:
    place = gazetteer.load().resolve("BKO")
    assert place is not None
    assert place.kind is PlaceKind.AIRPORT
    assert place.country == "ML"
    assert gazetteer.km(place.lat, place.lon, 12.65, -8.0) < 30


def test_resolve_unknown_name_is_none() -> None:
    assert gazetteer.load().resolve("Qwxzyville") is None


def test_country_names_and_capitals() -> None:
    gaz = gazetteer.load()
    assert gaz.country_name("ml") == "Mali"
    assert gaz.country_name("ZZ") == "ZZ"
    capital = gaz.capital("KE")
    assert capital is not None
    assert capital.name == "Nairobi"


def test_nearest_city_prefers_a_large_city_nearby() -> None:
    gaz = gazetteer.load()
    eid = gaz.nearest_city(12.60, -7.95)
    assert eid is not None
    assert gaz.names[eid] == "Bamako"
    assert gaz.nearest_city(-40.0, -120.0) is None  # the open Pacific


def test_cache_round_trip_and_unwritable_dir(tmp_path: Path) -> None:
    gaz = gazetteer.load()
    path = tmp_path / "cache" / "gazetteer.pickle"
    gazetteer._write(path, gaz)
    again = gazetteer._read(path)
    assert again is not None
    assert again.resolve("Bamako") == gaz.resolve("Bamako")
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    gazetteer._write(blocker / "sub" / "g.pickle", gaz)  # silently stays in memory
    assert gazetteer._read(blocker / "sub" / "g.pickle") is None


def test_cache_dir_follows_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ALERTS_CACHE_DIR", str(tmp_path))
    assert gazetteer.cache_dir() == tmp_path
    monkeypatch.delenv("ALERTS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert gazetteer.cache_dir() == tmp_path / "xdg" / "alerts"
    assert gazetteer.cache_path().name.startswith("gazetteer-")


def test_cache_of_other_versions_is_kept_while_in_use(tmp_path: Path) -> None:
    # Two checkouts on one machine (the service and an upgrade under test) must not delete
    # each other's cache; one nobody has read for STALE_DAYS goes.
    recent, old = tmp_path / "gazetteer-recent.pickle", tmp_path / "gazetteer-old.pickle"
    recent.write_bytes(b"x")
    old.write_bytes(b"x")
    long_ago = time.time() - (gazetteer.STALE_DAYS + 1) * 86400
    os.utime(old, (long_ago, long_ago))
    gazetteer._write(tmp_path / "gazetteer-new.pickle", gazetteer.load())
    assert recent.exists()
    assert not old.exists()


def test_whole_word_matches_begin_at_the_asked_position() -> None:
    gaz = gazetteer.load()
    joined = " gunmen near bamakoville and bamako said "
    assert " bamako " not in dict(gaz.keys_at(joined, joined.index(" bamakoville")))
    hits = dict(gaz.keys_at(joined, joined.index(" bamako ")))
    assert all(k.startswith(" bamako") and k.endswith(" ") for k in hits)
    key = hits[" bamako "]
    assert gaz.key_index("Bamako") == key
    assert any(gaz.cc[eid] == "ML" for eid, _ in gaz.rows(key))
