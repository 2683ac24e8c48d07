"""Meeting control, measure stewardship, accounts and the audit export, at the service level."""

from __future__ import annotations

import csv
import io

import pytest
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import select

from kcstat_dash.models import AuditEntry, Meeting, Observation, User
from kcstat_dash.services import accounts, audit, feed_version, meeting_control, stewardship
from kcstat_dash.services.measures import get_measure, observation_points
from kcstat_dash.services.moderation import ModerationError
from tests.staff import PASSWORD, make_measure, make_meeting, make_user


@pytest.fixture
def world(session):
    user = make_user(session, "analyst@example.org", "admin")
    meeting = make_meeting(session, status="scheduled")
    return session, user, meeting


def _actions(session):
    return [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_a_meeting_goes_live_opens_closes_and_ends(world):
    session, user, meeting = world
    version = feed_version.current(session, meeting.id)
    meeting_control.go_live(session, meeting.id, user.id)
    session.commit()
    assert (meeting.status, meeting.accepting_questions) == ("live", True)
    meeting_control.set_accepting_questions(session, meeting.id, False, user.id)
    meeting_control.set_accepting_questions(session, meeting.id, True, user.id)
    meeting_control.end(session, meeting.id, user.id)
    session.commit()
    session.expire_all()
    meeting = session.get(Meeting, meeting.id)
    assert (meeting.status, meeting.accepting_questions) == ("ended", False)
    assert meeting.ends_at is not None
    assert feed_version.current(session, meeting.id) == version + 4
    assert _actions(session)[-4:] == ["meeting.go_live", "meeting.close", "meeting.open",
                                      "meeting.end"]
    with pytest.raises(ModerationError, match="ended"):
        meeting_control.set_accepting_questions(session, meeting.id, True, user.id)
    with pytest.raises(ModerationError):
        meeting_control.go_live(session, meeting.id, user.id)


def test_now_discussing_is_set_cleared_and_checked(world):
    session, user, meeting = world
    measure = make_measure(session)
    meeting_control.set_now_discussing(session, meeting.id, str(measure.id), user.id)
    session.commit()
    assert session.get(Meeting, meeting.id).now_discussing_measure_id == measure.id
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "meeting.now_discussing"))
    assert (entry.before["now_discussing_measure_id"], entry.after["now_discussing_measure_id"]) \
        == (None, measure.id)
    with pytest.raises(ModerationError, match="no measure"):
        meeting_control.set_now_discussing(session, meeting.id, 99999, user.id)
    meeting_control.set_now_discussing(session, meeting.id, "", user.id)
    session.commit()
    assert session.get(Meeting, meeting.id).now_discussing_measure_id is None


def _observe(session, measure, values: dict[str, float]):
    for period, value in values.items():
        session.add(Observation(measure_id=measure.id, period=period, value=value))
    session.commit()


def test_a_new_target_leaves_past_months_with_the_target_then_in_force(world):
    session, user, _ = world
    measure = make_measure(session)
    _observe(session, measure, {"2024-01": 70.0, "2024-02": 70.0, "2024-03": 70.0})
    stewardship.set_target(session, measure.slug, "2024-01", 65, user.id)
    stewardship.set_target(session, measure.slug, "2024-03", "75", user.id)
    session.commit()
    points = observation_points(get_measure(session, measure.slug))
    assert [(p["target"], p["status"]) for p in points] == [
        (65.0, "met"), (65.0, "met"), (75.0, "missed")]
    history = stewardship.target_history(session, measure.slug)
    assert [h["effective_from"] for h in history] == ["(default)", "2024-01", "2024-03"]
    entries = list(session.scalars(select(AuditEntry).where(
        AuditEntry.action == "measure.set_target").order_by(AuditEntry.id)))
    assert entries[1].before == {"effective_from": "2024-03", "in_force": 65.0}
    assert entries[1].after == {"effective_from": "2024-03", "value": 75.0}


@pytest.mark.parametrize("period, value, why", [
    ("March 2024", 50, "YYYY-MM"), ("2024-13", 50, "YYYY-MM"), ("FY2024", 50, "by month"),
    ("2024-03", "lots", "number"), ("2024-03", 140, "at most 100"), ("2024-03", -1, "zero"),
    ("2024-03", "nan", "number"),
])
def test_bad_targets_are_refused(world, period, value, why):
    session, user, _ = world
    measure = make_measure(session)
    with pytest.raises(stewardship.StewardshipError, match=why):
        stewardship.set_target(session, measure.slug, period, value, user.id)


