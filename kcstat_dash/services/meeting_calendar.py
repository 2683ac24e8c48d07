"""The meeting schedule as an iCalendar feed (RFC 5545) that calendar apps subscribe to."""

from __future__ import annotations

from datetime import UTC, datetime

from kcstat_dash.services.meetings import MEETING_LENGTH, meeting_end

PRODID = "-//Kansas City KCStat//KCStat Dash//EN"


def escape_text(value: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon, comma and newlines are escaped."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after CRLF and one space."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(meetings: list[dict], base_url: str, host: str, now: datetime | None = None) -> str:
    """The whole feed: one VEVENT per meeting, times in UTC, text escaped, lines CRLF-ended."""
    now = now or datetime.now(UTC)
    base_url = base_url.rstrip("/")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "X-WR-CALNAME:KCStat meetings", "X-WR-TIMEZONE:America/Chicago"]
    for meeting in meetings:
        starts = datetime.fromisoformat(meeting["starts_at"])
        ends = meeting_end(starts, datetime.fromisoformat(meeting["ends_at"])
                           if meeting["ends_at"] else None, meeting["status"])
        # A live meeting with no end set runs until staff end it; a calendar needs an end, so
        # it shows the usual length until then.
        ends = ends or starts + MEETING_LENGTH
        url = f"{base_url}/meetings/{meeting['id']}"
        description = f"KCStat meeting on {meeting['area']}. Ask questions and follow the " \
                      f"Q&A at {url}"
        livestream = meeting.get("livestream_url")
        if livestream:
            description += f"\nLivestream: {livestream}"
        location = meeting.get("location")
        lines += [
            "BEGIN:VEVENT",
            f"UID:kcstat-meeting-{meeting['id']}@{host}",
            f"DTSTAMP:{utc_stamp(now)}",
            f"DTSTART:{utc_stamp(starts)}",
            f"DTEND:{utc_stamp(ends)}",
            f"SUMMARY:{escape_text(meeting['title'])}",
            f"DESCRIPTION:{escape_text(description)}",
            *([f"LOCATION:{escape_text(location)}"] if location else []),
            # Where to watch when there is a livestream (the page is in the description);
            # otherwise the meeting's page, where residents ask.
            f"URL:{livestream or url}",
            "STATUS:CONFIRMED",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)

