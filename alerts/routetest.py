"""The output of ``alerts route-test``: who would get an event, how and why."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC

from alerts.models import Recipient


def delivery(recipient: Recipient) -> str:
    """How the recipient is told: "now", "held until ...", "digest at ..." (UTC)."""
    when = recipient.not_before
    stamp = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if when else ""
    if recipient.digest:
        return f"digest at {stamp}" if stamp else "digest"
    return f"held until {stamp} (quiet hours)" if stamp else "now"


def as_dict(recipient: Recipient) -> dict[str, object]:
    """One recipient as plain JSON values."""
    when = recipient.not_before
    return {
        "email": recipient.email,
        "name": recipient.name,
        "language": recipient.language,
        "why": recipient.why,
        "route": recipient.route or None,
        "digest": recipient.digest,
        "not_before": when.astimezone(UTC).isoformat() if when else None,
        "delivery": delivery(recipient),
    }


def format_recipients(recipients: Sequence[Recipient], as_json: bool) -> str:
    """A table (or a JSON list) of the recipients, one line each with the reason."""
    if as_json:
        return json.dumps([as_dict(r) for r in recipients], indent=2, ensure_ascii=False)
    if not recipients:
        return "nobody would receive this event"
    rows = [("RECIPIENT", "DELIVERY", "WHY")]
    rows += [(_who(r), delivery(r), r.why) for r in recipients]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c}" for a, b, c in rows]
    lines.append(f"{len(recipients)} recipient(s)")
    return "\n".join(lines)


def _who(recipient: Recipient) -> str:
    if recipient.name and recipient.name != recipient.email:
        return f"{recipient.name} <{recipient.email}>"
    return recipient.email
