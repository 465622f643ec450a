"""Golden test over every real feed in ../shared/feeds/real (skipped where it is absent).

For each file: the item count (also checked against MANIFEST.md, counted by feedparser),
the first item's identity, title (first 60 characters) and date, and its hints where the
feed has them. The two non-feeds must give a clear NotAFeedError.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from alerts import parse as parse_module
from alerts import parse_hints, parse_ns, parse_text
from alerts.errors import NotAFeedError
from alerts.parse import Parsed, parse

FETCHED = datetime(2026, 11, 23, tzinfo=UTC)
NOT_FEEDS = {
    "dailytelegraph-empty-0-bytes.xml": "empty body",
    "latimes-feed-url-returned-cloudfront-html-error.xml": "an HTML page",
}

# name: (items, first key, first title[:60], first date as UTC ISO or None when missing)
GOLDEN: dict[str, tuple[int, str | None, str | None, str | None]] = {
    "aktuality-sk-rss2-slovak-2021-01-17.xml": (
        30,
        "https://www.aktuality.sk/clanok/856577/analytici-goldman-sachs-zvysili-odhad-rastu-ekonomiky-usa/",
        "Analytici Goldman Sachs zvýšili odhad rastu ekonomiky USA",
        "2021-01-17T18:27:00",
    ),
    "aljazeera-america-rss2-2016-02.xml": (
        50,
        "http://america.aljazeera.com/articles/2016/2/26/goodnight-and-good-luck.html",
        "Goodnight, and good luck",
        "2016-02-26T16:00:00",
    ),
    "aljazeera-english-all-rss2-no-xmldecl-2026-08-13.xml": (
        25,
        "https://www.aljazeera.com/?t=1786585868",
        "Search efforts in Colombia enter ‘final phase’ as quake toll",
        "2026-08-13T04:26:46",
    ),
    "bbc-chinese-atom-2015-03-16.xml": (
        66,
        "tag:www.bbcchinese.com,2015-03-16:/zhongwen/simp/world/2015/03/150316_saddam_tomb_tikrit",
        "萨达姆之墓在反“伊斯兰国”战事中被毁",
        "2015-03-16T07:32:23",
    ),
    "bbc-news-home-rss2-2020-08-04-beirut.xml": (
        48,
        "https://www.bbc.co.uk/news/world-middle-east-53656220",
        "Beirut blast: Dozens dead and thousands injured, health mini",
        "2020-08-04T22:41:35",
    ),
    "bbc-news-world-rss2-2026-08-13.xml": (
        28,
        "https://www.bbc.co.uk/news/articles/c5y49xp2wrno#0",
        "Major Russian grain export terminals hit in Ukraine Black Se",
        "2026-08-13T03:28:56",
    ),
    "cnn-international-rss2-feedburner-2020-08-04-beirut.xml": (
        50,
        "https://edition.cnn.com/middleeast/live-news/lebanon-beirut-explosion-live-updates-dle-intl/index.html",
        "At least 73 dead and thousands injured after massive explosi",
        None,
    ),
    "dw-chinese-rdf-2015-03-16.xml": (
        85,
        "http://www.dw.de/格林沃尔德获德国新闻记者奖/a-18317568?maca=chi-rss-chi-all-1127-rdf",
        "格林沃尔德获德国新闻记者奖",
        "2015-03-15T16:44:00",
    ),
    "emm-newsbrief-jrc-rss2-georss-2020-05-15.xml": (
        105,
        "busiweek-6b49859bab08ff6ed587507cb9838a84",
        "UN invites media entries for top award",
        "2020-05-15T00:19:00",
    ),
    "gdacs-archive-orange-alerts-2012-2016-rss2-crlf.xml": (
        100,
        "FL4339",
        "Orange flood alert in Pakistan",
        "2016-03-25T23:59:59",
    ),
    "gdacs-cap-rss-2025-04-02-browser-copy-malformed.xml": (
        104,
        "EQ1475431_1631635",
        "Green earthquake alert (Magnitude 4.7M, Depth:10km) in Myanm",
        "2025-04-02T10:45:00",
    ),
    "gdacs-rss-2019-12-30.xml": (
        16,
        "TC1000643",
        "Green alert for tropical cyclone CALVINIA-19. Population aff",
        "2019-12-29T12:00:00",
    ),
    "gdacs-rss-2024-12-10-mojibake-bom.xml": (
        2,
        "EQ1457082",
        "Green earthquake alert (Magnitude 5.8M, Depth:28.583km) in U",
        "2024-12-10T18:09:57",
    ),
    "gdacs-rss-7d-2019-12-30-large.xml": (
        115,
        "DR1012728",
        "Drought is on going in Angola, Botswana, Lesotho, Mozambique",
        "2019-12-30T00:57:00",
    ),
    "gdacs-rss-7d-2022-11-26.xml": (
        315,
        "EQ1347961",
        "Green earthquake alert (Magnitude 4.9M, Depth:15.983km) in S",
        "2022-11-26T20:39:04",
    ),
    "guardian-us-rss2-2018-01-31.xml": (
        55,
        "https://www.theguardian.com/us-news/2018/jan/31/donald-trump-state-of-the-union-address-unity-discord",
        "Trump State of the Union address promised unity but emphasiz",
        "2018-01-31T07:26:05",
    ),
    "guardian-world-rss2-2016-06-14.xml": (
        95,
        "https://www.theguardian.com/world/2016/jun/14/french-police-officer-wife-murdered-larossi-abballa-isis",
        "French police officer and partner murdered in 'odious terror",
        "2016-06-14T11:45:52",
    ),
    "jn-pt-rss2-iso8859-1-2018-01-03.xml": (
        40,
        "http://feeds.jn.pt/~r/JN-ULTIMAS/~3/UBnb8Ra3Q1U/sonia-laig-e-a-nova-presidente-da-rarissimas-9021600.html",
        "Mãe de utente é a nova presidente da Raríssimas",
        "2018-01-03T13:47:00",
    ),
    "lanacion-ar-rss2-spanish-2022-04-06.xml": (
        100,
        "https://www.lanacion.com.ar/sociedad/el-gobierno-aumento-un-50-el-monto-de-la-tarjeta-alimentar-en-medio-de-la-crisis-nid06042022/",
        "El Gobierno aumentó un 50% el monto de la Tarjeta Alimentar,",
        "2022-04-06T22:48:39",
    ),
    "lemonde-une-rss2-leading-blankline-https-atom-ns-2018-06.xml": (
        21,
        "https://www.lemonde.fr/tiny/5308781/",
        "Rugby : face à Castres, le Montpellier de Mohed Altrad bute ",
        "2018-06-02T21:00:01",
    ),
    "livemint-in-rss2-cdata-2019.xml": (
        25,
        "1559104147038",
        "PM Modi-Xi Jinping informal summit in Varanasi this October:",
        "2019-05-29T10:16:00",
    ),
    "mehr-news-agency-en-rss2-2026-08-13.xml": (
        30,
        "https://en.mehrnews.com/news/246928/Iran-Pakistan-must-lead-Islamic-unity",
        "Iran, Pakistan must lead Islamic unity",
        "2026-08-12T13:22:07",
    ),
    "nbc-newyork-rss2-nonrfc-pubdate-2023-12.xml": (
        1,
        "4956764",
        "NYC cops search for stabbing suspect after leaving 18-year-o",
        "2023-12-16T02:02:33",
    ),
    "nhc-atlantic-index-at-rss2-nhc-ns-2024-09-02.xml": (
        2,
        "https://www.nhc.noaa.gov/gtwo.php?basin=atlc&202409021136",
        "Atlantic Tropical Weather Outlook",
        "2024-09-02T11:36:52",
    ),
    "nhc-gtwo-graphical-outlook-rss2-2024-09-02.xml": (
        3,
        "https://www.nhc.noaa.gov/gtwo.php?basin=atlc&202409021137",
        "NHC Atlantic Outlook",
        "2024-09-02T11:37:20",
    ),
    "nws-cap-atom-us-alerts-2020-05-15.xml": (
        180,
        "https://alerts.weather.gov/cap/wwacapget.php?x=AK125F4C794B8C.FloodAdvisory.125F4C8869DCAK.AFGFLSAFG.45086c1afc609d8bd0cc4221e153a264",
        "Flood Advisory issued May 14 at 1:07PM AKDT by NWS",
        "2020-05-14T21:07:00",
    ),
    "nyt-chinese-rss2-2015-03-16.xml": (
        22,
        "https://d1dqx91p2uadmw.cloudfront.net/china/20150316/c16trash-lens/",
        "回收场一瞥：北京的碎片，在此重生",
        "2015-03-16T08:03:24",
    ),
    "nyt-us-news-rss2-2021-10-17.xml": (
        20,
        "https://www.nytimes.com/2021/10/16/us/benton-harbor-michigan-water.html",
        "Another Michigan Water Crisis Underscores Infrastructure Woe",
        "2021-10-16T09:00:15",
    ),
    "nyt-world-rss2-2018-09-05.xml": (
        48,
        "https://www.nytimes.com/2018/09/04/world/europe/russian-agents-kremlin-spies.html",
        "The Kremlin Wants Information. To Get It, Agents Show Up Wit",
        "2018-09-04T22:27:26",
    ),
    "oren-ru-rss2-windows1251-default-ns-2014-01-23.xml": (
        10,
        "http://www.oren.ru/news/2743422/",
        "В Бузулуке главные стройплощадки – детсад и Ледовый дворец",
        "2014-01-22T14:31:31",
    ),
    "qq-news-gb2312-baddate-2018-09-18.xml": (
        20,
        "http://news.qq.com/a/20180918/009846.htm",
        "习近平为何如此强调崇尚英雄？",
        "2018-09-18T14:38:10",
    ),
    "straitstimes-asia-rss2-empty-channel-2018-07-03.xml": (0, None, None, None),
    "the-hindu-news-rss2-cdata-pubdate-2016-06-14.xml": (
        511,
        "http://www.thehindu.com/sport/football/hungary-stun-10man-austria-to-end-30year-wait/article8729022.ece?utm_source=RSS_Feed&utm_medium=RSS&utm_campaign=RSS_Syndication",
        "Hungary stun 10-man Austria to end 30-year wait",
        "2016-06-14T18:15:57",
    ),
    "tpm-talkingpointsmemo-atom-2017-11-08.xml": (
        20,
        "tag:talkingpointsmemo.com,2005:ArticleDecorator/270060",
        "Hannity Announces Fox Has Hired Sebastian Gorka As NatSec St",
        "2017-11-08T23:15:58",
    ),
    "uol-noticias-br-rss-latin1-nodecl-2018.xml": (
        15,
        "https://noticias.uol.com.br/politica/eleicoes/2018/noticias/2018/09/24/ibope-bolsonaro-perde-de-haddad-ciro-e-alckmin-em-simulacoes-de-2-turno.htm",
        "Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulaçõ",
        None,
    ),
    "us-state-dept-travel-advisories-rss2-2021-03-01.xml": (
        210,
        "http://travel.state.gov/content/travel/en/traveladvisories/traveladvisories/bhutan-travel-advisory.html",
        "Bhutan - Level 3: Reconsider Travel",
        "2021-02-16T00:00:00",
    ),
    "usgs-all-day-atom-georss-2018-12-07.xml": (
        505,
        "urn:earthquake-usgs-gov:ci:38388024",
        "M 0.6 - 4km NNE of Palomar Observatory, CA",
        "2018-12-07T05:57:31",
    ),
    "usgs-all-hour-atom-georss-2018.xml": (
        20,
        "urn:earthquake-usgs-gov:ci:38388032",
        "M 1.2 - 10km NE of Aguanga, CA",
        "2018-12-07T06:00:28",
    ),
    "usgs-all-week-atom-georss-2018-large.xml": (
        4727,
        "urn:earthquake-usgs-gov:ci:38388032",
        "M 1.1 - 10km NE of Aguanga, CA",
        "2018-12-07T06:02:08",
    ),
}

# name: the first item's hints (cap_polygon as its number of points)
HINTS: dict[str, dict[str, object]] = {
    "emm-newsbrief-jrc-rss2-georss-2020-05-15.xml": {"point": (33.2286562085057, 44.3569305989387)},
    "gdacs-archive-orange-alerts-2012-2016-rss2-crlf.xml": {
        "point": (33.054, 71.779),
        "gdacs_alert_level": "Orange",
        "gdacs_event_type": "FL",
        "gdacs_event_id": "4339",
        "gdacs_episode_id": "1",
        "country_name": "Pakistan",
    },
    "gdacs-cap-rss-2025-04-02-browser-copy-malformed.xml": {
        "point": (20.9046, 96.0656),
        "cap_identifier": "GDACS_EQ_1475431_1631635",
        "cap_severity": "Minor",
        "cap_urgency": "Past",
        "cap_certainty": "Observed",
        "cap_area_desc": "Polygon",
        "cap_polygon": 181,
    },
    "gdacs-rss-2019-12-30.xml": {
        "point": (-19.4, 59.8),
        "box": (-46.7828750315965, 55.0780533046962, -20.7828750315965, 81.0780533046962),
        "gdacs_alert_level": "Green",
        "gdacs_event_type": "TC",
        "gdacs_event_id": "1000643",
        "gdacs_episode_id": "1",
        "iso3": "MUS",
        "country_name": "Mauritius",
    },
    "gdacs-rss-2024-12-10-mojibake-bom.xml": {
        "point": (51.1125, -177.2133),
        "gdacs_alert_level": "Green",
        "gdacs_event_type": "EQ",
        "gdacs_event_id": "1457082",
        "gdacs_episode_id": "1608281",
        "iso3": "USA",
        "country_name": "United States",
    },
    "gdacs-rss-7d-2019-12-30-large.xml": {
        "point": (-22.932, 22.348),
        "box": (-26.932, 18.348, -18.932, 26.348),
        "gdacs_alert_level": "Orange",
        "gdacs_event_type": "DR",
        "gdacs_event_id": "1012728",
        "gdacs_episode_id": "43",
        "iso3": "AGO",
        "country_name": (
            "Angola, Botswana, Lesotho, Mozambique, Namibia, South Africa, Zambia, Zimbabwe"
        ),
    },
    "gdacs-rss-7d-2022-11-26.xml": {
        "point": (32.3345, 142.4756),
        "box": (28.3345, 138.4756, 36.3345, 146.4756),
        "gdacs_alert_level": "Green",
        "gdacs_event_type": "EQ",
        "gdacs_event_id": "1347961",
        "gdacs_episode_id": "1475389",
        "country_name": "Southeast Of Honshu, Japan",
    },
    "nws-cap-atom-us-alerts-2020-05-15.xml": {
        "cap_severity": "Minor",
        "cap_urgency": "Expected",
        "cap_certainty": "Likely",
        "cap_area_desc": "Yukon Delta",
        "cap_polygon": 9,
    },
    "us-state-dept-travel-advisories-rss2-2021-03-01.xml": {
        "state_dept_level": 3,
        "country_name": "Bhutan",
    },
    "usgs-all-day-atom-georss-2018-12-07.xml": {"point": (33.3945, -116.8526667)},
    "usgs-all-hour-atom-georss-2018.xml": {"point": (33.5141678, -116.8001633)},
    "usgs-all-week-atom-georss-2018-large.xml": {"point": (33.5135, -116.8018333)},
}


def _real(shared_dir: Path) -> Path:
    return shared_dir / "feeds" / "real"


@functools.cache  # the large GDACS and USGS files are read once for both tests
def _parse(path: Path) -> Parsed:
    return parse(path.read_bytes(), {}, feed=path.stem, fetched_at=FETCHED)


def _manifest_counts(folder: Path) -> dict[str, int]:
    rows = re.findall(
        r"^\| \d+ \| `([^`]+)` \|.*?\| (\d+) \| [^|]+ \| [^|]+ \|",
        (folder / "MANIFEST.md").read_text(),
        re.M,
    )
    return {name: int(count) for name, count in rows}


def test_every_file_is_covered(shared_dir: Path) -> None:
    names = {p.name for p in _real(shared_dir).glob("*.xml")}
    assert len(names) == 41
    assert names == set(GOLDEN) | set(NOT_FEEDS)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_real_feed(shared_dir: Path, name: str) -> None:
    count, key, title, date = GOLDEN[name]
    parsed = _parse(_real(shared_dir) / name)
    assert len(parsed.items) == count == _manifest_counts(_real(shared_dir))[name]
    if count:
        first = parsed.items[0]
        assert (first.key, first.title[:60]) == (key, title)
        assert first.date_missing is (date is None)
        if date is not None:
            assert first.published.strftime("%Y-%m-%dT%H:%M:%S") == date
    for item in parsed.items:
        assert item.published.tzinfo is not None and item.published.utcoffset() == UTC.utcoffset(
            None
        )
        assert "\n" not in item.title and "<" not in item.title[:1]


@pytest.mark.parametrize("name", sorted(HINTS))
def test_real_feed_hints(shared_dir: Path, name: str) -> None:
    hints = dataclasses.asdict(_parse(_real(shared_dir) / name).items[0].hints)
    found = {k: v for k, v in hints.items() if v is not None}
    if "cap_polygon" in found:
        found["cap_polygon"] = len(found["cap_polygon"])
    assert found == HINTS[name]


@pytest.mark.parametrize(
    "name", sorted(set(HINTS) - {"us-state-dept-travel-advisories-rss2-2021-03-01.xml"})
)
def test_fast_hint_path_equals_feedparser_on_every_entry(shared_dir: Path, name: str) -> None:
    # The fast path reads namespaced hints with expat; feedparser is the reference.
    text, _ = parse_module._prepare((_real(shared_dir) / name).read_bytes(), {})
    document = parse_text.as_utf8_document(text)
    fields = parse_ns.entry_fields(document)
    if fields is None:
        pytest.skip("not well-formed: feedparser reads this one")
    reference = parse_module._full(document, [])[1]
    assert [parse_hints.from_entry(f) for f in fields] == [e.hints for e in reference]


@pytest.mark.parametrize("name", sorted(NOT_FEEDS))
def test_not_a_feed(shared_dir: Path, name: str) -> None:
    with pytest.raises(NotAFeedError, match=NOT_FEEDS[name]) as caught:
        _parse(_real(shared_dir) / name)
    assert "\n" not in str(caught.value)
