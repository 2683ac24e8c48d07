"""Every moderator action: what it changes, what it refuses, its audit entry and its feed bump."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kcstat_dash.models import AuditEntry, Meeting, Question, QuestionVote
from kcstat_dash.services import feed_version, moderation
from tests.staff import make_measure, make_meeting, make_question, make_user


@pytest.fixture
def world(session):
    user = make_user(session)
    meeting = make_meeting(session)
    return session, user, meeting


def _audit(session, action):
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                .order_by(AuditEntry.id)))


def _version(session, meeting):
    return feed_version.current(session, meeting.id)


def test_approve_publishes_bumps_the_feed_and_is_audited(world):
    session, user, meeting = world
    question = make_question(session, meeting)
    before = _version(session, meeting)
    moderation.approve(session, question.id, user.id)
    session.commit()
    assert session.get(Question, question.id).status == "approved"
    assert _version(session, meeting) == before + 1
    [entry] = _audit(session, "question.approve")
    assert entry.user_id == user.id and entry.entity_id == str(question.id)
    assert entry.before["status"] == "pending" and entry.after["status"] == "approved"
    assert entry.at is not None


def test_approve_refuses_a_question_already_answered(world):
    session, user, meeting = world
    question = make_question(session, meeting, status="answered")
    with pytest.raises(moderation.ModerationError, match="answered"):
        moderation.approve(session, question.id, user.id)


def test_unknown_question_is_a_clear_error(world):
    session, user, _ = world
    with pytest.raises(moderation.ModerationError, match="no question #999"):
        moderation.approve(session, 999, user.id)


@pytest.mark.parametrize("reason", list(moderation.REJECT_REASONS))
def test_reject_records_its_reason_code_without_touching_the_feed(world, reason):
    session, user, meeting = world
    question = make_question(session, meeting)
    before = _version(session, meeting)
    moderation.reject(session, question.id, reason, user.id)
    session.commit()
    stored = session.get(Question, question.id)
    assert (stored.status, stored.reject_reason) == ("rejected", reason)
    assert _version(session, meeting) == before
    assert _audit(session, "question.reject")[0].after["reject_reason"] == reason


@pytest.mark.parametrize("reason", ["", None, "rude", "SPAM"])
def test_reject_needs_a_known_reason(world, reason):
    session, user, meeting = world
    question = make_question(session, meeting)
    with pytest.raises(moderation.ModerationError, match="reason"):
        moderation.reject(session, question.id, reason, user.id)
    session.rollback()
    assert session.get(Question, question.id).status == "pending"


def test_hide_takes_an_approved_question_out_and_unpins_it(world):
    session, user, meeting = world
    question = make_question(session, meeting, status="approved")
    moderation.pin(session, question.id, user.id)
    session.commit()
    before = _version(session, meeting)
    moderation.hide(session, question.id, user.id)
    session.commit()
    session.expire_all()
    assert session.get(Question, question.id).status == "hidden"
    assert session.get(Meeting, meeting.id).pinned_question_id is None
    assert _version(session, meeting) == before + 1


def test_hide_refuses_a_pending_question(world):
    session, user, meeting = world
    question = make_question(session, meeting)
    with pytest.raises(moderation.ModerationError, match="pending"):
        moderation.hide(session, question.id, user.id)


def test_answer_with_a_written_answer(world):
    session, user, meeting = world
    question = make_question(session, meeting, status="approved")
    before = _version(session, meeting)
    moderation.answer(session, question.id, "  Crews doubled in March.  ", user.id)
    session.commit()
    stored = session.get(Question, question.id)
    assert (stored.status, stored.answer) == ("answered", "Crews doubled in March.")
    assert stored.answered_at is not None
    assert _version(session, meeting) == before + 1
    assert _audit(session, "question.answer")[0].after["answer"] == "Crews doubled in March."


def test_answer_without_text_marks_it_answered_aloud(world):
    session, user, meeting = world
    question = make_question(session, meeting, status="approved")
    moderation.answer(session, question.id, "", user.id)
    session.commit()
    stored = session.get(Question, question.id)
    assert (stored.status, stored.answer) == ("answered", None)


@pytest.mark.parametrize("bad, why", [
    ("<script>alert(1)</script>", "HTML"),
    ("see <a href='x'>this</a>", "HTML"),
    ("javascript:alert(1)", "script"),
    ("x" * (moderation.MAX_ANSWER_LENGTH + 1), "limit"),
])
def test_answer_refuses_markup_and_oversized_text_and_changes_nothing(world, bad, why):
    session, user, meeting = world
    question = make_question(session, meeting, status="approved")
    with pytest.raises(moderation.ModerationError, match=why):
        moderation.answer(session, question.id, bad, user.id)
    session.rollback()
    assert session.get(Question, question.id).status == "approved"
    assert _audit(session, "question.answer") == []


def test_pin_moves_the_single_pin_and_unpin_clears_it(world):
    session, user, meeting = world
    first = make_question(session, meeting, status="approved")
    second = make_question(session, meeting, text="And sidewalks?", status="answered")
    moderation.pin(session, first.id, user.id)
    moderation.pin(session, second.id, user.id)
    session.commit()
    session.expire_all()
    assert session.get(Meeting, meeting.id).pinned_question_id == second.id
    before = _version(session, meeting)
    moderation.unpin(session, meeting.id, user.id)
    session.commit()
    session.expire_all()
    assert session.get(Meeting, meeting.id).pinned_question_id is None
    assert _version(session, meeting) == before + 1
    assert [e.after["pinned_question_id"] for e in _audit(session, "meeting.pin")] == [
        first.id, second.id]


def test_pin_refuses_a_question_not_in_the_feed(world):
    session, user, meeting = world
    question = make_question(session, meeting)
    with pytest.raises(moderation.ModerationError):
        moderation.pin(session, question.id, user.id)


def _vote(session, question, *voters):
    for voter in voters:
        session.add(QuestionVote(question_id=question.id, voter_key=voter))
    question.upvotes = (question.upvotes or 0) + len(voters)
    session.commit()


def test_merge_carries_votes_and_flagged_statistic_and_points_to_the_kept(world):
    session, user, meeting = world
    measure = make_measure(session)
    kept = make_question(session, meeting, status="approved")
    snap = {"measure": measure.slug, "period": "2024-03", "value": 61.0}
    duplicate = make_question(session, meeting, text="Potholes slower?", measure_id=measure.id,
                              period="2024-03", flag_snapshot=snap)
    _vote(session, kept, "a", "b")
    _vote(session, duplicate, "b", "c", "d")  # "b" voted for both: counts once
    before = _version(session, meeting)
    moderation.merge(session, duplicate.id, kept.id, user.id)
    session.commit()
    session.expire_all()
    kept, duplicate = session.get(Question, kept.id), session.get(Question, duplicate.id)
    assert (duplicate.status, duplicate.merged_into_id) == ("merged", kept.id)
    assert kept.upvotes == 4
    voters = set(session.scalars(select(QuestionVote.voter_key)
                                 .where(QuestionVote.question_id == kept.id)))
    assert voters == {"a", "b", "c", "d"}
    assert (kept.measure_id, kept.period, kept.flag_snapshot) == (measure.id, "2024-03", snap)
    assert _version(session, meeting) == before + 1
    assert _audit(session, "question.merge")[0].after["merged_into_id"] == kept.id


def test_merge_keeps_both_flags_when_they_differ(world):
    session, user, meeting = world
    measure = make_measure(session)
    kept = make_question(session, meeting, measure_id=measure.id, period="2024-01",
                         flag_snapshot={"period": "2024-01"})
    duplicate = make_question(session, meeting, measure_id=measure.id, period="2024-02",
                              flag_snapshot={"period": "2024-02"})
    moderation.merge(session, duplicate.id, kept.id, user.id)
    session.commit()
    session.expire_all()
    kept = session.get(Question, kept.id)
    assert kept.period == "2024-01"
    assert kept.flag_snapshot["also_flagged"] == [{"period": "2024-02"}]


def test_merge_counts_social_votes_that_have_no_vote_rows(world):
    session, user, meeting = world
    kept = make_question(session, meeting, upvotes=1)
    duplicate = make_question(session, meeting, channel="x", external_id="123", upvotes=5)
    moderation.merge(session, duplicate.id, kept.id, user.id)
    session.commit()
    assert session.get(Question, kept.id).upvotes == 6


@pytest.mark.parametrize("case", ["self", "other-meeting", "into-rejected", "already-merged"])
def test_merge_refusals_change_nothing(world, case):
    session, user, meeting = world
    a = make_question(session, meeting)
    b = make_question(session, meeting, text="Another")
    if case == "self":
        b = a
    elif case == "other-meeting":
        b = make_question(session, make_meeting(session, title="Other"))
    elif case == "into-rejected":
        b.status = "rejected"
    else:
        a.status = "merged"
    session.commit()
    with pytest.raises(moderation.ModerationError):
        moderation.merge(session, a.id, b.id, user.id)
    session.rollback()
    assert session.get(Question, a.id).merged_into_id is None
    assert _audit(session, "question.merge") == []


def test_edit_keeps_the_residents_original_wording(world):
    session, user, meeting = world
    question = make_question(session, meeting, text="Why are pothols slow?", status="approved")
    before = _version(session, meeting)
    moderation.edit_text(session, question.id, "Why are potholes slow?", user.id)
    moderation.edit_text(session, question.id, "Why are potholes so slow?", user.id)
    session.commit()
    stored = session.get(Question, question.id)
    assert stored.text == "Why are potholes so slow?"
    assert stored.original_text == "Why are pothols slow?"
    assert _version(session, meeting) == before + 2


@pytest.mark.parametrize("bad", ["", "   ", "<b>hi</b>"])
def test_edit_refuses_empty_or_markup(world, bad):
    session, user, meeting = world
    question = make_question(session, meeting)
    with pytest.raises(moderation.ModerationError):
        moderation.edit_text(session, question.id, bad, user.id)


def test_labels_are_normalised_and_audited_but_not_public(world):
    session, user, meeting = world
    question = make_question(session, meeting)
    before = _version(session, meeting)
    raw = " Potholes, budget ,potholes,  Follow   up"
    moderation.set_labels(session, question.id, raw, user.id)
    session.commit()
    assert session.get(Question, question.id).labels == ["potholes", "budget", "follow up"]
    assert _version(session, meeting) == before
    assert _audit(session, "question.label")[0].after["labels"] == [
        "potholes", "budget", "follow up"]


@pytest.mark.parametrize("bad", ["<script>", "a" * 31, ",".join(f"l{i}" for i in range(9))])
def test_bad_labels_are_refused(world, bad):
    session, user, meeting = world
    question = make_question(session, meeting)
    with pytest.raises(moderation.ModerationError):
        moderation.set_labels(session, question.id, bad, user.id)


def test_bulk_approve_skips_questions_already_handled(world):
    session, user, meeting = world
    pending = [make_question(session, meeting, text=f"Q{i}") for i in range(3)]
    done = make_question(session, meeting, status="rejected", reject_reason="spam")
    result = moderation.bulk_approve(session, [q.id for q in pending] + [done.id], user.id)
    session.commit()
    assert result == (3, 1)
    assert [session.get(Question, q.id).status for q in pending] == ["approved"] * 3
    assert session.get(Question, done.id).status == "rejected"
    assert len(_audit(session, "question.approve")) == 3


def test_bulk_reject_with_an_unknown_question_changes_nothing(world):
    session, user, meeting = world
    question = make_question(session, meeting)
    with pytest.raises(moderation.ModerationError, match="nothing was changed"):
        moderation.bulk_reject(session, [question.id, 9999], "spam", user.id)
    session.rollback()
    assert session.get(Question, question.id).status == "pending"
    with pytest.raises(moderation.ModerationError, match="Select"):
        moderation.bulk_reject(session, [], "spam", user.id)


def test_bulk_reject(world):
    session, user, meeting = world
    questions = [make_question(session, meeting, text=f"Buy now {i}") for i in range(2)]
    assert moderation.bulk_reject(session, [q.id for q in questions], "spam", user.id) == (2, 0)
    session.commit()
    assert {session.get(Question, q.id).reject_reason for q in questions} == {"spam"}


def test_queue_lists_every_channel_and_filters(world):
    session, _, meeting = world
    measure = make_measure(session)
    web = make_question(session, meeting, text="From the form")
    social = make_question(session, meeting, text="From X", channel="x", external_id="9",
                           measure_id=measure.id)
    make_question(session, meeting, text="Done", status="approved")
    other = make_question(session, make_meeting(session, title="Other"), text="Elsewhere")
    assert [r["id"] for r in moderation.queue(session)] == [web.id, social.id, other.id]
    assert [r["id"] for r in moderation.queue(session, meeting_id=meeting.id, channel="x")] == [
        social.id]
    assert [r["id"] for r in moderation.queue(session, measure_id=measure.id)] == [social.id]
    assert len(moderation.queue(session, status=None, meeting_id=meeting.id)) == 3


def test_queue_signature_changes_when_a_question_changes(world):
    session, user, meeting = world
    question = make_question(session, meeting)
    first = moderation.queue_signature(session, status=None)
    moderation.set_labels(session, question.id, "later", user.id)
    session.commit()
    assert moderation.queue_signature(session, status=None) != first


def test_public_summary_counts_outcomes_and_reasons_and_never_text(world):
    session, user, meeting = world
    secret = "My neighbour at 12 Elm St is a criminal"
    for text, status, reason in [("a", "approved", None), ("b", "answered", None),
                                 (secret, "hidden", None), ("c", "rejected", "spam"),
                                 ("d", "rejected", "spam"), ("e", "rejected", "abusive"),
                                 ("f", "pending", None)]:
        make_question(session, meeting, text=text, status=status, reject_reason=reason)
    summary = moderation.moderation_summary(session, meeting.id)
    assert summary["total"] == 7
    # A resident's withdrawn question is an outcome like any other (none here).
    assert summary["outcomes"] == {"pending": 1, "approved": 1, "answered": 1, "hidden": 1,
                                   "rejected": 3, "merged": 0, "withdrawn": 0}
    assert summary["reject_reasons"] == {"off-topic": 0, "duplicate": 0, "abusive": 1,
                                         "spam": 2, "other": 0}
    assert "Elm" not in repr(summary)


def test_audit_entry_is_rolled_back_with_a_failed_action(world):
    session, user, meeting = world
    question = make_question(session, meeting)
    moderation.approve(session, question.id, user.id)
    session.rollback()
    assert session.scalar(select(func.count(AuditEntry.id))
                          .where(AuditEntry.entity == "question")) == 0
    assert session.get(Question, question.id).status == "pending"


def test_the_meeting_picker_puts_live_then_the_nearest_meetings_first():
    from datetime import UTC, datetime

    now = datetime(2026, 11, 29, 2, tzinfo=UTC)

    def meeting(id_, year, month, day, status="scheduled"):
        return {"id": id_, "status": status, "starts_at": datetime(year, month, day, tzinfo=UTC)}

    meetings = [meeting(1, 2027, 6, 1), meeting(2, 2026, 12, 3), meeting(3, 2024, 1, 9, "ended"),
                meeting(4, 2026, 11, 20, "ended"), meeting(5, 2026, 10, 1, "live")]
    assert [m["id"] for m in moderation.by_nearness(meetings, now)] == [5, 2, 4, 1, 3]


def test_filter_options_order_meetings_by_nearness_to_now(session):
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 11, 29, 2, tzinfo=UTC)
    for title, days in [("Far", 400), ("Soon", 3), ("Last week", -7)]:
        meeting = make_meeting(session, title=title, status="scheduled")
        meeting.starts_at = now + timedelta(days=days)
    session.commit()
    titles = [m["title"] for m in moderation.filter_options(session, now=now)["meetings"]]
    assert titles[:3] == ["Soon", "Last week", "Far"]


@pytest.mark.parametrize("status, accepting, allowed", [
    ("scheduled", False, {"go_live", "open", "end", "now_discussing"}),
    ("scheduled", True, {"go_live", "close", "end", "now_discussing"}),
    ("live", True, {"close", "end", "now_discussing"}),
    ("live", False, {"open", "end", "now_discussing"}),
    ("ended", False, {"now_discussing"}),
])
def test_allowed_steps_follow_the_meetings_state(status, accepting, allowed):
    from kcstat_dash.services import meeting_control

    assert meeting_control.allowed_steps(status, accepting) == allowed
