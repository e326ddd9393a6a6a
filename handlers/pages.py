"""Two plain pages the case channel bookmarks: a playbook's timetable for a notification date,
and the decision record form. Neither holds anything about a case (a playbook key and a date
are not personal data), so neither needs a login.
"""

from __future__ import annotations

from datetime import date
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from bot import playbooks
from bot.domain.decision import DecisionRecord
from bot.domain.timetable import build_timetable
from handlers.openapi import problem

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}}
th,td{{text-align:left;padding:.3rem .8rem;border-bottom:1px solid #ddd}}</style>
</head><body><h1>{title}</h1>
{body}
</body></html>"""


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(title=escape(title), body=body))


async def timetable_page(request: Request) -> Response:
    key = request.path_params["playbook"]
    if key not in playbooks.available():  # a shipped key only: never a path on disk
        return problem(404, f"No playbook '{key[:40]}'. Known: {', '.join(playbooks.available())}.")
    try:
        notified = date.fromisoformat(request.query_params.get("notified", ""))
    except ValueError:
        return problem(422, "Give the notification date as ?notified=YYYY-MM-DD.")
    playbook = playbooks.load(key)
    workdays = request.state.container.workdays
    timetable = build_timetable(playbook, workdays, notified)
    rows = "\n".join(
        f"<tr><td>{m.due:%a %d %b %Y}</td><td>{m.day}</td><td>{escape(m.title)}</td></tr>"
        for m in timetable.milestones
    )
    earliest, latest = timetable.meeting_window
    body = (
        f"<p>{escape(playbook.name)}. Notified {notified:%A %d %B %Y}.</p>"
        f"<table><tr><th>Due</th><th>Working day</th><th>Milestone</th></tr>{rows}</table>"
        f"<p>Meeting window: {earliest:%a %d %b} to {latest:%a %d %b %Y}. "
        f"Panel deadline: {timetable.panel_deadline:%A %d %B %Y}.</p>"
    )
    return _page("Rapid Review timetable", body)


async def decision_record_page(_request: Request) -> Response:
    rows = "\n".join(
        f"<tr><td>{escape(name.replace('_', ' '))}</td>"
        f"<td>{escape(field.description or '')}</td></tr>"
        for name, field in DecisionRecord.model_fields.items()
    )
    body = (
        "<p>What the chair records with <code>/rapidreview decision</code> in the case channel."
        " Prepare each answer before the meeting; every reason is required.</p>"
        f"<table><tr><th>Field</th><th>What it holds</th></tr>{rows}</table>"
    )
    return _page("Rapid Review decision record", body)
