"""The Word reply template end to end: the real server and database, the real msgraph-sdk
against the Graph fake. The GP practice's request email carries the template; the GP sends
it back filled in, and it is recorded as the structured return; a template that cannot be
read is answered with the reason, and the request stays open."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.requests import RequestState, ReturnKind
from bot.domain.returns import Involvement
from bot.ports import WORD_CONTENT_TYPE
from tests.fakes.graph_api import GraphApiFake
from tests.integration.graph.test_emailed_returns_end_to_end import (
    GP_SPOC,
    PASSED,
    SINCE,
    gp_request,
    running,
)
from tests.integration.http.harness import Running
from tests.integration.slack.slack_app import CHAIR, open_case
from tests.support.documents_samples import filled_template

__all__ = ["running"]  # the fixture, shared with the emailed returns' tests

ANSWERS = {"Involvement": "full", "Your analysis": "Registered; seen twice.", "More to": "no"}


def reply_with_template(graph_api: GraphApiFake, ref: str, content: bytes) -> None:
    request = gp_request(graph_api)
    graph_api.deliver(
        sender=GP_SPOC,
        subject=f"RE: Rapid Review information request: {ref}",
        html="<p>Our reply template is attached.</p>",
        received=datetime.now(UTC),
        attachments=[(f"{ref}_reply-template_gp.docx", WORD_CONTENT_TYPE, content)],
        conversation_id=request.conversation_id,
        headers=[("Authentication-Results", PASSED)],
    )


def the_template(graph_api: GraphApiFake, ref: str) -> bytes:
    ((name, content_type, content),) = gp_request(graph_api).attachments
    assert (name, content_type) == (f"{ref}_reply-template_gp.docx", WORD_CONTENT_TYPE)
    return content


async def test_the_gps_filled_in_template_is_its_structured_return(
    running: Running, graph_api: GraphApiFake
) -> None:
    ref = await open_case(running)
    filled = filled_template(
        the_template(graph_api, ref), ANSWERS, [("01/12/2026", "", "Seen by GP")]
    )
    reply_with_template(graph_api, ref, filled)
    services = running.container.services

    (outcome,) = await services.read_mailbox(since=SINCE)

    assert (outcome.recorded, outcome.reason) == (f"{ref} gp", "recorded")
    gp = (await services.status(case_ref=ref, actor=CHAIR)).case.requests["gp"]
    assert (gp.state, gp.return_kind) == (RequestState.RETURNED, ReturnKind.FULL)
    assert gp.latest is not None and gp.latest.content.involvement is Involvement.FULL
    assert [e.what for e in gp.latest.content.chronology] == ["Seen by GP"]
    (receipt,) = [m for m in graph_api.sent if m.subject == f"Receipt: {ref}"]
    assert receipt.to == [GP_SPOC]


async def test_an_unreadable_template_is_answered_and_the_request_stays_open(
    running: Running, graph_api: GraphApiFake
) -> None:
    ref = await open_case(running)
    bad = filled_template(the_template(graph_api, ref), ANSWERS, [("yesterday", "", "Seen")])
    reply_with_template(graph_api, ref, bad)
    services = running.container.services

    (outcome,) = await services.read_mailbox(since=SINCE)

    assert outcome.recorded is None
    gp = (await services.status(case_ref=ref, actor=CHAIR)).case.requests["gp"]
    assert gp.is_open and gp.versions == []
    (refusal,) = [m for m in graph_api.sent if m.subject == f"Not recorded: {ref}"]
    assert refusal.to == [GP_SPOC]
    assert "Row 1 of the chronology: 'yesterday' is not a date" in str(refusal.body)
