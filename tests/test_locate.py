"""Locate: spelling variants, context disambiguation, event place versus actor, hints."""

from __future__ import annotations

import pytest

from alerts.locate import explain, locate, parse_region
from alerts.models import Hints, PlaceKind


def places(text: str, **kw: object) -> list[tuple[str, str]]:
    return [(p.name, p.country) for p in locate(text, **kw).places]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "country", "near"),
    [
        ("Protesters clash with police in Bogotá", "CO", (4.61, -74.08)),
        ("Protesters clash with police in Bogota", "CO", (4.61, -74.08)),
        ("Gunfire heard in N'Djamena overnight", "TD", (12.11, 15.04)),
        ("Floods hit refugee camps in Cox’s Bazar", "BD", (21.45, 91.97)),
        ("Floods hit refugee camps in Cox's Bazar", "BD", (21.45, 91.97)),
        ("Missiles strike Kiev before dawn", "UA", (50.45, 30.52)),
        ("Missiles strike Kyiv before dawn", "UA", (50.45, 30.52)),
        ("Curfew imposed in Rangoon after protests", "MM", (16.8, 96.15)),
        ("Curfew imposed in Yangon after protests", "MM", (16.8, 96.15)),
        ("Metro strike paralyses São Paulo", "BR", (-23.55, -46.63)),
        ("Metro strike paralyses Sao Paulo", "BR", (-23.55, -46.63)),
    ],
)
def test_spelling_variants_locate_the_same_city(
    text: str, country: str, near: tuple[float, float]
) -> None:
    loc = locate(text)
    assert loc.countries[:1] == (country,)
    place = loc.places[0]
    assert abs(place.lat - near[0]) < 0.5 and abs(place.lon - near[1]) < 0.5
    assert text[place.span[0] : place.span[1]] == place.matched  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        ("A stop in Paris, Texas, to see the Eiffel Tower replica", ("US",)),
        ("Gunman opens fire at a baseball practice in Alexandria, Virginia", ("US",)),
        ("Gunmen abduct pupils from a school in Niger State", ("NG",)),
        ("Niger's junta praised the attack on an army base in Mali", ("ML",)),
        ("Four Americans kidnapped in Matamoros, two found dead", ("MX",)),
        ("US tells its citizens to leave Lebanon as fighting spreads", ("LB",)),
        ("Explosions heard in the Malian capital overnight", ("ML",)),
        ("Cyclone floods spread to Burundi, Kenya, Rwanda and Uganda", ("BI", "KE", "RW", "UG")),
    ],
)
def test_event_place_by_context(text: str, countries: tuple[str, ...]) -> None:
    assert locate(text).countries == countries


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Jordan Henderson scored twice as Liverpool won at home", "JO"),
        ("Chad said he would return next season", "TD"),
        ("Hurricane Otis slams into Acapulco as a category 5 storm", "US"),
        ("Boats sank on the Niger River near Mopti", "NE"),
        ("Nice weather brought crowds to the beaches of Valencia", "FR"),
        ("Police said a mobile phone shop in Lyon was looted", "PL"),
    ],
)
def test_names_that_are_not_places(text: str, absent: str) -> None:
    assert absent not in locate(text).countries


def test_title_case_headline_keeps_a_place_after_in() -> None:
    assert locate("Truck Attack In Nice Kills Dozens On Seafront").countries == ("FR",)


def test_storm_and_feature_names_leave_the_real_place() -> None:
    assert locate("Hurricane Otis slams into Acapulco").countries == ("MX",)
    assert locate("Boats sank on the Niger River near Mopti, Mali").countries[:1] == ("ML",)


def test_the_demonym_capital_is_the_capital_city() -> None:
    assert places("Explosions heard in the Malian capital overnight") == [("Bamako", "ML")]


def test_region_is_a_weak_prior() -> None:
    assert locate("Clashes in Tripoli overnight").countries == ("LY",)
    assert locate("Clashes in Tripoli overnight", region="LB").countries == ("LB",)
    assert parse_region("ML,BF, NE") == frozenset({"ML", "BF", "NE"})
    assert parse_region("['ML', 'bf']") == frozenset({"ML", "BF"})


def test_no_place_gives_an_empty_location() -> None:
    loc = locate("Bitcoin crashes below $20,000 as crypto sell-off deepens")
    assert loc.countries == () and loc.places == ()


