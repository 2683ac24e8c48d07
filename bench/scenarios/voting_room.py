"""(j) A voting room: 1,000 attendees polling, 20 "me too" votes a second, bytes per attendee.

Each simulated attendee follows the page's protocol (assets/meeting_live.js): every second it
polls with the version it shows; a ``counts`` answer is applied when its questions and order are
the page's (else the page asks for the feed with ``known=-1``), a ``feed`` answer replaces what
it shows. Votes are cast through ``questions.upvote`` 20 times a second on the meeting's 50
published questions, and each voter's page then fetches the feed once to mark its own vote (as
the page does). What is measured is every byte the attendees received (status line, headers and
compressed body), per attendee per second; and at the end, whether every page shows the counts
stored in the database.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time

from bench import protocol
from bench.client import HttpClient
from bench.findings import ScenarioResult
from bench.machine import UsageMeter

VOTES_PER_S = 20
QUESTIONS = 50
MEASURE_S = 20.0
WARM_UP_S = 3.0
SETTLE_S = 4.0
TARGET_BYTES = 2048

# Questions as varied as residents' (repeated text would gzip the whole feed to almost nothing).
WORDS = ("pothole repairs on-time rate neighborhood Troost Prospect Westport Northland "
         "budget crews overtime contractor backlog streetlights sidewalks snow plow routes "
         "trash pickup bulky items illegal dumping water main breaks response days weeks "
         "months council district 311 calls abandoned vehicles code enforcement "
         "inspections vacant homes demolition parks mowing trees storm sewers flooding bus "
         "stops crosswalks speeding cameras police response fire EMS staffing vacancies "
         "hiring survey satisfaction equity east west north south downtown Midtown Swope "
         "Waldo Brookside spring summer winter last year target goal missed improved worse "
         "better why when how what who plan funding").split()


def _question_text(rng: random.Random, n: int) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(14, 28)))
    return f"{words.capitalize()}, and what changes for number {n}?"


def _feed_counts(feed: dict) -> dict[int, str]:
    """{question id: count shown} from a full feed (its ``voted`` buttons, in feed order)."""
    return {int(qid): button["props"]["children"][1]["props"]["children"]
            for qid, button in feed["voted"].items()}


class Room:
    def __init__(self):
        self.measuring = False
        self.stop = False
        self.bytes = 0
        self.polls = self.counts_answers = self.feed_answers = self.errors = 0
        self.changed_polls = 0


class Attendee:
    def __init__(self, base_url: str, meeting_id: int, known: int, shown: dict[int, str]):
        self.client = HttpClient(base_url, headers={"Accept-Encoding": "gzip"})
        self.meeting_id = meeting_id
        self.known = known
        self.shown = dict(shown)

    async def poll(self, room: Room, known: int | None = None) -> None:
        path = (f"/api/meetings/{self.meeting_id}/version?known="
                f"{self.known if known is None else known}&order=newest")
        response = await self.client.request("GET", path)
        if room.measuring:
            room.bytes += response.wire_bytes
            room.polls += 1
        answer = response.json()
        if answer["version"] != self.known and room.measuring:
            room.changed_polls += 1
        if "feed" in answer:
            room.feed_answers += room.measuring
            self.shown = _feed_counts(answer["feed"])
            self.known = answer["version"]
        elif "counts" in answer:
            room.counts_answers += room.measuring
            if [entry[0] for entry in answer["counts"]] != list(self.shown):
                await self.poll(room, known=-1)  # the page asks for the feed at once
                return
            self.shown = {entry[0]: entry[1] for entry in answer["counts"]}
            self.known = answer["version"]

    async def run(self, room: Room, poll_s: float) -> None:
        await asyncio.sleep(random.uniform(0, poll_s))
        while not room.stop:
            started = time.monotonic()
            try:
                await self.poll(room)
            except (OSError, ValueError, KeyError, asyncio.IncompleteReadError):
                room.errors += 1
            await asyncio.sleep(max(0.0, poll_s * random.uniform(0.95, 1.05)
                                    - (time.monotonic() - started)))
        await self.client.close()


def _vote_loop(db, question_ids: list[int], room: Room, voted: list[int],
               stop: threading.Event) -> None:
    from kcstat_dash.services import questions

    interval = 1 / VOTES_PER_S
    next_at = time.monotonic()
    count = 0
    while not stop.is_set():
        question_id = random.choice(question_ids)
        with db.transaction() as session:
            questions.upvote(session, question_id, f"bench-voter-{count}")
        count += 1
        voted.append(question_id)
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))


async def _room(context, db, question_ids: list[int]) -> tuple[Room, list, object, int]:
    poll_s = protocol.poll_interval_ms() / 1000
    base, meeting_id = context.app.url, context.meeting_id
    # Every page opens showing the feed of the moment (as the layout draws it).
    opener = HttpClient(base, headers={"Accept-Encoding": "gzip"})
    first = await opener.request("GET", f"/api/meetings/{meeting_id}/version?known=-1"
                                 "&order=newest")
    full_feed_wire = first.wire_bytes
    await opener.close()
    answer = first.json()
    room = Room()
    attendees = [Attendee(base, meeting_id, answer["version"], _feed_counts(answer["feed"]))
                 for _ in range(context.attendees)]
    tasks = [asyncio.create_task(a.run(room, poll_s)) for a in attendees]
    await asyncio.sleep(WARM_UP_S + poll_s)
    voted: list[int] = []
    stop = threading.Event()
    voters = threading.Thread(target=_vote_loop, args=(db, question_ids, room, voted, stop))
    db_pids = context.database.backend_pids if context.database.backend == "postgresql" else None
    own_feed = HttpClient(base, headers={"Accept-Encoding": "gzip"})
    with UsageMeter(context.app.pid, db_pids) as meter:
        room.measuring = True
        started = time.monotonic()
        voters.start()
        marked = 0
        while time.monotonic() - started < MEASURE_S:
            # Each voter's page fetches the feed once to mark its own vote.
            while marked < len(voted):
                response = await own_feed.request(
                    "GET", f"/api/meetings/{meeting_id}/version?known=-1&order=newest")
                room.bytes += response.wire_bytes
                marked += 1
            await asyncio.sleep(0.02)
        stop.set()
        room.measuring = False
        elapsed = time.monotonic() - started
    await asyncio.to_thread(voters.join)
    await own_feed.close()
    await asyncio.sleep(SETTLE_S)
    room.stop = True
    await asyncio.gather(*tasks, return_exceptions=True)
    return room, attendees, meter.usage, elapsed, len(voted), full_feed_wire


def run(context) -> ScenarioResult:
    from sqlalchemy import select

    from kcstat_dash.db import db
    from kcstat_dash.models import Question

    result = ScenarioResult("j", "(j) voting room")
    rng = random.Random(18)
    db.configure(context.database.url)
    question_ids = protocol.add_pending_questions(
        db, context.meeting_id, [_question_text(rng, n) for n in range(QUESTIONS)])
    for question_id in question_ids:
        protocol.approve(db, question_id)
    room, attendees, usage, elapsed, votes, full_feed_wire = asyncio.run(
        _room(context, db, question_ids))
    with db.transaction() as session:
        stored = {qid: f"({n})" for qid, n in session.execute(
            select(Question.id, Question.upvotes).where(Question.id.in_(question_ids)))}
    db.engine.dispose()
    per_attendee = room.bytes / context.attendees / elapsed
    result.add("received per attendee per second", f"{per_attendee:,.0f} bytes",
               f"< {TARGET_BYTES:,} bytes", per_attendee < TARGET_BYTES and not room.errors)
    # What the same polls would have received when every vote sent the whole feed.
    before = (room.changed_polls * full_feed_wire + (room.polls - room.changed_polls) * 200
              ) / context.attendees / elapsed
    result.add("the same polls if every vote sent the feed (estimate)",
               f"{before:,.0f} bytes (the feed: {full_feed_wire:,} bytes gzipped)")
    result.add("votes, polls and answers", f"{votes / elapsed:.1f} votes/s; {room.polls:,} polls "
               f"({room.polls / elapsed:,.0f}/s), {room.counts_answers:,} with counts, "
               f"{room.feed_answers:,} with the feed, {room.errors} errors")
    showing = sum(1 for a in attendees
                  if all(a.shown.get(qid) == shown for qid, shown in stored.items()))
    result.add("pages showing the stored counts at the end", f"{showing:,} of {len(attendees):,}",
               "all", showing == len(attendees))
    cpu = f"app {usage.app_cpu_percent:.0f}%"
    if usage.db_cpu_percent is not None:
        cpu += f", PostgreSQL {usage.db_cpu_percent:.0f}%"
    result.add("meanwhile", f"CPU {cpu} (machine {usage.machine_busy_percent:.0f}% busy)")
    result.method = (
        f"{context.attendees} simulated attendees (asyncio, one connection each) poll every "
        f"{protocol.poll_interval_ms()} ms with the version they show, gzip accepted, and apply "
        f"the answers as assets/meeting_live.js does; {QUESTIONS} published questions; "
        f"{VOTES_PER_S} votes a second for {MEASURE_S:g} s through `questions.upvote` (a new "
        "voter each), each followed by that voter's page fetching the feed (`known=-1`). Bytes "
        "are everything the attendees received in that time (status line, headers, compressed "
        "body), divided by attendees and seconds; requests sent are not counted. The pages' "
        f"counts are compared with the database {SETTLE_S:g} s after the last vote.")
    return result
