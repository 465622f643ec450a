"""Cue words for locating: which words around a name make it a place, an actor or a
name of something else. Kept together so that they can be read and changed in one place.
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """A set of lower-case words from a space-separated string."""
    return frozenset(text.split())


# Words after a name that make it a natural feature or a street, not a settlement.
FEATURE_AFTER = words(
    "river lake sea ocean strait delta street streets avenue road boulevard square bridge "
    "mountains basin canal channel trail island peninsula corridor bay gulf"
)

# Words before a name that make it a storm's or a vessel's name ("Hurricane Otis").
NAME_BEFORE = words(
    "hurricane typhoon cyclone storm tropical depression ship vessel tanker freighter boat "
    "carrier yacht ferry"
)

# Capitalised words that extend a place name rather than a person's or team's name;
# on their own they are never a place ("Airport", "Western").
PLACE_WORDS = words(
    "city province state region district county prefecture department governorate island "
    "islands international airport valley peninsula north south east west northern southern "
    "eastern western central upper lower greater new old port mount the of and de del la le du "
    "des al el saint st dome stadium arena hall park palace bay harbour harbor junction station "
    "centre center terminal metro olympics games week show festival marathon fair summit "
    "conference expo mayor police airports"
)

# Lower-case particles inside people's names ("Chad van Heerden", "Virgil van Dijk"); not the
# Romance "de", "del", which place names share ("Cocle del Norte").
NAME_PARTICLES = words("le van von der den ter bin ibn")

# Nouns that end an event's name after its venue: "Milan Fashion Week", "Dubai Air Show".
EVENT_AFTER = words(
    "week show festival marathon olympics games summit conference expo fair biennale carnival "
    "open prix championships championship cup"
)

# Nouns that end an organisation's name after a place word: "Sofia City Orchestra".
ORG_AFTER = words(
    "ballet orchestra opera philharmonic symphony choir theatre theater university college "
    "airways airlines fc afc rovers wanderers athletic"
)

# Names of world regions that are not places of the gazetteer ("Middle East" is also a
# hamlet in Texas): matched so that they hide the namesakes, never emitted.
MACRO_REGIONS = frozenset(
    {
        "middle east",
        "near east",
        "far east",
        "east africa",
        "west africa",
        "north africa",
        "southern africa",
        "central africa",
        "horn of africa",
        "latin america",
        "central america",
        "south america",
        "north america",
        "central asia",
        "south asia",
        "southeast asia",
        "east asia",
        "asia pacific",
        "eastern europe",
        "western europe",
        "central europe",
        "europe",
        "asia",
        "africa",
        "sahel",
        "balkans",
        "caribbean",
        "caucasus",
        "levant",
        "maghreb",
        "mediterranean",
        "scandinavia",
        "oceania",
    }
)

# Capitalised neighbours that are dates, not parts of a name.
WEEKDAYS = words(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december"
)

# Words before a place where something happens: "in", "near", "struck".
LOCATIVE = words(
    "in at near across outside inside around into on throughout over off within struck hit hits "
    "hitting rocked rocks grips gripped swamp swamped paralyses paralysed"
)

# Prepositions that place a name even where it also names a team or person ("in Melbourne").
PLACING = words("in at near inside outside across around throughout into")

# Prepositions that, after a word of travel, make the place a destination.
MOVEMENT = words("to via towards toward for from between")

# Words of travel before those prepositions: "flights diverted to Niamey".
MOVERS = words(
    "crossing crossed fired launched trains train buses bus services routes link links "
    "diverted rerouted redirected flown flying flew fly flights flight moves moved moving fled "
    "fleeing return returned returning travel travelled traveling travelling evacuated bound "
    "headed heading arriving departing leaving trip tour"
)

# A country after these words is an opponent in a match, not where it is played.
OPPONENT_BEFORE = words(
    "against versus vs beat beating beats defeated defeat defeating stun stuns stunned thrash "
    "thrashed rout routed edge edged"
)

# Nouns after a town that make it a sports club: "the Ipswich striker".
TEAM_NOUNS = words(
    "forward forwards striker strikers midfielder defender goalkeeper keeper winger coach "
    "manager skipper squad fans supporters boss"
)

# Nouns after a country (or "Country's") that make it the doer: "Niger's junta".
ACTOR_NOUNS = words(
    "junta government army military forces troops president prime minister ministry authorities "
    "police officials embassy state department foreign navy air force leader regime "
    "parliament's spokesman envoy citizens nationals national"
)

# Verbs after a country that make it the doer: "France condemned", "Morocco stun".
REACT_VERBS = words(
    "said says condemned condemns urged urges warned warns told tells called calls sent sends "
    "issued issues pledged pledges announced announces ordered orders accused accuses responded "
    "responds evacuates evacuated evacuating begins began halts halted raised raises advised "
    "advises offered offers beat beats stun stuns reach reaches reached win wins won defeat "
    "defeats thrash thrashes draw draws lose loses lost edge edges face faces start starts "
    "started begin"
)

# Words before a country code that make it a place ("in the US"), not an adjective.
PLACE_BEFORE = words("the in to from into across at inside outside throughout")

# Words before a capital that make it its government: "accusing Moscow".
BLAME = words("accusing accused accuses blamed blaming blames urged urging")

# Nouns after a demonym that make it a place: "the Malian capital".
PLACE_NOUNS = words("capital city town village region province port coast")
