"""Which Slack action, view and event goes to which `Interactions` method: ack first, then
the work (after the ack, where it calls outside services)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from handlers.slack import views
from handlers.slack.interactions import Body, Interactions


def register(app: AsyncApp, interactions: Interactions) -> None:
    i = interactions
    later = i.later

    @app.action("submit_return")
    async def submit_return(ack: AsyncAck, body: Body) -> None:
        await ack()
        await i.open_return_form(body)  # now: a trigger id lives three seconds

    @app.action("no_involvement")
    async def no_involvement(ack: AsyncAck, body: Body) -> None:
        await ack()
        later.submit(lambda: i.no_involvement(body))

    @app.action(views.BOOK_SLOT)
    async def book(ack: AsyncAck, body: Body) -> None:
        await ack()
        later.submit(lambda: i.book_slot(body))

    @app.action("invite_deputy")
    async def deputy(ack: AsyncAck, body: Body) -> None:
        await ack()
        later.submit(lambda: i.invite_deputy(body))

    @app.action(views.FIND_SLOTS)
    async def slots(ack: AsyncAck, body: Body) -> None:
        await ack()
        later.submit(lambda: i.offer_slots(body))

    @app.view(views.RETURN_MODAL)
    async def return_view(ack: AsyncAck, body: Body) -> None:
        await i.return_submitted(ack, body)

    @app.view(views.DECISION_MODAL)
    async def decision_view(ack: AsyncAck, body: Body) -> None:
        await i.decision_submitted(ack, body)

    @app.view(views.NEW_CASE_MODAL)
    async def new_case_view(ack: AsyncAck, body: Body) -> None:
        await i.new_case_submitted(ack, body)

    @app.event("app_home_opened")
    async def home(event: Body) -> None:
        later.submit(lambda: i.publish_home(event))

    @app.event("member_joined_channel")
    async def joined(event: Body, context: dict[str, Any]) -> None:
        bot_user = context.get("bot_user_id")
        later.submit(lambda: i.member_joined(event, bot_user))

    @app.event("message")
    async def message(event: Body) -> None:
        if event.get("channel_type") == "im" and event.get("subtype") in (None, "file_share"):
            later.submit(lambda: i.direct_message(event))
