"""Render: subjects, actions first, escaping of hostile feed text, French, threading."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import jinja2
import pytest

from alerts.models import (
    Category,
    Change,
    ChangeReason,
    Event,
    Message,
    Place,
    PlaceKind,
    Recipient,
    Signal,
    Source,
)
from alerts.render import Renderer, safe_url

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
NOW = datetime(2026, 9, 23, 6, 30, tzinfo=UTC)
SENDER = "Security desk <alerts@example.org>"
AMADOU = Recipient("amadou@example.org", "Amadou", "en", "you are in Bamako until 30 Sep")
AWA = Recipient("awa@example.org", "Awa", "fr-FR", "vous êtes à Bamako jusqu'au 30 sept.")


def bamako(**changes: object) -> Event:
    event = Event(
        id="ml-terrorism-20260923",
        headline="attack near airport",
        category=Category.TERRORISM,
        severity=4,
        max_severity=4,
        signals=frozenset({Signal.AIRPORT_CLOSED, Signal.LIMIT_MOVEMENT}),
        countries=("ML",),
        places=(Place("Bamako", "ML", 12.6392, -8.0029, PlaceKind.CITY),),
        first_seen=NOW - timedelta(minutes=20),
        last_seen=NOW,
        sources=(
            Source("RFI", "https://www.rfi.fr/fr/afrique/bamako-attaque", "Attaque à Bamako", NOW),
            Source("UN", "http://un.example.org/notice?a=1&b=2", "Limit movement", NOW),
        ),
        revision=1,
        summary="JNIM claimed a dawn attack near the airport and the gendarmerie school.",
    )
    return replace(event, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(TEMPLATES, sender=SENDER, org_name="Sahel security desk")


def parse(message: Message) -> EmailMessage:
    msg = BytesParser(policy=policy.default).parsebytes(message.raw)
    assert isinstance(msg, EmailMessage)
    assert msg.defects == [] and all(not p.defects for p in msg.walk())
    return msg


def bodies(message: Message) -> tuple[str, str]:
    msg = parse(message)
    plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain is not None and html is not None
    # Non-ASCII arrives as character references (&#233;): read the HTML as a browser would.
    return plain.get_content(), unescape_refs(html.get_content())


def unescape_refs(html: str) -> str:
    """Numeric character references back to characters; markup escapes (&lt;) stay."""
    return re.sub(r"&#(\d+);", lambda m: chr(int(m[1])), html)


def test_subject_and_record(renderer: Renderer) -> None:
    event = bamako()
    message = renderer.render(event, Change(event, ChangeReason.NEW), AMADOU, NOW)
    assert message.subject == "[SEV 4 HIGH] Mali, Bamako: attack near airport; airport closed"
    assert (message.event_id, message.revision, message.recipient) == (event.id, 1, AMADOU.email)
    msg = parse(message)
    assert msg["Subject"] == message.subject
    assert msg["To"].addresses[0].addr_spec == AMADOU.email
    assert msg["From"].addresses[0].addr_spec == "alerts@example.org"


def test_advisory_leads_with_actions_then_facts(renderer: Renderer) -> None:
    event = bamako(
        signals=frozenset({Signal.AIRPORT_CLOSED, Signal.LIMIT_MOVEMENT, Signal.AVOID_AREA})
    )
    reasons = ["cue 'attack' (terrorism)", "escalator: airport"]
    text, html = bodies(
        renderer.render(event, Change(event, ChangeReason.NEW), AMADOU, NOW, reasons)
    )
    for body in (text, html):
        order = [
            body.index("Limit your movements"),
            body.index("The airport is closed: do not go there; contact the travel desk"),
            body.index("Avoid the area around Bamako"),
            body.index("JNIM claimed a dawn attack"),
            body.index(
                "openstreetmap.org/?mlat=12.63920&amp;mlon=-8.00290"
                if body is html
                else "openstreetmap.org/?mlat=12.63920&mlon=-8.00290"
            ),
            body.index("https://www.rfi.fr/fr/afrique/bamako-attaque"),
            body.index("escalator: airport"),
            body.index("you are in Bamako until 30 Sep"),
        ]
        assert order == sorted(order)
    assert "#c62828" in html  # severity 4 in red
    assert 'href="http://un.example.org/notice?a=1&amp;b=2"' in html


def test_html_is_inlined_for_mail_clients(renderer: Renderer) -> None:
    event = bamako()
    _, html = bodies(renderer.render(event, Change(event, ChangeReason.NEW), AMADOU, NOW))
    assert "class=" not in html and "<style" not in html
    assert 'style="' in html and "<table" in html


HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def test_hostile_feed_text_is_escaped(renderer: Renderer) -> None:
    event = bamako(
        headline=HOSTILE,
        summary=HOSTILE,
        sources=(Source(HOSTILE, "https://ok.example.org/a", HOSTILE, NOW),),
    )
    text, html = bodies(renderer.render(event, Change(event, ChangeReason.NEW), AMADOU, NOW))
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert HOSTILE in text  # plain text shows it as it is: nothing there runs


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,<b>",
     "vbscript:x", "//evil.example.org/x", "file:///etc/passwd", 'https://a.example.org/"onmouseover="x'],
)  # fmt: skip
def test_only_http_links_survive(renderer: Renderer, link: str) -> None:
    assert safe_url(link) is None
    event = bamako(sources=(Source("Evil", link, "click me", NOW),))
    _, html = bodies(renderer.render(event, Change(event, ChangeReason.NEW), AMADOU, NOW))
    hrefs = [h for h in html.split('href="')[1:]]
    assert all(h.startswith(("https://www.openstreetmap.org/", "http")) for h in hrefs)
    assert "javascript" not in html.lower() and "data:text" not in html


def test_crlf_in_a_title_cannot_inject_headers(renderer: Renderer) -> None:
    event = bamako(headline="attack\r\nBcc: everyone@example.net\r\n\r\n<b>body</b>")
    message = renderer.render(event, Change(event, ChangeReason.NEW), AMADOU, NOW)
    msg = parse(message)
    assert msg["Bcc"] is None
    assert "\n" not in message.subject and "\r" not in message.subject
    assert msg["Subject"] == message.subject
    assert message.subject.startswith("[SEV 4 HIGH] Mali, Bamako: attack Bcc: everyone@example.net")


def test_control_characters_are_stripped(renderer: Renderer) -> None:
    event = bamako(headline="attack\x07 near \u202eairport\x00")
    message = renderer.render(event, Change(event, ChangeReason.NEW), AMADOU, NOW)
    assert "attack near airport" in message.subject
    text, html = bodies(message)
    assert "\x07" not in text + html and "\u202e" not in text + html


def test_french_template_and_words(renderer: Renderer) -> None:
    event = bamako()
    message = renderer.render(event, Change(event, ChangeReason.NEW), AWA, NOW)
    assert message.subject == "[SEV 4 ÉLEVÉE] Mali, Bamako : attack near airport; aéroport fermé"
    msg = parse(message)
    assert msg["Content-Language"] == "fr"
    text, html = bodies(message)
    assert "QUE FAIRE" in text and "Que faire" in html and "Limitez vos déplacements" in html
    assert "L'aéroport est fermé : ne vous y rendez pas" in text
    assert "POURQUOI VOUS RECEVEZ CE MESSAGE" in text and "vous êtes à Bamako" in html


def test_country_names_follow_the_language(renderer: Renderer) -> None:
    event = bamako(countries=("CI",), places=(Place("Abidjan", "CI", 5.36, -4.01, PlaceKind.CITY),))
    fr = renderer.render(event, Change(event, ChangeReason.NEW), AWA, NOW)
    en = renderer.render(event, Change(event, ChangeReason.NEW), AMADOU, NOW)
    assert "Côte d'Ivoire, Abidjan" in fr.subject and "Ivory Coast, Abidjan" in en.subject


def test_unknown_language_falls_back_to_english(renderer: Renderer) -> None:
    event = bamako()
    someone = replace(AMADOU, language="sw")
    message = renderer.render(event, Change(event, ChangeReason.NEW), someone, NOW)
    assert message.subject.startswith("[SEV 4 HIGH]")
    assert parse(message)["Content-Language"] == "en"


def test_updates_thread_under_the_first_advisory(renderer: Renderer) -> None:
    first = bamako()
    new = parse(renderer.render(first, Change(first, ChangeReason.NEW), AMADOU, NOW))
    assert new["In-Reply-To"] is None and new["References"] is None
    root = new["Message-ID"]
    assert root.startswith("<ev-ml-terrorism-20260923.r1.") and root.endswith("@example.org>")
    second = bamako(revision=2, signals=frozenset({Signal.AIRPORT_REOPENED}))
    update = renderer.render(
        second, Change(second, ChangeReason.UPDATED, "new signal: airport_reopened"), AMADOU, NOW
    )
    assert (
        update.subject == "UPDATE: [SEV 4 HIGH] Mali, Bamako: attack near airport; airport reopened"
    )
    msg = parse(update)
    assert msg["In-Reply-To"] == root and root in msg["References"].split()
    assert msg["Message-ID"] == root.replace(".r1.", ".r2.")
    third = bamako(revision=3, resolved=True)
    done = renderer.render(
        third, Change(third, ChangeReason.RESOLVED, "no report for 72 h"), AMADOU, NOW
    )
    assert done.subject == "RESOLVED: [SEV 4 HIGH] Mali, Bamako: attack near airport"
    refs = parse(done)["References"].split()
    assert root in refs and parse(done)["In-Reply-To"] == msg["Message-ID"]
    text, _ = bodies(done)
    assert "ALL CLEAR" in text and "no report for 72 h" in text


def test_each_person_has_their_own_thread(renderer: Renderer) -> None:
    event = bamako()
    a = renderer.render(event, Change(event, ChangeReason.NEW), AMADOU, NOW)
    b = renderer.render(
        event, Change(event, ChangeReason.NEW), replace(AMADOU, email="b@example.org"), NOW
    )
    assert a.message_id != b.message_id
    assert "amadou" not in a.message_id  # the id does not reveal the address


def test_nothing_to_send_is_refused(renderer: Renderer) -> None:
    event = bamako()
    with pytest.raises(ValueError):
        renderer.render(event, Change(event, ChangeReason.NONE), AMADOU, NOW)


def test_digest_lists_worst_first(renderer: Renderer) -> None:
    low = bamako(id="ev-low", severity=2, headline="protest in the centre", signals=frozenset())
    high = bamako()
    message = renderer.render_digest(
        AWA,
        [
            (low, Change(low, ChangeReason.NEW), "route sahel"),
            (high, Change(high, ChangeReason.NEW), "route sahel"),
        ],
        NOW,
    )
    assert (
        message.subject == "Synthèse sécurité : 2 événements, gravité max. 4 ÉLEVÉE (23 sept. 2026)"
    )
    text, html = bodies(message)
    assert text.index("attack near airport") < text.index("protest in the centre")
    assert html.index("attack near airport") < html.index("protest in the centre")
    assert message.event_id.startswith("digest-")


@pytest.mark.parametrize("state", ["failing", "recovered", "gone"])
def test_feed_notice(renderer: Renderer, state: str) -> None:
    message = renderer.render_feed_notice(
        "officer@example.org", "ReliefWeb <Mali>", "javascript:alert(1)", state, "HTTP 503 x3", NOW
    )
    assert message.subject == f"[FEED {state.upper()}] ReliefWeb <Mali>"
    text, html = bodies(message)
    assert "HTTP 503 x3" in text and "ReliefWeb &lt;Mali&gt;" in html
    assert 'href="javascript' not in html


def test_feed_notice_in_the_officers_language(renderer: Renderer) -> None:
    message = renderer.render_feed_notice(
        "officer@example.org", "ReliefWeb", "https://r.example.org/", "failing", "503", NOW,
        language="fr-FR",
    )  # fmt: skip
    assert message.subject == "[FLUX EN ÉCHEC] ReliefWeb"
    assert "Content-Language: fr" in message.raw.decode()


def test_undefined_template_values_fail_loudly(tmp_path: Path) -> None:
    shutil.copytree(TEMPLATES, tmp_path / "t")
    (tmp_path / "t" / "en" / "advisory.txt").write_text("{{ no_such_value }}", encoding="utf-8")
    strict = Renderer(tmp_path / "t", sender=SENDER)
    event = bamako()
    with pytest.raises(jinja2.UndefinedError):
        strict.render(event, Change(event, ChangeReason.NEW), AMADOU, NOW)


def test_a_language_is_a_folder(tmp_path: Path) -> None:
    shutil.copytree(TEMPLATES, tmp_path / "t")
    shutil.copytree(tmp_path / "t" / "en", tmp_path / "t" / "pt")
    (tmp_path / "t" / "pt" / "advisory.txt").write_text(
        "Limite os seus movimentos", encoding="utf-8"
    )
    event = bamako()
    message = Renderer(tmp_path / "t", sender=SENDER).render(
        event, Change(event, ChangeReason.NEW), replace(AMADOU, language="pt-BR"), NOW
    )
    assert bodies(message)[0] == "Limite os seus movimentos"


def test_each_person_gets_their_own_why_escaped(renderer: Renderer) -> None:
    event = bamako()
    change = Change(event, ChangeReason.NEW)
    hostile = replace(AMADOU, email="x@example.org", why="<b>route</b> & you", name="Eve <e>")
    first = bodies(renderer.render(event, change, AMADOU, NOW))
    second = bodies(renderer.render(event, change, hostile, NOW))
    again = bodies(renderer.render(event, change, AMADOU, NOW))
    assert "you are in Bamako until 30 Sep" in first[0] and first == again
    assert "<b>route</b> & you" in second[0] and "&lt;b&gt;route&lt;/b&gt; &amp; you" in second[1]
    assert "you are in Bamako" not in second[0] + second[1]
    nobody = bodies(renderer.render(event, change, replace(AMADOU, why=""), NOW))
    assert "WHY YOU RECEIVED THIS" not in nobody[0]


READERS = [
    AMADOU, AWA, replace(AMADOU, email="e@example.org", why='<b>x</b> & "q" \'s\'', name="E & <e>"),
    replace(AMADOU, email="m@example.org", why="two\n\nparagraphs"),
    replace(AMADOU, email="n@example.org", name="", why="no name"),
    replace(AWA, email="z@example.org", why="à Mopti (620 km) jusqu'au 2 oct. " * 12),
]  # fmt: skip


def test_shared_event_bodies_match_a_full_render() -> None:
    """The event's bodies are rendered once and each reader's values spliced in (from the
    second reader on): the result is byte for byte what a fresh renderer makes."""
    shared = Renderer(TEMPLATES, sender=SENDER)
    fresh = [Renderer(TEMPLATES, sender=SENDER) for _ in READERS]  # one first reader each
    for reason in (ChangeReason.NEW, ChangeReason.UPDATED, ChangeReason.RESOLVED):
        event = bamako(resolved=reason is ChangeReason.RESOLVED)
        change = Change(event, reason, "airport reopened")
        full = [r.render(event, change, p, NOW) for r, p in zip(fresh, READERS, strict=True)]
        for _ in range(2):
            assert [shared.render(event, change, p, NOW) for p in READERS] == full


def test_templates_that_transform_a_readers_values_are_rendered_in_full(tmp_path: Path) -> None:
    shutil.copytree(TEMPLATES, tmp_path / "t")
    (tmp_path / "t" / "en" / "advisory.txt").write_text(
        "{{ why|upper }} {{ why|length }} {{ why[:12] }}", encoding="utf-8"
    )
    custom = Renderer(tmp_path / "t", sender=SENDER)
    event = bamako()
    change = Change(event, ChangeReason.NEW)
    for reader in (AMADOU, replace(AMADOU, email="b@example.org", why="you are in Kayes")):
        text = bodies(custom.render(event, change, reader, NOW))[0]
        assert text == f"{reader.why.upper()} {len(reader.why)} {reader.why[:12]}"
