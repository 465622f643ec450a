"""Parsing rules on small synthetic feeds: identity, dates, text, encodings, hints, refusals."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from alerts.errors import NotAFeedError
from alerts.parse import Parsed, fingerprint, parse

FETCHED = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def rss(items: str, *, decl: str = "<?xml version='1.0' encoding='utf-8'?>", ns: str = "") -> str:
    return f"{decl}<rss version='2.0'{ns}><channel><title>Feed</title>{items}</channel></rss>"


def run(body: str | bytes, headers: dict[str, str] | None = None) -> Parsed:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return parse(data, headers or {}, feed="f", fetched_at=FETCHED, region="ML", source_name="S")


def test_identity_guid_else_link_else_hash() -> None:
    parsed = run(
        rss(
            "<item><guid>g-1</guid><link>http://a/1</link><title>A</title></item>"
            "<item><link>http://a/2</link><title>B</title></item>"
            "<item><title>C</title><description>sum</description></item>"
        )
    )
    keys = [i.key for i in parsed.items]
    expected = "sha256:" + hashlib.sha256(b"C\nsum").hexdigest()
    assert keys == ["g-1", "http://a/2", expected]
    assert parsed.items[0].feed == "f" and parsed.items[0].region == "ML"
    assert parsed.items[0].source_name == "S" and parsed.title == "Feed"


def test_a_huge_guid_is_replaced_by_its_hash() -> None:
    parsed = run(rss(f"<item><guid>{'g' * 5000}</guid><title>A</title></item>"))
    assert parsed.items[0].key.startswith("sha256:") and len(parsed.items[0].key) == 71


def test_dates_become_aware_utc_and_missing_ones_are_flagged() -> None:
    parsed = run(
        rss(
            "<item><guid>1</guid><title>A</title><pubDate>Mon, 23 Nov 2026 10:00:00 +0300"
            "</pubDate></item><item><guid>2</guid><title>B</title></item>"
            "<item><guid>3</guid><title>C</title><pubDate>someday soon</pubDate></item>"
        )
    )
    first, missing, nonsense = parsed.items
    assert first.published == datetime(2026, 11, 23, 7, 0, tzinfo=UTC) and not first.date_missing
    assert missing.published == FETCHED and missing.date_missing
    assert nonsense.published == FETCHED and nonsense.date_missing
    assert any("2 item(s) without a usable date" in w for w in parsed.warnings)


def test_html_becomes_clean_text() -> None:
    summary = (
        "<![CDATA[<p>Curfew &amp; <b>roadblocks</b></p><script>alert(1)</script>"
        "<style>p{color:red}</style>\n\n in   Bamako&nbsp;&#8211; today]]>"
    )
    parsed = run(
        rss(
            "<item><guid>1</guid>"
            "<title>Attack &lt;b&gt;near&lt;/b&gt; airport&#x2019;s gate</title>"
            f"<description>{summary}</description></item>"
        )
    )
    item = parsed.items[0]
    assert item.title == "Attack near airport’s gate"
    assert item.summary == "Curfew & roadblocks in Bamako – today"


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (rss("<item><title>Привет мир</title></item>", decl="<?xml version='1.0' "
             "encoding='windows-1251'?>").encode("cp1251"), {}),
        (rss("<item><title>Привет мир</title></item>", decl="").encode("koi8-r"),
         {"Content-Type": "application/rss+xml; charset=KOI8-R"}),
        (rss("<item><title>Привет мир</title></item>").encode("utf-16"), {}),
    ],
    ids=["declared-1251", "header-koi8r", "utf16-bom"],
)  # fmt: skip
def test_legacy_encodings(body: bytes, headers: dict[str, str]) -> None:
    assert run(body, headers).items[0].title == "Привет мир"


def test_latin1_without_any_declaration() -> None:
    body = rss("<item><title>Notícias de São Paulo</title></item>", decl="").encode("latin-1")
    assert run(body).items[0].title == "Notícias de São Paulo"


def test_wrong_header_charset_on_a_latin1_body_falls_back_to_the_declaration() -> None:
    body = rss(
        "<item><title>Grève générale</title></item>",
        decl="<?xml version='1.0' encoding='iso-8859-1'?>",
    ).encode("latin-1")
    parsed = run(body, {"content-type": "text/xml; charset=utf-8"})
    assert parsed.items[0].title == "Grève générale"
    assert any("iso-8859-1" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty body"),
        (b"  \n\t ", "empty body"),
        (b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>",
         r"an HTML page, not a feed \(502 Bad Gateway\)"),
        (b"Service temporarily unavailable, try later", "not a feed"),
        (b'{"error": "rate limited"}', "not a feed"),
        (b"<?xml version='1.0'?><Error><Code>AccessDenied</Code></Error>",
         r"XML, but not RSS, RDF or Atom \(root element <Error>\)"),
    ],
)  # fmt: skip
def test_non_feeds_give_one_line_reasons(body: bytes, reason: str) -> None:
    with pytest.raises(NotAFeedError, match=reason) as caught:
        run(body)
    assert "\n" not in str(caught.value)


def test_an_empty_channel_is_a_feed_with_no_items() -> None:
    assert run(rss("")).items == ()


def test_broken_xml_recovers_entries_with_a_warning() -> None:
    body = rss(
        "<item><guid>1</guid><title>Fish & chips</title></item>"
        "<item><guid>2</guid><title>Two</title></item>",
        ns=" xmlns:georss='http://www.georss.org/georss'",
    )
    parsed = run(body)
    assert [i.key for i in parsed.items] == ["1", "2"] and parsed.parser == "feedparser"
    assert any("not well-formed" in w for w in parsed.warnings)


def test_georss_and_advisory_hints() -> None:
    body = rss(
        "<item><guid>1</guid><title>Mali - Level 4: Do Not Travel</title>"
        "<georss:point>12.65 -8.0</georss:point></item>"
        "<item><guid>2</guid><title>Flood</title>"
        "<georss:box>10.0 -9.5 13.5 -7.0</georss:box></item>",
        ns=" xmlns:georss='http://www.georss.org/georss'",
    )
    advisory, flood = run(body).items
    assert advisory.hints.point == (12.65, -8.0)
    assert (advisory.hints.state_dept_level, advisory.hints.country_name) == (4, "Mali")
    assert flood.hints.box == (10.0, -9.5, 13.5, -7.0)


def test_fast_path_reads_advisory_levels_too() -> None:
    parsed = run(rss("<item><guid>1</guid><title>Chad – Level 3: Reconsider Travel</title></item>"))
    assert parsed.parser == "fast"
    assert parsed.items[0].hints.state_dept_level == 3
    assert parsed.items[0].hints.country_name == "Chad"


def test_fingerprint_is_cheap_and_stable() -> None:
    assert fingerprint(b"abc") == fingerprint(b"abc") != fingerprint(b"abd")
    assert len(fingerprint(b"")) == 32


def test_skip_leaves_out_known_entries_before_cleaning_them() -> None:
    body = rss("".join(f"<item><guid>k{n}</guid><title>T{n}</title></item>" for n in range(5)))
    parsed = run(body)
    again = parse(
        body.encode(), {}, feed="f", fetched_at=FETCHED, skip={i.key for i in parsed.items[1:]}
    )
    assert [i.key for i in again.items] == ["k0"] and again.skipped == 4
