"""The Graph fake refuses what Graph refuses, in Graph's words, so the adapter tests mean
something. Plain HTTP here, no SDK."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.fakes.graph_api import MAILBOX, STATIC_TOKEN, GraphApiFake

AUTH = {"Authorization": f"Bearer {STATIC_TOKEN}"}
WHEN = {"dateTime": "2026-11-10T09:30:00", "timeZone": "UTC"}
LATER = {"dateTime": "2026-11-10T11:00:00", "timeZone": "UTC"}


@pytest.fixture
async def graph(graph_api: GraphApiFake) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"{graph_api.base_url}/users/{MAILBOX}") as client:
        yield client


async def test_no_bearer_token_is_401_in_graphs_words(graph: httpx.AsyncClient) -> None:
    reply = await graph.get("/events")

    assert reply.status_code == 401
    assert reply.json()["error"]["code"] == "InvalidAuthenticationToken"


async def test_an_event_without_its_start_is_refused(
    graph: httpx.AsyncClient, graph_api: GraphApiFake
) -> None:
    reply = await graph.post("/events", json={"subject": "s", "end": LATER}, headers=AUTH)

    assert reply.status_code == 400
    assert reply.json()["error"] == {
        "code": "ErrorInvalidRequest",
        "message": "The property 'start' needs a dateTime and a timeZone.",
        "innerError": {"request-id": "fake"},
    }
    assert graph_api.events == {}


async def test_a_second_post_with_the_same_transaction_id_returns_the_same_event(
    graph: httpx.AsyncClient, graph_api: GraphApiFake
) -> None:
    event = {"subject": "s", "start": WHEN, "end": LATER, "transactionId": "tx-1"}

    first = await graph.post("/events", json=event, headers=AUTH)
    second = await graph.post("/events", json=event | {"subject": "changed"}, headers=AUTH)

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert second.json()["subject"] == "s"
    assert len(graph_api.events) == 1


async def test_a_mailbox_nobody_has_is_404(graph_api: GraphApiFake) -> None:
    async with httpx.AsyncClient(base_url=graph_api.base_url, headers=AUTH) as client:
        user = await client.get("/users/nobody@partnership.example.org")
        events = await client.get("/users/nobody@partnership.example.org/events")

    assert (user.status_code, user.json()["error"]["code"]) == (404, "Request_ResourceNotFound")
    assert (events.status_code, events.json()["error"]["code"]) == (404, "ErrorInvalidUser")


async def test_a_queued_fault_answers_once_then_graph_is_back(
    graph: httpx.AsyncClient, graph_api: GraphApiFake
) -> None:
    graph_api.fail("/events", status=429, retry_after=7)

    throttled = await graph.get("/events", headers=AUTH)
    served = await graph.get("/events", headers=AUTH)

    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "7"
    assert throttled.json()["error"]["code"] == "TooManyRequests"
    assert served.status_code == 200


async def test_send_mail_checks_recipients_and_attachments(
    graph: httpx.AsyncClient, graph_api: GraphApiFake
) -> None:
    nobody = {"Message": {"subject": "s", "toRecipients": []}}
    bad_file = {
        "Message": {
            "toRecipients": [{"emailAddress": {"address": "panel@nationalpanel.example.org"}}],
            "attachments": [
                {"@odata.type": "#microsoft.graph.fileAttachment", "name": "a", "contentBytes": "*"}
            ],
        }
    }

    first = await graph.post("/sendMail", json=nobody, headers=AUTH)
    second = await graph.post("/sendMail", json=bad_file, headers=AUTH)

    assert (first.status_code, first.json()["error"]["code"]) == (400, "ErrorInvalidRecipients")
    assert second.status_code == 400
    assert graph_api.sent == []


async def test_internet_headers_show_only_when_selected_and_never_on_sent_items(
    graph: httpx.AsyncClient, graph_api: GraphApiFake
) -> None:
    graph_api.deliver(
        sender="spoc@school.example.org",
        subject="RE: request",
        html="<p>ok</p>",
        received=dt.datetime(2026, 11, 10, 9, tzinfo=dt.UTC),
        headers=[("Authentication-Results", "dmarc=pass")],
    )
    tag = "String {6f1d3c2a-8b4e-4f5a-9c7d-2e1b0a9f8c61} Name RRBotSendId"
    message = {
        "toRecipients": [{"emailAddress": {"address": "spoc@school.example.org"}}],
        "singleValueExtendedProperties": [{"id": tag, "value": "abc"}],
    }
    sent = await graph.post("/sendMail", json={"message": message}, headers=AUTH)
    assert sent.status_code == 202

    plain = (await graph.get("/mailFolders/inbox/messages", headers=AUTH)).json()["value"]
    chosen = await graph.get(
        "/mailFolders/inbox/messages",
        params={"$select": "id,internetMessageHeaders"},
        headers=AUTH,
    )
    found = await graph.get(
        "/mailFolders/sentitems/messages",
        params={
            "$filter": f"singleValueExtendedProperties/Any(ep: ep/id eq '{tag}'"
            " and ep/value eq 'abc')"
        },
        headers=AUTH,
    )
    bad = {"message": message | {"singleValueExtendedProperties": [{"id": "Color", "value": "x"}]}}

    assert "internetMessageHeaders" not in plain[0]
    assert chosen.json()["value"][0]["internetMessageHeaders"] == [
        {"name": "Authentication-Results", "value": "dmarc=pass"}
    ]
    (copy,) = found.json()["value"]
    assert copy["internetMessageId"] == graph_api.sent[0].internet_message_id
    assert "internetMessageHeaders" not in copy
    refused = await graph.post("/sendMail", json=bad, headers=AUTH)
    assert refused.json()["error"]["code"] == "ErrorInvalidProperty"
