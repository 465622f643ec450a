"""Text sketches: normalisation, references to other incidents, weights, headline cues."""

from __future__ import annotations

import pytest

from alerts import similarity as sim
from alerts import sketches
from alerts.cues import is_onset, mentions_protest, protest_cues


def test_fold_text_meets_spellings() -> None:
    assert sim.fold_text("Kızılay") == sim.fold_text("Kizilay") == "kizilay"


def test_references_to_other_incidents_are_cut() -> None:
    text = "Blasts at the academy, two days after a bomb killed 100 people. Police said."
    assert "bomb" not in sim.strip_references(text)
    assert "Police said" in sim.strip_references(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A magnitude 6.5 quake struck", {"6.5"}),
        ("an M5.4 shock and a 5,9-magnitude one", {"5.4", "5.9"}),
        ("no numbers here", set()),
    ],
)
def test_magnitudes(text: str, expected: set[str]) -> None:
    assert sim.magnitudes(text) == expected


def test_hyphenated_names_meet_their_parts_and_whole() -> None:
    a = sim.sketch("Attack at the Inter-Continental hotel")
    b = sim.sketch("Gunmen storm the Intercontinental")
    assert sketches.containment(b, a) > 0


def test_place_names_are_left_to_place_matching() -> None:
    with_place = sim.sketch("Siege at the hotel in Kabul", exclude=["Kabul"])
    other = sim.sketch("Ambulance bomb in Kabul", exclude=["Kabul"])
    assert sketches.containment(other, with_place) < 0.2
    unlocated = sim.sketch("Basilica collapses in Kabul")
    assert sketches.containment(unlocated, with_place) > 0.3


def test_names_weigh_more_than_common_words() -> None:
    event = sim.sketch("Anis Amri sought after the attack on the market")
    assert sketches.containment(sim.sketch("Police shot Anis Amri"), event) > 0.5
    assert sketches.containment(sim.sketch("Police shot a gunman"), event) == 0.0


def test_containment_of_nothing_is_zero() -> None:
    assert sketches.containment((), sim.sketch("anything at all")) == 0.0


def test_merge_is_bounded_and_keeps_names_and_marks() -> None:
    event: tuple[int, ...] = ()
    for i in range(200):
        event = sketches.merge(event, sim.sketch(f"word{i} other{i} thing{i}"), cap=50)
    assert len(event) == 50
    grown = sketches.merge(event, sim.sketch("a magnitude 6.1 quake near Visso"), cap=50)
    assert sketches.marks(grown) and sketches.names(grown)


@pytest.mark.parametrize(
    ("title", "onset"),
    [
        ("Car bomb kills dozens in central Ankara", True),
        ("Strong earthquake jolts central Italy", True),
        ("Kizilay blast toll rises to 37", False),
        ("Taliban claim Kabul ambulance bombing", False),
        ("Second night of unrest in Paris", False),
        ("Venezuela outage drags into fourth day", False),
        ("Market reopens behind concrete barriers", False),
        ("Explosion hits Dhaka market", True),
        ("Blackout enters second day in Karachi", False),
        ("Protesters storm parliament for a 3rd night", False),
        ("Quake rocks Lima on a Tuesday", True),
        ("Gunfire erupts in Bamako as the 2nd WEEK begins", False),
        ("Sirens sound in Kyiv, seventh nıght of raids", False),
    ],
)
def test_onset_headlines(title: str, onset: bool) -> None:
    assert is_onset(title) is onset


@pytest.mark.parametrize(
    ("a", "b"), [("ambulances", "ambulance"), ("closed", "close"), ("crashes", "crash")]
)
def test_inflections_meet(a: str, b: str) -> None:
    assert sim.hashes(a) == sim.hashes(b)


def test_query_is_containment_and_weighs_the_event_names() -> None:
    event = sim.sketch("Officers removed the leader, Colonel Damiba, on state television.")
    for text in ("State television went off air", "nothing in common"):
        report = sim.sketch(text)
        assert sketches.Query(report).containment(event) == pytest.approx(
            sketches.containment(report, event)
        )
    opening = sim.sketch("Damiba agrees to step down and leaves")  # a name, but first
    assert sketches.Query(opening).containment(event) > sketches.containment(opening, event)


def test_protest_cues() -> None:
    assert (
        protest_cues(sketches.Query(sim.sketch("Students besiege officials, demand answers"))) == 2
    )
    assert not mentions_protest(sim.sketch("Training jet crashes into a school"))
    assert mentions_protest(sim.sketch("Protesters gathered at the school"))


def test_reference_spans_cover_the_clauses_cut() -> None:
    text = "Raid near Markoye. It came hours before the massacre in Solhan. Police said."
    [(a, b)] = sim.reference_spans(text)
    assert text[a:b] == "hours before the massacre in Solhan"
