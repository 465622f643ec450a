"""Precision rules of assess: texts (our own wording) that used to mail staff wrongly.

Each rule has its false alerts (several phrasings) and the real alerts that must stay alerts.
"""

from __future__ import annotations

import pytest

from alerts.assess import assess, explain
from alerts.models import Assessment, Category, Signal
from alerts.rules import default_rules

RULES = default_rules()
VIOLENT = {Category.TERRORISM, Category.ARMED_CONFLICT}


def _a(text: str) -> Assessment:
    return assess(text, rules=RULES)


def _quiet(text: str, most: int = 2) -> None:
    a = _a(text)
    assert a.severity <= most, explain(a)


def _alert(text: str, least: int = 3) -> Assessment:
    a = _a(text)
    assert a.severity >= least, explain(a)
    return a


REAL_CONFLICT = [
    ("Russian invasion of Ukraine. Tanks crossed the border before dawn.", 5),
    ("Russian invasion of Ukraine", 5),
    ("Troops fighting in Khartoum", 3),
    ("Troops fighting in Khartoum. Residents sheltered as gunfire echoed.", 3),
    ("Drone strike kills 5 in Kharkiv", 3),
    ("Drones attack oil depot in Novorossiysk. A fire broke out after the strike.", 3),
    ("Rebels attack army base in the north-east", 3),
    ("Missiles hit Kyiv as air-raid sirens sound", 3),
    ("War breaks out between two neighbours over a disputed frontier", 3),
    ("Militia leader killed in air strike, say reports", 3),
    ("Militants storm hotel in Mogadishu", 3),
]


@pytest.mark.parametrize(("text", "least"), REAL_CONFLICT)
def test_real_conflict_stays_an_alert(text: str, least: int) -> None:
    assert _alert(text, least).category in VIOLENT | {Category.CRIME}


@pytest.mark.parametrize(
    "text",
    [
        "Regulator refuses to publish minister's assets, citing invasion of privacy. "
        "The commission said disclosure could cause unwarranted invasion of privacy.",
        "Court rules tabloid photos were an invasion of her privacy.",
        "Fans stage pitch invasion after cup win. Stewards cleared the field.",
        "Treasury funds war on plastic bags. Parks will be cleared of litter.",
        "County allocates funds for plastics war",
        "City steps up battle against obesity. Schools will ban sugary drinks.",
        "Farmers are fighting to save the last wild bees",
        "Conservationist battling to reverse the decline of vultures",
        "Completion of fire-fighting work in the national park",
        "Rebel MLAs challenge party leader to a vote",
        "Tory rebels defy prime minister over housing bill",
        "Drones deployed to survey irrigation canals",
        "Delivery drones take off in rural clinics",
        "Historian tells the story of codebreakers who helped win World War II",
    ],
)
def test_figures_of_speech_are_not_violence(text: str) -> None:
    a = _a(text)
    assert a.category not in VIOLENT or a.severity <= 1, explain(a)
    assert a.severity <= 2, explain(a)


@pytest.mark.parametrize(
    "text",
    [
        "Warning after four people killed in bear attacks. The separate attacks in the "
        "prefecture may be the work of one bear; hikers were told to stay away from forests.",
        "Shark attack kills surfer off the west coast. Beaches were closed after the attack.",
        "Tiger mauls villager near the mangroves. The attacks have become more frequent.",
        "Crocodile attacks rise along the river",
    ],
)
def test_animal_attacks_are_neither_terrorism_nor_alerts(text: str) -> None:
    a = _a(text)
    assert a.category not in VIOLENT and a.severity <= 2, explain(a)


@pytest.mark.parametrize(
    "text",
    [
        "The town making missiles for the president. Support runs high at the plant.",
        "Rebels hit back at party chief. They will quit if he returns to power.",
        "Trade talks stall as drones dominate the air show agenda",
        "The president's war fails to break the country's resolve",
        "Armed groups dwindle but still trouble the region",
    ],
)
def test_one_weak_cue_alone_does_not_reach_three(text: str) -> None:
    a = _a(text)
    assert a.severity <= 2, explain(a)


@pytest.mark.parametrize(
    "text",
    [
        "Wildfire extinguished after three days. Residents were allowed back.",
        "Forest fires now extinguished after heavy rains. The fire service ended its work.",
        "Blaze brought under control at the port",
    ],
)
def test_fires_put_out_are_an_all_clear(text: str) -> None:
    _quiet(text, 1)


def test_extinguished_fires_signal_all_clear() -> None:
    a = _a("Completion of firefighting. The many fires in the west are now extinguished.")
    assert Signal.ALL_CLEAR in a.signals, explain(a)


