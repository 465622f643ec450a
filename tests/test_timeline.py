"""The whole service over time: real HTTP feeds, real SMTP, a real SQLite file.

t0: one feed carries the Bamako attack -> the people there (and the Sahel desk) get one
advisory each, Nairobi gets nothing. t1: two more outlets carry the same story -> no new
mail. t2: the airport reopens -> one update each, threaded as a reply to the advisory.
t3: nothing more for days -> one RESOLVED notice each that says why, in the same thread.
"""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path

from alerts.mailsink import Received
from tests.servicekit import rss, stack

T0 = datetime(2026, 9, 17, 6, 30, tzinfo=UTC)
T1 = T0 + timedelta(minutes=20)
T2 = T0 + timedelta(hours=30)
T3 = T2 + timedelta(days=5)  # no report since t2: longer than the default expiry (96 h)

ATTACK = {
    "title": "Jihadists attack gendarmerie school near Bamako airport; airport closed",
    "summary": "Fighters of JNIM attacked the Faladie gendarmerie school in Bamako at dawn and "
    "clashed with soldiers near Modibo Keita International Airport, killing at least eight "
    "people. The airport was closed; the UN told staff to limit their movements.",
    "link": "https://wire.test/bamako-attack",
    "published": T0 - timedelta(minutes=15),
}
SECOND = {
    "title": "Mali: gunmen storm gendarmerie training school in Bamako, flights halted",
    "summary": "An attack claimed by JNIM on a gendarmerie school in the Malian capital left "
    "several dead; Modibo Keita International Airport was shut.",
    "link": "https://local.test/mali-attack",
    "published": T1 - timedelta(minutes=10),
}
THIRD = {
    "title": "Bamako attack: JNIM claims dawn assault on gendarmerie school",
    "summary": "The al-Qaeda affiliate JNIM said it carried out the attack in Bamako, where "
    "gunfire was heard near the airport for hours; at least eight people were killed.",
    "link": "https://tv.test/bamako-claim",
    "published": T1 - timedelta(minutes=5),
}
REOPENED = {
    "title": "Bamako airport reopens after attack on gendarmerie school",
    "summary": "Modibo Keita International Airport in Bamako reopened and flights resumed a "
    "day after the JNIM attack on the nearby gendarmerie school.",
    "link": "https://wire.test/bamako-airport-reopens",
    "published": T2 - timedelta(minutes=30),
}

STAFF = {
    "people": [
        {
            "email": "amina.diallo@example.org",
            "name": "Amina Diallo",
            "language": "fr",
            "home": "Bamako",
            "timezone": "Africa/Bamako",
        },
        {
            "email": "james.mwangi@example.org",
            "name": "James Mwangi",
            "language": "en",
            "home": "Nairobi",
            "timezone": "Africa/Nairobi",
        },
    ],
}
ROUTES = {
    "routes": [
        {
            "name": "sahel-desk",
            "match": {"countries": ["ML", "BF", "NE"], "min_severity": 3},
            "receivers": {"addresses": ["sahel-desk@example.org"]},
        },
    ],
}


def _parsed(m: Received) -> Message:
    return email.message_from_bytes(m.data)


def _by_recipient(messages: list[Received]) -> dict[str, list[Message]]:
    out: dict[str, list[Message]] = {}
    for m in messages:
        for rcpt in m.recipients:
            out.setdefault(rcpt, []).append(_parsed(m))
    return out


async def test_one_advisory_no_duplicates_then_a_threaded_update(tmp_path: Path) -> None:
    feeds = {"wire": rss([ATTACK]), "local": rss([]), "tv": rss([])}
    async with stack(tmp_path, feeds, staff=STAFF, routes=ROUTES) as s, s.app() as app:
        sink = s.sink
        await app.poll(T0)
        await app.flush(T0)
        first = _by_recipient(sink.messages)
        assert sorted(first) == ["amina.diallo@example.org", "sahel-desk@example.org"]
        for (msg,) in first.values():
            assert "SEV 4" in msg["Subject"] and "Bamako" in msg["Subject"]
            assert msg["In-Reply-To"] is None

        s.server.bodies["local.xml"] = rss([SECOND])
        s.server.bodies["tv.xml"] = rss([THIRD])
        await app.poll(T1)
        await app.flush(T1)
        assert sink.count == 2, "other outlets' reports of the same attack send nothing"

        s.server.bodies["wire.xml"] = rss([ATTACK, REOPENED])
        await app.poll(T2)
        await app.flush(T2)
        later = _by_recipient(sink.messages[2:])
        assert sorted(later) == sorted(first)
        for rcpt, (update,) in later.items():
            (advisory,) = first[rcpt]
            assert update["In-Reply-To"] == advisory["Message-ID"]
            assert advisory["Message-ID"] in update["References"]
            assert "Bamako" in update["Subject"]

        await app.poll(T3)
        await app.flush(T3)
        resolved = _by_recipient(sink.messages[4:])
        assert sorted(resolved) == sorted(first)
        for rcpt, (notice,) in resolved.items():
            assert notice["In-Reply-To"] == later[rcpt][0]["Message-ID"]
            assert "no report for" in str(notice.get_payload(0).get_payload(decode=True))