def test_narrative_history_and_the_todo_list(world):
    session, user, _ = world
    measure = make_measure(session)
    measure.target = 80.0
    _observe(session, measure, {"2024-01": 90.0, "2024-02": 60.0, "2024-03": 50.0})
    todo = stewardship.todo(session)
    assert [(t["slug"], t["period"]) for t in todo] == [(measure.slug, "2024-02"),
                                                        (measure.slug, "2024-03")]
    stewardship.write_narrative(session, measure.slug, "2024-03", "First draft.", user.id)
    stewardship.write_narrative(session, measure.slug, "2024-03", "Crews were reassigned.",
                                user.id)
    session.commit()
    assert [(t["period"]) for t in stewardship.todo(session)] == ["2024-02"]
    entries = list(session.scalars(select(AuditEntry).where(
        AuditEntry.action == "measure.narrative").order_by(AuditEntry.id)))
    assert entries[1].before["body"] == "First draft."
    assert entries[1].after["body"] == "Crews were reassigned."
    with pytest.raises(ModerationError, match="HTML"):
        stewardship.write_narrative(session, measure.slug, "2024-02", "<script>x</script>",
                                    user.id)


def test_peer_values_are_added_then_corrected(world):
    session, user, _ = world
    measure = make_measure(session)
    stewardship.add_peer(session, measure.slug, "2024-03", "Omaha", 72, "https://example.org/o",
                         user.id)
    stewardship.add_peer(session, measure.slug, "2024-03", "Omaha", 74, None, user.id)
    session.commit()
    from kcstat_dash.services.measures import measure_detail

    assert measure_detail(session, measure.slug)["peers"] == [
        {"period": "2024-03", "peer": "Omaha", "value": 74.0, "source_url": None}]
    for bad in ("javascript:alert(1)", "ftp://x", "https://x y"):
        with pytest.raises(stewardship.StewardshipError, match="http"):
            stewardship.add_peer(session, measure.slug, "2024-03", "Omaha", 74, bad, user.id)


def test_accounts_hash_refuse_twins_and_lock_after_failures(session):
    user = accounts.create_user(session, " Mod@Example.org ", PASSWORD)
    session.commit()
    assert user.email == "mod@example.org" and user.password_hash.startswith("scrypt:")
    for bad in [("mod@example.org", PASSWORD), ("not-an-email", PASSWORD),
                ("x@example.org", "short")]:
        with pytest.raises(accounts.AccountError):
            accounts.create_user(session, *bad)
    session.rollback()
    throttle = FixedWindowRateLimiter(MemoryStorage())
    assert accounts.authenticate(session, "MOD@example.org", PASSWORD, throttle, "a").id == user.id
    for _ in range(accounts.SIGN_IN_FAILURES.amount):
        with pytest.raises(accounts.LoginRefused):
            accounts.authenticate(session, "mod@example.org", "wrong", throttle, "a")
    with pytest.raises(accounts.LoginRefused, match="too many tries"):
        accounts.authenticate(session, "mod@example.org", PASSWORD, throttle, "a")
    # Locked for that address only: from another, the owner signs in.
    assert accounts.authenticate(session, "mod@example.org", PASSWORD, throttle, "b").id == user.id
    with pytest.raises(accounts.LoginRefused):
        accounts.authenticate(session, "nobody@example.org", PASSWORD, throttle, "b")


def test_a_deactivated_account_cannot_sign_in(session):
    admin = make_user(session, "admin@example.org", "admin")
    user = make_user(session)
    accounts.set_active(session, user.id, False, admin.id)
    session.commit()
    with pytest.raises(accounts.LoginRefused):
        accounts.authenticate(session, "mod@example.org", PASSWORD,
                              FixedWindowRateLimiter(MemoryStorage()), "a")
    with pytest.raises(accounts.AccountError):
        accounts.set_active(session, admin.id, False, admin.id)
    accounts.set_role(session, user.id, "analyst", admin.id)
    session.commit()
    assert session.get(User, user.id).role == "analyst"


def test_audit_export_has_every_entry_and_defuses_spreadsheet_formulas(world):
    session, user, _ = world
    audit.record(session, user.id, "measure.peer", "measure", "x", None,
                 {"peer_name": "=HYPERLINK(\"http://evil\")"})
    session.commit()
    rows = list(csv.DictReader(io.StringIO(audit.export_csv(session))))
    assert [r["action"] for r in rows] == _actions(session)
    last = rows[-1]
    assert last["user_email"] == "analyst@example.org"
    assert last["after"].startswith("{")  # JSON, so the formula sits inside a string
    assert "T" in last["at_utc"] and last["at_kansas_city"].endswith(("-06:00", "-05:00"))
