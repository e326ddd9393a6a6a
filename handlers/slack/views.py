"""Block Kit for the forms and screens of the Slack surface: the return, decision and new-case
modals, the App Home and the meeting slots with their Book buttons.

Every input block's `block_id` is the name of the field it fills (handlers/slack/forms.py reads
them back), so a validation error names its block and Slack shows it under that field.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.adapters.slack.card import escape
from bot.domain.decision import TEXT_MAX_CHARS, Criterion, DecisionRecord, ReviewOutcome
from bot.domain.notification import NAME_MAX_CHARS, NAMES_MAX
from bot.services.context import ServiceContext
from bot.services.meetings import SlotOffer
from bot.services.presence import CaseAtAGlance
from handlers.render import invitation_lines, slot_line, slots_heading

Block = dict[str, Any]
RETURN_MODAL = "return_modal"
DECISION_MODAL = "decision_modal"
NEW_CASE_MODAL = "new_case_modal"
BOOK_SLOT = "book_slot"
# The new-case form's names, comma-separated: as many as a notification may hold.
CHILD_NAMES_MAX_CHARS = NAMES_MAX * (NAME_MAX_CHARS + 2)
_RAG_MARK = {
    "red": ":red_circle: Red",
    "amber": ":large_orange_circle: Amber",
    "green": ":large_green_circle: Green",
}


def _text(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:75]}


def _option(value: str, label: str) -> dict[str, Any]:
    return {"text": _text(label), "value": value[:150]}


def _input(
    field: str, label: str, element: dict[str, Any], *, optional: bool = False, hint: str = ""
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": field,
        "label": _text(label),
        "element": {"action_id": "value", **element},
        "optional": optional,
    }
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint[:150]}
    return block


def _words(field: str, label: str, *, optional: bool = False, hint: str = "") -> Block:
    element = {"type": "plain_text_input", "multiline": True, "max_length": TEXT_MAX_CHARS}
    return _input(field, label, element, optional=optional, hint=hint)


def _yes_no(field: str, label: str) -> Block:
    options = [_option("yes", "Yes"), _option("no", "No")]
    return _input(field, label, {"type": "radio_buttons", "options": options})


def _modal(callback: str, title: str, submit: str, meta: str, blocks: list[Block]) -> Block:
    return {
        "type": "modal",
        "callback_id": callback,
        "private_metadata": meta,
        "title": _text(title[:24]),
        "submit": _text(submit),
        "close": _text("Cancel"),
        "blocks": blocks,
    }


def decision_modal(
    case_ref: str, agencies: Sequence[tuple[str, str]], deciders: Sequence[tuple[str, str]]
) -> Block:
    """Every field of the decision record (DOMAIN.md §7); `agencies` and `deciders` are
    (value, label) pairs: the involved agencies and the people who may decide."""
    fields = DecisionRecord.model_fields

    def described(name: str, label: str) -> Block:
        return _words(name, label, hint=fields[name].description or "")

    agency_options = [_option(code, name) for code, name in agencies]
    blocks: list[Block] = [
        _yes_no("considered_against_criteria", "Considered against the LCSPR criteria?"),
        _input(
            "criteria_met",
            "Criteria met",
            {
                "type": "checkboxes",
                "options": [_option(c.value, c.value.replace("_", " ")) for c in Criterion],
            },
            optional=True,
        ),
        described("immediate_safeguarding", "Immediate safeguarding of the children"),
        _words("summary_of_facts", "Summary of the facts"),
        _input(
            "outcome",
            "Outcome",
            {
                "type": "static_select",
                "options": [_option(o.value, o.label) for o in ReviewOutcome],
            },
        ),
        described("outcome_reasons", "Reasons for the outcome"),
        _yes_no("national_review_recommended", "National review recommended?"),
        _words("national_review_reasons", "Reasons about a national review"),
        _words("immediate_learning", "Immediate learning"),
        _words("learning_shared_how", "How the learning is shared"),
        _words("further_learning_potential", "Potential for further learning"),
        _words(
            "no_further_learning_reasons",
            "Why no further learning is expected",
            optional=True,
            hint="Required unless the outcome is an LCSPR.",
        ),
        _input(
            "agencies_taking_part",
            "Agencies taking part",
            {
                "type": "multi_static_select",
                "options": agency_options,
                "initial_options": agency_options,
            },
        ),
        _words(
            "absent_agency_reasons",
            "Why any involved agency was absent",
            optional=True,
            hint="One line each: agency code: reason",
        ),
        _input(
            "decided_by",
            "Decided by",
            {
                "type": "multi_static_select",
                "options": [_option(email, name) for email, name in deciders],
            },
        ),
        _input("decided_on", "Decided on", {"type": "datepicker"}),
    ]
    return _modal(DECISION_MODAL, "Rapid Review decision", "Record decision", case_ref, blocks)


def new_case_modal(agencies: Sequence[tuple[str, str]]) -> Block:
    return _modal(
        NEW_CASE_MODAL,
        "New Rapid Review",
        "Open case",
        "",
        [
            _input(
                "external_ref",
                "Notifying authority's reference",
                {"type": "plain_text_input", "max_length": 64},
            ),
            _input("notified_on", "Notified on", {"type": "datepicker"}),
            _input(
                "agencies",
                "Agencies involved",
                {
                    "type": "multi_static_select",
                    "options": [_option(code, name) for code, name in agencies],
                },
            ),
            _input(
                "child_names",
                "Child's names (held privately)",
                {"type": "plain_text_input", "max_length": CHILD_NAMES_MAX_CHARS},
                optional=True,
                hint="Never shown in chat: kept so the bot can refuse them anywhere visible.",
            ),
        ],
    )


def home_view(glances: Sequence[CaseAtAGlance]) -> Block:
    blocks: list[Block] = [{"type": "header", "text": _text("Your Rapid Reviews")}]
    if not glances:
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": "You are not on any open case."},
            }
        )
    for g in glances[:45]:
        mark = _RAG_MARK[g.standing.rag.value]
        blocks.append(
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"{mark} *{g.ref}*  {g.stage}\nNext: {g.next_deadline}\n"
                    f"_{g.standing.reason}_",
                },
            }
        )
    return {"type": "home", "blocks": blocks}


def slot_blocks(ctx: ServiceContext, case_ref: str, offer: SlotOffer) -> list[Block]:
    """The ranked slots, each quorate one with a Book button carrying its start time (the
    button books that time if it is still free and quorate when pressed)."""
    heading = escape("\n".join(slots_heading(offer) + invitation_lines(ctx, offer)))
    blocks: list[Block] = [{"type": "section", "text": {"type": "mrkdwn", "text": heading}}]
    for i, slot in enumerate(offer.proposal.slots[:40], start=1):
        block: Block = {
            "type": "section",
            "text": {"type": "mrkdwn", "text": slot_line(ctx, i, slot)},
        }
        if slot.quorum.met:
            block["accessory"] = {
                "type": "button",
                "action_id": BOOK_SLOT,
                "value": f"{case_ref}|{slot.start.isoformat()}",
                "text": _text("Book"),
                "style": "primary",
            }
        blocks.append(block)
    return blocks


FIND_SLOTS = "find_slots"
TRY_AGAIN = "Try again"


def try_again_blocks(text: str, action_id: str, value: str) -> list[Block]:
    """What a person's failed action says, with a button that does the same thing again (the
    outbox retries only its own rows: this action is theirs to repeat)."""
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {
            "type": "actions",
            "elements": [
                {"type": "button", "action_id": action_id, "value": value, "text": _text(TRY_AGAIN)}
            ],
        },
    ]
