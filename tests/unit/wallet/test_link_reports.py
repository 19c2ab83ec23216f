"""wallet/services/link_reports.py on a migrated SQLite database: a report's text
is trimmed and checked, a report of a link that does not exist is counted and not
kept, both limits count every report, reports list open first and newest first,
a link is suspended once (a second suspension changes nothing) and lifted once,
a suspension of one kind of link does not touch the other kind, and closing a
report twice changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crypto import new_id
from wallet.clock import now
from wallet.errors import InvalidRequest, NotFound, RateLimited
from wallet.limits import MemoryLimiter
from wallet.models import LinkReport
from wallet.runtime import Runtime
from wallet.services import link_reports
from wallet.services.link_reports import NewReport, clean_text, file_report


@pytest.mark.parametrize(
    ("given", "kept"),
    [("  hello \n", "hello"), ("a\r\nb\rc", "a\nb\nc"), ("tab\there", "tab\there"), ("", "")],
)
def test_a_report_s_text_is_trimmed_and_its_line_breaks_made_one_kind(
    given: str, kept: str
) -> None:
    assert clean_text(given) == kept


@pytest.mark.parametrize(
    "text", ["bell \x07", "nul \x00", "escape \x1b[31m", "c1 \x85 inside", "x" * 501]
)
def test_a_text_with_control_characters_or_too_long_is_refused(text: str) -> None:
    with pytest.raises(InvalidRequest):
        clean_text(text)


def test_a_report_of_an_unknown_link_is_counted_but_not_kept(runtime: Runtime) -> None:
    settings = runtime.settings.model_copy(update={"reports_per_link_per_day": 2})
    limiter = MemoryLimiter(b"k" * 32)
    link_id = new_id()
    with runtime.db() as db:
        for _ in range(2):
            file_report(
                db, settings, limiter, "10.0.0.1", NewReport("share", link_id, "other"), False
            )
        with pytest.raises(RateLimited):
            file_report(
                db, settings, limiter, "10.0.0.2", NewReport("share", link_id, "other"), True
            )
        assert link_reports.count_reports(db) == 0


def test_a_report_s_reason_and_kind_must_be_listed(runtime: Runtime) -> None:
    limiter = MemoryLimiter(b"k" * 32)
    with runtime.db() as db:
        for report in (NewReport("share", new_id(), "spam"), NewReport("drive", new_id(), "other")):
            with pytest.raises(InvalidRequest):
                file_report(db, runtime.settings, limiter, "10.0.0.1", report, True)


def test_reports_list_open_ones_first_then_newest_first(runtime: Runtime) -> None:
    moment = now()
    with runtime.db() as db:
        for name, status, minutes in (
            ("old", "open", 30),
            ("closed", "closed", 1),
            ("new", "open", 5),
        ):
            db.add(
                LinkReport(
                    id=new_id(),
                    link_kind="share",
                    link_id=new_id(),
                    reason="other",
                    text=name,
                    status=status,
                    created_at=moment - timedelta(minutes=minutes),
                )
            )
        db.commit()
        listed = link_reports.list_reports(db, status=None, limit=10)
        assert [r.text for r in listed] == ["new", "old", "closed"]
        assert [
            r.text for r in link_reports.list_reports(db, status="open", limit=1, offset=1)
        ] == ["old"]
        assert link_reports.count_reports(db, "closed") == 1
        assert link_reports.close_report(db, listed[0]) is True
        assert link_reports.close_report(db, listed[0]) is False
        with pytest.raises(NotFound):
            link_reports.get_report(db, "not an id")


def test_a_link_is_suspended_once_and_lifted_once_and_kinds_are_apart(runtime: Runtime) -> None:
    link_id = new_id()
    with runtime.db() as db:
        first = link_reports.suspend(db, "share", link_id, "fraud")
        assert first is not None
        assert link_reports.suspend(db, "share", link_id, "harmful") is None
        assert link_reports.suspension_of(db, "share", link_id) is first
        assert link_reports.suspension_of(db, "deposit", link_id) is None
        assert link_reports.suspensions_of(db, "share", [link_id, new_id()]) == {link_id: first}
        assert link_reports.lift(db, "share", link_id) is first and first.lifted_at is not None
        assert link_reports.lift(db, "share", link_id) is None
        again = link_reports.suspend(db, "share", link_id, "other")
        assert again is not None and again.id != first.id  # the history stays
        with pytest.raises(InvalidRequest):
            link_reports.suspend(db, "deposit", link_id, "because")
        with pytest.raises(NotFound):
            link_reports.suspend(db, "share", "../x", "fraud")
