"""The fast paths of report preparation give what the plain definitions give."""

from __future__ import annotations

import pytest

from alerts import cluster_words as cw
from alerts import similarity as sim

TEXTS = [
    "Gunmen storm the Inter-Continental hotel in Kabul. Police said O'Brien was hurt.",
    "Blasts at the academy, two days after a bomb killed 100 people. Police said.",
    "Kızılay square bombing: Ankara mourns. Earlier attacks were claimed by the TAK.",
    "A magnitude 6.5 quake struck Gorkha; Kathmandu’s Dharahara tower fell",
    "Protesters demand answers as Minister Ali Khan visits Dhaka since the fire",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_text_words_is_words_without_references(text: str) -> None:
    tokens, names = cw.text_words(text)
    expected_tokens, expected_names = cw.words(cw.strip_references(text))
    assert sorted(tokens) == sorted(expected_tokens)
    assert names == expected_names


@pytest.mark.parametrize("text", TEXTS)
def test_located_tiers_is_tiers(text: str) -> None:
    places = ["Kabul", "Ankara", "Kathmandu", "Dhaka"]
    assert sim.located_tiers(text, sim.located_words(places)) == sim.tiers(text, places)
