"""Driving rrbot as Teams does: activities signed by the issuer fake, posted to
`POST /api/messages`, and the bot's answers read from the Bot Connector fake as it received
them. Everyone is in the sample directory's tenant, each with a personal chat with the bot.
All people and ids are fictional."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from bot.adapters.clock import SimulatedClock
from bot.domain.meeting import Response
from tests.fakes.graph_api import TENANT
from tests.fakes.graph_teams import GraphTeams
from tests.fakes.teams_connector import ConnectorFake, Json
from tests.fakes.teams_issuer import TeamsIssuerFake
from tests.integration.http.harness import Running
from tests.integration.teams.serving import BOT_ID

CHAIR = "chris.lindqvist@partnership.example.org"
OFFICER = "bo.adeyemi@partnership.example.org"
LA_SPOC = "fay.morrow@council.example.org"
GP_SPOC = "oli.danvers@gp.example.org"
POLICE_DM = "gray.osei@police.example.org"
OUTSIDER = "alex.stray@elsewhere.example.org"  # in the tenant, not in the directory
BOT = f"28:{BOT_ID}"
_IDS = itertools.count(1)
LONDON = ZoneInfo("Europe/London")


def aad(email: str) -> str:
    """A stable, fictional Entra object id per person."""
    return "0f1e2d3c-0000-4000-8000-" + hashlib.sha256(email.encode()).hexdigest()[:12]


def personal(email: str) -> str:
    """The person's 1:1 chat with the bot, as the connector fake names it."""
    return f"a:1on1-{aad(email)}"


StartBot = Callable[..., AbstractAsyncContextManager["Teams"]]


@dataclass
class Teams:
    running: Running
    connector: ConnectorFake
    issuer: TeamsIssuerFake
    graph: GraphTeams

    @property
    def services(self) -> Any:
        return self.running.container.services

    async def send(self, activity: Json) -> httpx.Response:
        activity["serviceUrl"] = self.connector.base_url
        token = self.issuer.token(audience=BOT_ID, service_url=self.connector.base_url)
        answer = await self.running.client.post(
            "/api/messages", json=activity, headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status_code == 200, answer.text
        await self.running.state["teams"].settle()  # the activity is handled after the 200
        return answer

    async def says(self, email: str, text: str, **more: Any) -> list[Json]:
        """`email` types `text` to the bot in their personal chat: what the bot answered."""
        return await self._answered(activity(email, personal(email), text, **more))

    async def mentions(self, email: str, chat: str, text: str) -> list[Json]:
        """`email` types `@Rapid Review <text>` in a group chat: what the bot answered."""
        mention = {
            "type": "mention",
            "mentioned": {"id": BOT, "name": "Rapid Review"},
            "text": "<at>Rapid Review</at>",
        }
        body = activity(email, chat, f"<at>Rapid Review</at> {text}", group=True)
        body["entities"] = [mention]
        return await self._answered(body)

    async def submits(
        self, email: str, chat: str, card_id: str, data: Json, *, group: bool = False
    ) -> list[Json]:
        """`email` presses an Action.Submit on the card `card_id`: Teams sends its data."""
        body = activity(email, chat, "", group=group, value=data, replyToId=card_id)
        body.pop("text")
        return await self._answered(body)

    async def _answered(self, body: Json) -> list[Json]:
        """What the bot sent, after this activity, where the person acted (elsewhere it
        tells the case chat, say: `since` reads that)."""
        before = len(self.connector.received)
        await self.send(body)
        return [a for a in self.since(before) if a["_chat"] == _chat_of(body)]

    def since(self, before: int) -> list[Json]:
        """Everything the bot sent or edited since `before`, in order."""
        return [
            r.activity | {"_verb": r.verb, "_id": r.activity_id, "_chat": r.conversation_id}
            for r in self.connector.received[before:]
        ]

    def group_chat(self, chat_id: str, members: list[str]) -> None:
        self.connector.add_conversation(chat_id, [aad(e) for e in members])


def _chat_of(body: Json) -> str:
    return str(body["conversation"]["id"])


def activity(email: str, chat: str, text: str, *, group: bool = False, **changes: Any) -> Json:
    body: Json = {
        "type": "message",
        "id": f"1{next(_IDS):012d}",
        "timestamp": datetime.now(UTC).isoformat(),
        "channelId": "msteams",
        "serviceUrl": "",  # set by the test's connector
        "from": {"id": f"29:{aad(email)}", "name": "Someone", "aadObjectId": aad(email)},
        "conversation": {
            "id": chat,
            "conversationType": "groupChat" if group else "personal",
            "isGroup": group,
            "tenantId": TENANT,
        },
        "recipient": {"id": BOT, "name": "Rapid Review"},
        "text": text,
        "channelData": {"tenant": {"id": TENANT}},
    }
    body.update(changes)
    return body


def words(answer: Json) -> str:
    """What a person reads in one answer: its text and every TextBlock of its cards."""
    parts = [str(answer.get("text") or "").replace("<br>", "\n")]
    for attachment in answer.get("attachments") or []:
        content = attachment.get("content") or {}
        parts += [str(e.get("text", "")) for e in content.get("body", []) if "text" in e]
    return "\n".join(p for p in parts if p)


def the_one(answers: list[Json], *, edits: str | None = None, starting: str = "") -> Json:
    """Among what the bot sent where someone acted (a case chat is also told what changed,
    and its card edited), the answer to them: the card `edits` edited, or the words."""
    (found,) = [
        a
        for a in answers
        if (edits is None or a["_id"] == edits)
        and words(a).startswith(starting)
        and not (edits is None and a["_verb"] == "update")
    ]
    return found


def card_actions(answer: Json) -> list[Json]:
    found: list[Json] = []
    for attachment in answer.get("attachments") or []:
        content = attachment.get("content") or {}
        found += content.get("actions", [])
        for element in content.get("body", []):
            found += element.get("actions", [])
    return found


async def held_meeting(teams: Teams, ref: str) -> None:
    """The case's meeting booked, accepted by all and held: the decision is next."""
    s = teams.services
    clock = teams.running.container.ctx.clock
    assert isinstance(clock, SimulatedClock)
    clock.set(datetime(2026, 12, 21, 10, 0, tzinfo=LONDON))
    offer = await s.find_slots(case_ref=ref, actor=CHAIR)
    meeting = await s.book_meeting(case_ref=ref, slot=offer.proposal.slots[0], actor=CHAIR)
    for email in meeting.invitations:
        await s.record_response(case_ref=ref, email=email, response=Response.ACCEPTED, actor=email)
    clock.set(meeting.start)
    await s.record_attendance(case_ref=ref, present=sorted(meeting.invitations), actor=OFFICER)