@pytest.mark.parametrize(
    "text",
    [
        "How the scramble for minerals fuels conflict across the region. An activist's "
        "protests highlighted the devastating fires in the basin.",
        "Why the insurgency keeps spreading in the north",
        "Strikes in the south killed 153 civilians in 2025, says Pentagon review",
        "Poor diet now affects a third of humanity, says report. The study warns of the "
        "devastating toll of a worldwide epidemic of obesity.",
        "Missile programme includes smaller warheads, report says",
        "The little-known story of the women who broke wartime codes",
        "Urban growth and the cost of conflict and terrorism",
        "A family had a life for 15 years. Then they were torn apart. This is their story.",
    ],
)
def test_features_analysis_and_reports_are_dampened(text: str) -> None:
    _quiet(text)


def test_a_feature_reporting_fresh_deaths_stays_an_alert() -> None:
    _alert("In pictures: car bombing kills 40 in the capital. Rescuers searched the rubble.")


@pytest.mark.parametrize(
    "text",
    [
        "Father says athlete must pay for daughter's murder. He told the court at a "
        "sentencing hearing that the family was devastated by the killing in 2013.",
        "Former rebel commander testifies at war crimes tribunal",
        "Gang leader goes on trial for the murder of a journalist",
    ],
)
def test_court_stories_are_minimal(text: str) -> None:
    _quiet(text, 1)


def test_an_attack_at_a_courthouse_stays_an_alert() -> None:
    _alert("Gunman opens fire outside a courthouse, killing six. Police sealed off the area.")


@pytest.mark.parametrize(
    ("text", "most"),
    [
        ("The opioid documentary set to shock the country. The epidemic kills 91 a day.", 0),
        ("Vigils held across the world for the victims of the nightclub attack", 2),
        ("Kingdom's diplomatic row with the UN over the war deepens. It is fighting rebels.", 2),
        ("Freed pilot calls for talks with separatist rebels", 2),
        ("Youth injured in mysterious blast. A device went off accidentally.", 2),
        ("Four killed as car rams a tree on the highway", 2),
        ("Alert sounded in the state after the nightclub attack abroad", 2),
        ("Commander says forces must be ready to strike enemy soil", 2),
        ("Compensation pledged to families of those killed in botched drone strike. Ten "
         "civilians who died in the Aug. 29 attack will be paid.", 1),
        ("Residents return home to devastated neighbourhoods after the militants left", 1),
        ("Survivors go back to work. Nearly 200 people died last month in a mine landslide.", 2),
    ],
)  # fmt: skip
def test_aftermath_tributes_rows_and_accidents_are_dampened(text: str, most: int) -> None:
    _quiet(text, most)


def test_a_bus_disaster_stays_an_alert() -> None:
    _alert("Bus plunges into ravine, killing 30. The bus was carrying pilgrims.")


def test_a_lockdown_mentioned_as_a_time_is_not_an_order() -> None:
    past = _a("Two arrested for poaching in a park. Poaching rose during the COVID-19 lockdown.")
    now = _a("Lockdown imposed in the city as virus spreads. Residents told to stay home.")
    assert Signal.LIMIT_MOVEMENT not in past.signals and past.severity <= 2, explain(past)
    assert Signal.LIMIT_MOVEMENT in now.signals and now.severity >= 3, explain(now)


def test_devastating_needs_a_disaster_or_an_attack() -> None:
    grief = _a("Father says family was devastated by the murder of his daughter.")
    quake = _a("Earthquake devastates towns in the east. Rescuers searched the rubble.")
    assert grief.severity <= 2 and quake.severity == 5, (explain(grief), explain(quake))


def test_explain_names_the_figure_of_speech() -> None:
    a = _a("Council declares war on plastic bags")
    assert any(r.name == "idiom" and "war on plastic" in r.phrase for r in a.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "Tributes pour in as death toll in mall attack rises to 40. Officials said 40 people "
        "were killed when gunmen stormed the mall.",
        "Security tightened in the capital after attack on police academy. Jihadists attacked "
        "the academy at dawn; the airport was closed.",
        "Kidnappers seize 20 students from a school. In a separate case, two suspects told the "
        "court they were innocent.",
        "Police put out warning after gunmen attack hotel. Militants stormed a hotel in the "
        "capital, exchanging fire with security forces.",
        "Hostages taken in hotel siege. Gunmen seized 170 hostages at a hotel in the capital.",
    ],
)
def test_dampeners_do_not_silence_the_attack_they_mention(text: str) -> None:
    # Each dampener above has a word that also appears around real attacks: a tribute while
    # the toll rises, a precaution in the attacked city, a court in the summary, a warning
    # that is "put out". The attack must still be an alert.
    _alert(text)


@pytest.mark.parametrize(
    "text",
    [
        "Huge explosion rocks port city. A massive blast shook the capital, shattering windows.",
        "Explosion heard near the airport. There was no information on casualties.",
        "Blast at the airport targets a convoy. An explosion near the terminal hit a convoy.",
    ],
)
def test_a_blast_that_is_an_event_is_at_least_a_notice(text: str) -> None:
    a = _a(text)
    assert a.severity >= 2, explain(a)