def test_a_geo_point_wins_over_text() -> None:
    loc = locate("Earthquake felt in Paris", hints=Hints(point=(12.64, -7.99)))
    assert loc.countries[0] == "ML"
    assert loc.places[0].kind is PlaceKind.POINT
    assert loc.places[0].name == "Bamako"
    assert (loc.places[0].lat, loc.places[0].lon) == (12.64, -7.99)


def test_a_point_at_sea_is_named_by_its_coordinates() -> None:
    loc = locate("M 5.2 earthquake", hints=Hints(point=(-40.0, -120.0)))
    assert loc.places[0].kind is PlaceKind.POINT
    assert loc.places[0].name == "-40.00, -120.00"


def test_cap_polygon_and_feed_country() -> None:
    square = ((12.5, -8.1), (12.5, -7.9), (12.7, -7.9), (12.7, -8.1))
    assert locate("Flood warning", hints=Hints(cap_polygon=square)).countries == ("ML",)
    assert locate("Drought in the Sahel", hints=Hints(iso3="NER")).countries[0] == "NE"
    assert locate("Travel advisory", hints=Hints(country_name="Burma")).countries == ("MM",)
    area = Hints(cap_area_desc="Coastal districts of Bangladesh")
    assert locate("Cyclone warning for Kolkata", hints=area).countries[0] == "BD"


def test_explain_lists_candidates_and_outcome() -> None:
    lines = explain("Gunman opens fire in Alexandria, Virginia")
    assert any("Alexandria" in line and "US" in line for line in lines)
    assert any("beat" in line for line in lines)
    assert lines[-1].startswith("=> countries ['US']")


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Wigan beat Swindon 2-1 in a cup tie played in Wigan", "Swindon"),
        ("Leeds Rhinos hold off Castleford to win the final in Manchester", "Leeds"),
        ("A 3-0 win over Reading sent the fans home happy in Bristol", "Reading"),
        ("The Ipswich striker scored twice in the derby at Norwich", "Ipswich"),
    ],
)
def test_a_town_named_as_a_sports_side_is_not_the_place(text: str, absent: str) -> None:
    names = [p.name for p in locate(text).places]
    assert absent not in names and names


def test_a_name_with_a_particle_is_a_person() -> None:
    assert locate("Chad van Heerden won the sprint in Durban").countries == ("ZA",)


def test_a_venue_before_an_event_name_is_the_place() -> None:
    assert locate("Crowds gather for Milan Fashion Week").countries == ("IT",)


def test_world_regions_hide_same_named_hamlets() -> None:
    assert locate("Airlines reroute flights as tensions rise in the Middle East").countries == ()


def test_a_state_short_name_takes_the_full_name_and_a_spread_lists_countries() -> None:
    text = (
        "Cholera spreads from the Democratic Republic of Congo to Zambia and Malawi. "
        "Congo has reported 300 deaths."
    )
    assert locate(text).countries == ("CD", "ZM", "MW")


def test_dotted_province_code_and_island_name() -> None:
    loc = locate("Wildfire forces evacuations near Kelowna, B.C., and on Vancouver Island")
    assert loc.countries == ("CA",)
    assert "Vancouver" not in [p.name for p in loc.places]


def test_an_actor_capital_is_not_an_event_place() -> None:
    text = "Estonia shuts border crossings, accusing Moscow of sending migrants to the frontier"
    assert "Moscow" not in [p.name for p in locate(text).places]


def test_a_city_opening_an_airport_name_is_the_airport() -> None:
    assert places("Flights cancelled at London Heathrow after a power cut") == [
        ("London Heathrow Airport", "GB")
    ]


def test_a_district_around_a_named_town_is_not_a_second_place() -> None:
    names = [
        p.name for p in locate("Floods cut off villages near Sylhet in Sunamganj district").places
    ]
    assert names == ["Sylhet"]


def test_two_everyday_region_words_make_one_unknown_name() -> None:
    loc = locate("Evacuations ordered across the Gulf Coast as a hurricane nears Mobile, Alabama")
    assert loc.countries == ("US",)


def test_a_district_the_text_puts_inside_a_big_city_is_not_a_namesake_village() -> None:
    # Faladie is a Bamako district; GeoNames also has a village of that name ~60 km away.
    loc = locate("Police searched a market in the Faladie district in Bamako on Monday.")
    assert loc.countries[:1] == ("ML",)
    assert all(abs(p.lat - 12.65) < 0.2 and abs(p.lon + 8.0) < 0.2 for p in loc.places)
