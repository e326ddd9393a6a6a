"""Kent 2024 through Slack and Outlook: the invitation is the playbook's meeting audience.

The chair, the three decision makers and the Business Team are invited; of the five involved
agencies' SPOCs at most two may attend for information only, so the schedule answer says who
is left out and why, the chair chooses two, and the Outlook invitation holds exactly those
people, as the slot ranking counted them. No independent advisor sits in this meeting."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.fakes.graph_api import GraphApiFake
from tests.fakes.slack_api import SlackApiFake
from tests.integration.graph.support import graph_settings
from tests.integration.http.harness import Running, serving
from tests.integration.slack.slack_app import (
    CHAIR,
    answered,
    button,
    command,
    interaction,
    open_case,
    slack_settings,
    workspace,
)

AGENCIES = ["la", "police", "icb", "hospital", "gp", "school", "probation", "housing"]
REQUIRED = {
    CHAIR,
    "dana.whitlock@council.example.org",  # the three decision makers
    "gray.osei@police.example.org",
    "jo.ferreira@icb.example.org",
    "bo.adeyemi@partnership.example.org",  # the Business Team
    "casey.hart@partnership.example.org",
}
CHOSEN = {"max.idowu@hospital.example.org", "quinn.abara@school.example.org"}


@pytest.fixture
async def running(
    slack_api: SlackApiFake, graph_api: GraphApiFake, database_url: str
) -> AsyncIterator[Running]:
    for email in workspace(slack_api):
        graph_api.add_person(email, [])
    graph_api.add_person("oli.danvers@gp.example.org", [])  # not in Slack: by email
    outlook = graph_settings(graph_api, graph_ca_bundle=graph_api.ca_file)
    settings = slack_settings(
        database_url,
        slack_api,
        playbook="kent-2024",
        **{k: getattr(outlook, k) for k in outlook.model_fields_set},
    )
    async with serving(settings) as running:
        yield running


def shown_lines(text: str | None) -> list[str]:
    assert text is not None
    return text.splitlines()


def attendees(graph_api: GraphApiFake, kind: str) -> set[str]:
    (event,) = graph_api.events.values()
    return {a["emailAddress"]["address"] for a in event.attendees if a["type"] == kind}


def last_blocks(slack_api: SlackApiFake) -> list[Any]:
    return [r for r in slack_api.responses if r.get("blocks")][-1]["blocks"]


async def test_kent_2024_invites_its_audience_and_two_information_only_attendees_the_chair_chose(
    running: Running, slack_api: SlackApiFake, graph_api: GraphApiFake
) -> None:
    ref = await open_case(running, agencies=AGENCIES)
    chair = slack_api.emails[CHAIR]

    _, first = await command(running, slack_api, chair, "schedule", channel=ref.lower())
    assert shown_lines(first)[1] == (
        "Not invited: Max Idowu (Hospitals NHS Trust), Dr Oli Danvers (Riverside GP Practice),"
        " Quinn Abara (Northfield Primary School), Sam Ellery (Probation Service) and Uma Rowe"
        " (Housing Services): Kent Safeguarding Children Multi-Agency Partnership (2024"
        " guidance) allows at most 2 attendees for information only, 5 agencies could send"
        " someone and the chair has not chosen which. Choose up to 2 before booking:"
        f" /rapidreview observers {ref} &lt;agency&gt; &lt;agency&gt; (hospital, gp, school,"
        " probation, housing)"
    )
    assert " 6 of 6 free, quorate" in shown_lines(first)[2]
    heading = last_blocks(slack_api)[0]["text"]["text"]  # the same words above the buttons
    assert f"/rapidreview observers {ref} &lt;agency&gt; &lt;agency&gt; (hospital," in heading

    _, chosen = await command(
        running, slack_api, chair, "observers hospital school", channel=ref.lower()
    )
    assert chosen == (
        f"For information only at the {ref} meeting: Max Idowu (Hospitals NHS Trust) and"
        f" Quinn Abara (Northfield Primary School). Book: /rapidreview schedule {ref}"
    )

    _, offer = await command(running, slack_api, chair, "schedule", channel=ref.lower())
    lines = shown_lines(offer)
    assert lines[1] == (
        "For information only (at most 2 may attend): Max Idowu (Hospitals NHS Trust) and"
        " Quinn Abara (Northfield Primary School)."
    )
    assert lines[2] == (
        "Not invited: Dr Oli Danvers (Riverside GP Practice), Sam Ellery (Probation Service)"
        " and Uma Rowe (Housing Services): Kent Safeguarding Children Multi-Agency Partnership"
        " (2024 guidance) allows at most 2 attendees for information only, not chosen by the"
        f" chair. To change who: /rapidreview observers {ref} &lt;agency&gt; &lt;agency&gt;"
        " (hospital, gp, school, probation, housing)"
    )
    # Ranked over exactly the people the invitation goes to: six required and two observers.
    assert " 8 of 8 free, quorate" in lines[3]
    book = next(b["accessory"]["value"] for b in last_blocks(slack_api) if "accessory" in b)

    await interaction(running, button(slack_api, chair, "book_slot", book, key="book"))
    assert (await answered(running, slack_api, "book"))["text"] == f"Booked {ref}: 8 invited."
    assert attendees(graph_api, "required") == REQUIRED
    assert attendees(graph_api, "optional") == CHOSEN
    case = (await running.container.services.status(case_ref=ref, actor=CHAIR)).case
    assert case.meeting is not None and case.meeting.information_only() == CHOSEN
