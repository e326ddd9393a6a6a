"""End to end: a notification posted to the server opens a private, correctly named Slack
channel with the right people, its topic, and one pinned case card."""

from __future__ import annotations

from bot.directories import load_directory
from tests.fakes.slack_api import BOT_TOKEN, SlackApiFake
from tests.integration.http.harness import TOKEN, notification, serving, settings_for


async def test_a_notification_opens_a_private_case_channel_in_slack(
    slack_api: SlackApiFake, database_url: str
) -> None:
    everyone = [p.email for p in load_directory().people]
    for email in everyone:
        if not email.endswith("@gp.example.org"):  # the GP practice is outside Slack
            slack_api.add_user(email)
    settings = settings_for(
        database_url,
        slack_bot_token=BOT_TOKEN,
        slack_api_url=slack_api.base_url,
        public_base_url="https://rrbot.example.org",
    )
    async with serving(settings) as running:
        reply = await running.client.post(
            "/notifications", json=notification(), headers={"Authorization": f"Bearer {TOKEN}"}
        )
    assert reply.status_code == 201, reply.text
    (channel,) = [c for c in slack_api.channels.values() if c.name == "llr-rr-2026-001"]
    assert channel.is_private
    assert "Jamie" not in channel.topic and channel.topic.startswith("LLR-RR-2026-001 · ")
    assert len(channel.members) >= 10  # the office, the partners and the involved SPOCs
    assert len(slack_api.pins[channel.id]) == 1  # one case card, pinned
    assert [(b["title"], b["link"]) for b in slack_api.bookmarks[channel.id]] == [
        ("Timetable", "https://rrbot.example.org/timetable/llr?notified=2026-12-18"),
        ("Decision record form", "https://rrbot.example.org/decision-record"),
    ]
    assert slack_api.counts()["conversations.create"] == 1
    posts = [str(c.args.get("text", "")) for c in slack_api.calls_to("chat.postMessage")]
    (missing,) = [p for p in posts if "Not in this channel" in p]
    assert "Dr Oli Danvers" in missing  # the GP is not in the workspace; the chair is told
    chair = slack_api.emails["chris.lindqvist@partnership.example.org"]
    assert missing.startswith(f"<@{chair}> ")  # a mention Slack turns into a notification
