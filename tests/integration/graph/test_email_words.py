"""Every message the bot sends by email instead of chat is worded for email, as the Outlook
(Graph) fake received it: the request, each rung of the chase ladder, a chase asked for,
the escalations, the receipts, a refused addition, the digest and a fault alert. Nobody
reading an email is told to press a button, reply in a thread or type a slash command, and
no chat markup (`*bold*`, `<url|text>`) reaches them.

Only the business officer is in Slack here, so everyone else (the council's and the
police's SPOCs too, whose agencies work in chat) is reached by email."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.adapters.clock import SimulatedClock
from bot.domain.playbook import ChaseStepKind
from bot.ports import WORD_CONTENT_TYPE
from bot.services.faults import tell_chairs_it_keeps_failing
from bot.services.reply_templates import HOW_TO_RETURN_IT
from bot.services.routines import send_digest
from tests.fakes.graph_api import GraphApiFake, Mail
from tests.fakes.slack_api import SlackApiFake
from tests.integration.graph.support import graph_settings
from tests.integration.graph.test_emailed_returns_end_to_end import GP_SPOC, PASSED
from tests.integration.http.harness import Running, serving
from tests.integration.slack.slack_app import CHAIR, LA_SPOC, OFFICER, open_case, slack_settings

CHAT_WORDS = re.compile(
    r"\bpress|button|thread|/rapidreview|slack|\*|<[^>\n]*\|", flags=re.IGNORECASE
)
SINCE = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
async def running(
    slack_api: SlackApiFake, graph_api: GraphApiFake, database_url: str
) -> AsyncIterator[Running]:
    slack_api.add_user(OFFICER)  # nobody else is in the workspace
    outlook = graph_settings(graph_api, graph_ca_bundle=graph_api.ca_file)
    settings = slack_settings(
        database_url, slack_api, **{k: getattr(outlook, k) for k in outlook.model_fields_set}
    )
    async with serving(settings) as running:
        yield running


def text_of(mail: Mail) -> str:
    return str(mail.body["content"])


def gp_replies(graph_api: GraphApiFake, ref: str, conversation: str, text: str) -> None:
    graph_api.deliver(
        sender=GP_SPOC,
        subject=f"RE: Rapid Review information request: {ref}",
        html=f"<p>{text}</p>",
        received=datetime.now(UTC),
        conversation_id=conversation,
        headers=[("Authentication-Results", PASSED)],
    )


async def test_every_email_the_bot_sends_is_worded_for_email(
    running: Running, graph_api: GraphApiFake
) -> None:
    services, ctx = running.container.services, running.container.ctx
    ref = await open_case(running)  # the council, the police and the GP practice
    for step in ChaseStepKind:  # every rung, to the SPOC, its strategic lead, the partners
        await services.run_chase_step(case_ref=ref, agency="la", step=step)
    await services.chase_now(case_ref=ref, agency="police", actor=OFFICER)
    (request,) = [m for m in graph_api.sent if m.to == [GP_SPOC]]
    for text in ("Factual summary: seen twice in 2026.", "Attached: the GP summary."):
        gp_replies(graph_api, ref, request.conversation_id, text)
        await services.read_mailbox(since=SINCE)
    clock = ctx.clock
    assert isinstance(clock, SimulatedClock)
    clock.set(datetime(2027, 1, 7, 10, 0, tzinfo=UTC))  # after the papers went out
    gp_replies(graph_api, ref, request.conversation_id, "One more document.")
    await services.read_mailbox(since=SINCE)
    await send_digest(ctx, chair=CHAIR, late=False)
    await tell_chairs_it_keeps_failing(
        ctx, case_ref=None, what="sending a message", reason="timed out", attempts=4
    )

    subjects = {m.subject.split(":")[0] for m in graph_api.sent}
    assert subjects >= {
        "Rapid Review information request",  # LA and police by fallback, the GP by choice
        "Chase",
        "Escalation",
        "Receipt",
        "Not added",
        "Rapid Review digest",
        "Rapid Review",
    }
    worded_for_chat = {m.subject: CHAT_WORDS.findall(text_of(m)) for m in graph_api.sent}
    assert {s: w for s, w in worded_for_chat.items() if w} == {}
    la_request = next(m for m in graph_api.sent if m.to == [LA_SPOC])
    assert text_of(la_request).endswith(HOW_TO_RETURN_IT)
    # The reply template it speaks of goes with it, through Graph's own attachment.
    ((name, content_type, _),) = la_request.attachments
    assert (name, content_type) == (f"{ref}_reply-template_la.docx", WORD_CONTENT_TYPE)
    receipts = [text_of(m) for m in graph_api.sent if m.subject.startswith("Receipt")]
    assert receipts == [
        f"Thank you: your factual summary for {ref} was recorded on Fri 18 Dec. To add to it"
        " (a file, say), reply to this email with the documents attached by Wed 06 Jan, the"
        " day the papers go out.",
        f"Added to your factual summary for {ref} (addition 1, Fri 18 Dec). To add to it"
        " (a file, say), reply to this email with the documents attached by Wed 06 Jan, the"
        " day the papers go out.",
    ]
