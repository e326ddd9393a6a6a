"""The pages a case channel bookmarks: a playbook's timetable and the decision record form."""

from __future__ import annotations

from tests.integration.http.harness import serving, settings_for


async def get(database_url: str, path: str) -> tuple[int, str]:
    async with serving(settings_for(database_url)) as running:
        reply = await running.client.get(path)
    return reply.status_code, reply.text


async def test_the_timetable_page_gives_every_milestone_for_the_notification_date(
    database_url: str,
) -> None:
    status, page = await get(database_url, "/timetable/llr?notified=2026-12-18")
    assert status == 200
    assert "<td>Wed 06 Jan 2027</td><td>10</td>" in page
    assert "Meeting window: Thu 31 Dec to Mon 11 Jan 2027" in page
    assert "Panel deadline: Wednesday 13 January 2027" in page


async def test_only_shipped_playbooks_and_real_dates_are_shown(database_url: str) -> None:
    status, page = await get(database_url, "/timetable/nowhere?notified=2026-12-18")
    assert status == 404 and "No playbook 'nowhere'. Known: " in page
    for path in ("..%2Fplaybooks%2Fllr.yaml", "llr.yaml", "%2Fetc%2Fpasswd"):  # never a file
        status, _ = await get(database_url, f"/timetable/{path}?notified=2026-12-18")
        assert status == 404
    status, page = await get(database_url, "/timetable/llr?notified=18/12/2026")
    assert status == 422 and "?notified=YYYY-MM-DD" in page


async def test_the_decision_record_page_lists_every_field_and_what_it_holds(
    database_url: str,
) -> None:
    status, page = await get(database_url, "/decision-record")
    assert status == 200
    assert "<td>outcome reasons</td><td>why the LCSPR criteria are or are not met</td>" in page
    assert page.count("<tr><td>") == 16  # every field of the record
