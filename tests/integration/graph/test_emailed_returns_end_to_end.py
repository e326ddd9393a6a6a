"""Emailed returns end to end: the real server and database, the real msgraph-sdk against the
Graph fake, the Slack fake for the case channel.

The GP practice is outside Slack and gets its request by email. Only an authenticated reply
to that very email is its return; a fresh email "from" its SPOC naming the (guessable) case
reference, or a reply failing SPF/DMARC, is received, to be confirmed by the business office:
the request stays open, its chase goes on, and the channel is told."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.requests import RequestState, ReturnKind
from tests.fakes.graph_api import GraphApiFake, Mail
from tests.fakes.slack_api import SlackApiFake
from tests.integration.graph.support import graph_settings
from tests.integration.http.harness import Running, serving
from tests.integration.slack.slack_app import CHAIR, open_case, slack_settings, workspace

GP_SPOC = "oli.danvers@gp.example.org"
PASSED = "spf=pass (sender IP is 192.0.2.7) smtp.mailfrom=gp.example.org; dkim=pass;dmarc=pass"
FAILED = "spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=gp.example.org; dkim=none;dmarc=fail"
SINCE = datetime.now(UTC) - timedelta(hours=1)


@pytest.fixture
async def running(
    slack_api: SlackApiFake, graph_api: GraphApiFake, database_url: str
) -> AsyncIterator[Running]:
    workspace(slack_api)
    outlook = graph_settings(graph_api, graph_ca_bundle=graph_api.ca_file)
    settings = slack_settings(
        database_url, slack_api, **{k: getattr(outlook, k) for k in outlook.model_fields_set}
    )
    async with serving(settings) as running:
        yield running


def gp_request(graph_api: GraphApiFake) -> Mail:
    (request,) = [m for m in graph_api.sent if m.to == [GP_SPOC]]
    return request


def channel_posts(slack_api: SlackApiFake, ref: str) -> list[str]:
    channel = slack_api.by_name(ref.lower())
    assert channel is not None
    return [m.text for m in slack_api.messages[channel.id].values()]


async def test_an_authenticated_reply_to_the_request_email_is_the_gps_return(
    running: Running, graph_api: GraphApiFake
) -> None:
    ref = await open_case(running)
    request = gp_request(graph_api)
    graph_api.deliver(  # a client that keeps the conversation but no In-Reply-To
        sender=GP_SPOC,
        subject=f"RE: Rapid Review information request: {ref}",
        html="<p>Nil return: not known to the practice.</p>",
        received=datetime.now(UTC),
        conversation_id=request.conversation_id,
        headers=[("Authentication-Results", PASSED)],
    )
    services = running.container.services

    (outcome,) = await services.read_mailbox(since=SINCE)

    assert (outcome.recorded, outcome.to_confirm) == (f"{ref} gp", False)
    gp = (await services.status(case_ref=ref, actor=CHAIR)).case.requests["gp"]
    assert (gp.state, gp.return_kind) == (RequestState.RETURNED, ReturnKind.NIL)
    assert [a for a in await pending(running, ref) if ":chase:gp:" in a] == []
    assert len(graph_api.calls_to("/mailFolders/sentitems/messages")) == 1  # ids learnt once
    (receipt,) = [m for m in graph_api.sent if m.subject == f"Receipt: {ref}"]
    assert receipt.to == [GP_SPOC]  # the one receipt, by email, where the GP acted
    await services.read_mailbox(since=SINCE)  # the receipt's ids are learnt (a reply adds)
    await services.read_mailbox(since=SINCE)
    assert len(graph_api.calls_to("/mailFolders/sentitems/messages")) == 2


async def test_a_forged_fresh_email_naming_the_case_does_not_stop_the_chase(
    running: Running, graph_api: GraphApiFake, slack_api: SlackApiFake
) -> None:
    ref = await open_case(running)
    chases = [a for a in await pending(running, ref) if ":chase:gp:" in a]
    assert chases
    graph_api.deliver(  # From the SPOC's address, the reference guessed, SPF even passing
        sender=GP_SPOC,
        subject=f"RE: Rapid Review information request: {ref}",
        html="<p>Nil return.</p>",
        received=datetime.now(UTC),
        headers=[("Authentication-Results", PASSED)],
    )
    services = running.container.services

    (outcome,) = await services.read_mailbox(since=SINCE)

    assert (outcome.recorded, outcome.to_confirm) == (None, True)
    gp = (await services.status(case_ref=ref, actor=CHAIR)).case.requests["gp"]
    assert gp.is_open and gp.needs_confirmation
    assert [a for a in await pending(running, ref) if ":chase:gp:" in a] == chases
    told = channel_posts(slack_api, ref)[-1]
    assert "is not a reply to the request the bot emailed" in told
    assert "to be confirmed by the business office" in told
    assert f"/rapidreview confirm {ref} gp" in told
    assert GP_SPOC not in told and "Nil return" not in told
    assert [m.subject for m in graph_api.sent if m.to == [GP_SPOC]] == [
        f"Rapid Review information request: {ref}"
    ]  # no receipt went out


async def test_a_reply_failing_spf_and_dmarc_is_to_be_confirmed(
    running: Running, graph_api: GraphApiFake, slack_api: SlackApiFake
) -> None:
    ref = await open_case(running)
    graph_api.deliver(
        sender=GP_SPOC,
        subject=f"RE: Rapid Review information request: {ref}",
        html="<p>Nil return.</p>",
        received=datetime.now(UTC),
        headers=[
            ("Authentication-Results", FAILED),
            ("In-Reply-To", gp_request(graph_api).internet_message_id),
            ("Authentication-Results", PASSED),  # carried in by the sender: not believed
        ],
    )
    services = running.container.services

    (outcome,) = await services.read_mailbox(since=SINCE)

    assert outcome.to_confirm and "failed the checks" in outcome.reason
    gp = (await services.status(case_ref=ref, actor=CHAIR)).case.requests["gp"]
    assert gp.is_open and gp.needs_confirmation
    assert "failed the checks that prove who sent it" in channel_posts(slack_api, ref)[-1]


async def pending(running: Running, ref: str) -> list[str]:
    async with running.container.services.ctx.uow() as uow:
        return [a.key for a in await uow.outbox.pending(case_ref=ref)]
