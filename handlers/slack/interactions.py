"""Buttons, modals and events: what people do in Slack besides typing `/rapidreview`.

Each listener acks first. A modal is validated before its ack, so a wrong field is shown under
that field (`response_action: errors`) and nothing typed is lost; the recording itself runs
after the ack and its outcome reaches the person as a message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.chat import SlackChat
from bot.bootstrap import Container
from bot.domain.authorisation import Operation, authorise
from bot.domain.errors import DomainError, Unavailable
from bot.domain.requests import ReturnKind
from bot.domain.stages import Action, next_stage
from bot.logging import get_logger
from bot.services.delivery import Medium
from bot.services.facade import Services
from bot.services.replies import receipt, with_files
from handlers.render import render_slots
from handlers.slack import forms, return_form, views
from handlers.slack.after_ack import AfterAck
from handlers.slack.answers import Answers
from handlers.slack.button_values import about, ref_or_none, slot_start
from handlers.slack.loose_replies import not_a_request_reply
from handlers.slack.people import SlackPeople

log = get_logger(__name__)
Body = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Press:
    email: str  # who pressed, from the directory
    case_ref: str
    detail: str  # what the button is about: an agency, a principal, a slot's start


@dataclass(frozen=True, slots=True)
class Answer:
    text: str
    blocks: list[dict[str, Any]] | None = None
    replace: bool = False  # rewrite the message whose button was pressed


Act = Callable[[Press], Awaitable[Answer | None]]
NOT_KNOWN = "Sorry: the bot cannot find you in the partnership directory."
UNEXPECTED = (
    "Sorry: that went wrong on the bot's side. Look at the case channel to see whether it"
    " happened before trying again."
)


class Interactions:
    def __init__(
        self,
        container: Container,
        client: AsyncWebClient,
        people: SlackPeople,
        answers: Answers,
        later: AfterAck,
    ) -> None:
        self.services: Services = container.services
        chat = container.ctx.chat
        self.chat = chat if isinstance(chat, SlackChat) else SlackChat(client)
        self.client = client
        self.people = people
        self.answers = answers
        self.later = later

    # -- helpers ---------------------------------------------------------------------------

    async def tell(self, user_id: str, text: str) -> None:
        """A message to the person from the bot, in their DM with it."""
        opened = await self.client.conversations_open(users=user_id)
        await self.client.chat_postMessage(channel=str(opened["channel"]["id"]), text=text)

    async def email(self, body: Body) -> str | None:
        return await self.people.email_of(str(body.get("user", {}).get("id", "")))

    async def on_press(self, body: Body, act: Act) -> None:
        """A button's work for the person who pressed it: the answer goes to them alone (or
        replaces the pressed message); a refusal is said in words, nothing half-done."""
        url = str(body.get("response_url", ""))
        email = await self.email(body)
        if email is None:
            await self.answers.send(url, NOT_KNOWN)
            return
        first, second = about(body)
        try:
            answer = await act(Press(email, first, second))
        except Unavailable as err:  # nothing retries a person's press: offer it again
            said = f"Sorry: {self.chat.escape(err.message)}"
            pressed = (body.get("actions") or [{}])[0]
            again = views.try_again_blocks(
                said, str(pressed.get("action_id", "")), str(pressed.get("value", ""))
            )
            await self.answers.send(url, said, blocks=again)
            return
        except DomainError as err:
            await self.answers.send(url, f"Sorry: {self.chat.escape(err.message)}")
            return
        except Exception as err:  # never a silent drop: the person hears, the log says what
            log.error("button_failed", case_ref=ref_or_none(first), error=type(err).__name__)
            await self.answers.send(url, UNEXPECTED)
            return
        if answer is not None:
            await self.answers.send(url, answer.text, blocks=answer.blocks, replace=answer.replace)

    # -- information returns ---------------------------------------------------------------

    async def open_return_form(self, body: Body) -> None:
        async def act(press: Press) -> Answer | None:
            await self.services.check(
                case_ref=press.case_ref,
                actor=press.email,
                operation=Operation.RECORD_RETURN,
                agency=press.detail,
            )
            agency_name = self.services.ctx.agency_name(press.detail)
            view = return_form.return_modal(press.case_ref, press.detail, agency_name)
            await self.client.views_open(trigger_id=str(body["trigger_id"]), view=view)
            return None

        await self.on_press(body, act)

    async def answer_reply(
        self,
        user_id: str,
        case_ref: str,
        agency: str,
        text: str,
        kind: ReturnKind | None = None,
        *,
        may_add: bool = True,
    ) -> tuple[bool, str]:
        """Record a reply to a request (the return, or an addition to it): whether it was
        recorded, and the one receipt (or refusal) to give where the person acted."""
        email = await self.people.email_of(user_id)
        if email is None:
            return False, NOT_KNOWN
        try:
            reply = await self.services.reply_to_request(
                case_ref=case_ref, agency=agency, text=text, actor=email, kind=kind, may_add=may_add
            )
        except DomainError as err:
            return False, f"Sorry: {self.chat.escape(err.message)}"
        return True, receipt(self.services.ctx, reply, Medium.CHAT)

    async def no_involvement(self, body: Body) -> None:
        case_ref, agency = about(body)
        user = str(body["user"]["id"])
        done, said = await self.answer_reply(
            user, case_ref, agency, "No involvement.", ReturnKind.NIL, may_add=False
        )
        url = str(body.get("response_url", ""))
        original = str(body.get("message", {}).get("text", ""))
        if done:  # the buttons go: the request is answered
            await self.answers.send(url, f"{original}\n{said}", replace=True)
        else:
            await self.answers.send(url, said)

    async def return_submitted(self, ack: AsyncAck, body: Body) -> None:
        """The reply template from the form: the agency's return, or its next version (a
        partial return completed). Free text typed in a thread stays the summary, as before."""
        view = body["view"]
        today = self.services.ctx.today()
        form = await _accepted(ack, lambda: return_form.read_return(view["state"]["values"], today))
        if form is None:
            return
        case_ref, _, agency = str(view.get("private_metadata", "")).partition("|")
        user = str(body["user"]["id"])

        async def record() -> None:
            await self.tell(user, await self.answer_template(user, case_ref, agency, form))

        self.later.submit(record)

    async def answer_template(
        self, user_id: str, case_ref: str, agency: str, form: return_form.ReturnForm
    ) -> str:
        """Record the form's return: the one receipt, or the refusal, to tell the person."""
        email = await self.people.email_of(user_id)
        if email is None:
            return NOT_KNOWN
        try:
            reply = await self.services.reply_with_structured_return(
                case_ref=case_ref,
                agency=agency,
                structured=form.structured,
                actor=email,
                files=form.files,
            )
        except DomainError as err:
            return f"Sorry: {self.chat.escape(err.message)}"
        return receipt(self.services.ctx, reply, Medium.CHAT)

    async def direct_message(self, event: Body) -> None:
        """A message to the bot in its direct messages. In the thread of a request it is the
        reply to that request; anywhere else it answers the one request the person still
        owes (or may add to), and when there are several or none they are told how to reply.
        Never silence, and never an answer to the bot's own messages."""
        if event.get("bot_id"):
            return
        channel, user = str(event.get("channel", "")), str(event.get("user", ""))
        thread = str(event.get("thread_ts") or "")
        files = [str(f.get("name", "file")) for f in event.get("files") or []]
        text = with_files(str(event.get("text") or ""), files)
        request = None
        if thread and thread != event.get("ts"):
            request = await self.chat.request_of_thread(channel=channel, thread_ts=thread)
        if request is not None:
            _, said = await self.answer_reply(user, request.case_ref, request.agency, text)
        else:
            said = await self.reply_elsewhere(user, text, brings_files=bool(files))
        await self.client.chat_postMessage(channel=channel, thread_ts=thread or None, text=said)

    async def reply_elsewhere(self, user_id: str, text: str, *, brings_files: bool) -> str:
        """Outside a request's thread: the one request the person owes takes the message;
        a return already made takes only files (the "attached below"), so a "thanks" after
        the receipt is answered, not added to the return."""
        email = await self.people.email_of(user_id)
        if email is None:
            return NOT_KNOWN
        awaited = await self.services.requests_awaiting(email=email)
        if len(awaited) == 1 and (brings_files or not awaited[0].returned):
            (only,) = awaited
            _, said = await self.answer_reply(user_id, only.case_ref, only.agency, text)
            return said
        return not_a_request_reply(self.services.ctx, awaited, self.chat.escape)

    # -- decision ---------------------------------------------------------------------------

    async def open_decision_form(self, trigger_id: str, email: str, case_ref: str) -> None:
        """Refuse before the form opens: not the chair, not on the case, not decidable yet."""
        case = await self.services.check(
            case_ref=case_ref, actor=email, operation=Operation.RECORD_DECISION
        )
        next_stage(case.ref, case.stage, Action.RECORD_DECISION)
        ctx = self.services.ctx
        agencies = [(code, ctx.agency_name(code)) for code in case.agencies]
        deciders = [(e, ctx.name(e)) for e in [*ctx.chairs(), *ctx.partner_decision_makers()]]
        view = views.decision_modal(case.ref, agencies, list(dict.fromkeys(deciders)))
        await self.client.views_open(trigger_id=trigger_id, view=view)

    async def decision_submitted(self, ack: AsyncAck, body: Body) -> None:
        view = body["view"]
        record = await _accepted(ack, lambda: forms.read_decision(view["state"]["values"]))
        if record is None:
            return
        case_ref, user = str(view.get("private_metadata", "")), str(body["user"]["id"])

        async def record_it() -> None:
            email = await self.people.email_of(user)
            if email is None:
                await self.tell(user, NOT_KNOWN)
                return
            try:
                case = await self.services.record_decision(
                    case_ref=case_ref, record=record, actor=email
                )
            except DomainError as err:
                await self.tell(
                    user, f"Sorry: {self.chat.escape(err.message)} Nothing was recorded."
                )
                return
            await self.tell(user, f"Decision recorded for {case.ref}: {record.outcome.label}.")

        self.later.submit(record_it)

    # -- new case ---------------------------------------------------------------------------

    async def open_new_case_form(self, trigger_id: str, email: str) -> None:
        ctx = self.services.ctx
        authorise(ctx.directory, email, Operation.OPEN_CASE)
        agencies = [(a.code, a.name) for a in ctx.directory.agencies]
        await self.client.views_open(trigger_id=trigger_id, view=views.new_case_modal(agencies))

    async def new_case_submitted(self, ack: AsyncAck, body: Body) -> None:
        values, today = body["view"]["state"]["values"], self.services.ctx.today()
        notification = await _accepted(ack, lambda: forms.read_new_case(values, today))
        if notification is None:
            return
        user = str(body["user"]["id"])

        async def open_it() -> None:
            email = await self.people.email_of(user)
            if email is None:
                await self.tell(user, NOT_KNOWN)
                return
            try:
                opened = await self.services.receive_notification(
                    notification=notification, actor=email
                )
            except DomainError as err:
                await self.tell(user, f"Sorry: {self.chat.escape(err.message)}")
                return
            verb = "Opened" if opened.created else "That notification is already open as"
            await self.tell(user, f"{verb} {opened.case.ref}.")

        self.later.submit(open_it)

    # -- meeting slots -----------------------------------------------------------------------

    async def book_slot(self, body: Body) -> None:
        """Book the pressed slot if it is still on offer (diaries change between the offer
        and the press); otherwise say so. A case already booked, or being booked by someone
        else, is refused before any diary is read."""

        async def act(press: Press) -> Answer:
            start = slot_start(press.case_ref, press.detail)
            meeting = await self.services.book_offered_start(
                case_ref=press.case_ref, start=start, actor=press.email
            )
            booked = f"Booked {press.case_ref}: {len(meeting.invitations)} invited."
            return Answer(booked, replace=True)

        await self.on_press(body, act)

    async def invite_deputy(self, body: Body) -> None:
        """The remedy button under a broken-quorum alert: invite the decision maker's deputy."""

        async def act(press: Press) -> Answer:
            deputy = await self.services.invite_deputy(
                case_ref=press.case_ref, principal=press.detail, actor=press.email
            )
            return Answer(f"Invited {self.services.ctx.name(deputy)}.")

        await self.on_press(body, act)

    async def offer_slots(self, body: Body) -> None:
        """The other remedy: the quorate slots still inside the window, with Book buttons."""

        async def act(press: Press) -> Answer:
            ctx = self.services.ctx
            offer = await self.services.find_slots(case_ref=press.case_ref, actor=press.email)
            blocks = views.slot_blocks(ctx, press.case_ref, offer)
            return Answer(render_slots(ctx, offer), blocks)

        await self.on_press(body, act)

    # -- presence ---------------------------------------------------------------------------

    async def publish_home(self, event: Body) -> None:
        if event.get("tab", "home") != "home":
            return
        user = str(event.get("user", ""))
        email = await self.people.email_of(user)
        glances = await self.services.cases_of(email=email) if email else []
        await self.client.views_publish(user_id=user, view=views.home_view(glances))

    async def member_joined(self, event: Body, bot_user: str | None) -> None:
        user = str(event.get("user", ""))
        if user == bot_user:
            return
        email = await self.people.email_of(user)
        await self.services.someone_joined(channel=str(event.get("channel", "")), email=email)


async def _accepted(ack: AsyncAck, read: Callable[[], T]) -> T | None:
    """Read a submitted form: closed with an ack when it is valid, else kept open with each
    problem under its field (`response_action: errors`), nothing the person typed lost."""
    try:
        value = read()
    except forms.Invalid as invalid:
        await ack(response_action="errors", errors=invalid.errors)
        return None
    await ack()
    return value
