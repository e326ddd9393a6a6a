"""A file posted in a case channel through Slack's current upload flow: the real
AsyncWebClient (files_upload_v2) against the Slack Web API fake."""

from __future__ import annotations

import pytest
from structlog.testing import capture_logs

from bot.adapters.slack.chat import SlackChat
from bot.adapters.slack.errors import ChatUnavailable
from bot.adapters.slack.scopes import SCOPE_OF_METHOD, bot_scopes
from bot.ports import WORD_CONTENT_TYPE, Attachment
from tests.fakes.slack_api import BOT_USER, SlackApiFake

SUMMARY = Attachment(
    "LLR-RR-2026-014-combined-summary-v1.docx",
    bytes(range(256)) * 40 + b"PK\x03\x04\x00\r\n",  # every byte value: nothing re-encoded
    WORD_CONTENT_TYPE,
)
MESSAGE = "The papers for Thursday's meeting (version 1)."


async def test_the_file_arrives_intact_in_the_channel_with_its_message(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    channel = slack_api.add_channel("llr-rr-2026-014")

    file_id = await chat.post_file(channel=channel, document=SUMMARY, text=MESSAGE)

    (shared,) = slack_api.files_in(channel)
    assert shared.id == file_id
    assert (shared.content, shared.filename, shared.comment) == (
        SUMMARY.content,
        SUMMARY.name,
        MESSAGE,
    )
    assert [c.method for c in slack_api.calls] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]
    (message,) = slack_api.messages[channel].values()
    assert (message.user, message.text) == (BOT_USER, MESSAGE)


async def test_a_refusal_is_our_error_naming_the_flow_and_slacks_code_only(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    theirs = slack_api.add_channel("someone-elses", members={"U0HUMAN001"})

    with capture_logs() as logs, pytest.raises(ChatUnavailable) as refused:
        await chat.post_file(channel=theirs, document=SUMMARY, text=MESSAGE)

    assert refused.value.message == "Slack refused files.upload_v2: channel_not_found"
    assert slack_api.files_in(theirs) == []
    logged = repr(logs)
    assert SUMMARY.name not in logged and MESSAGE not in logged


async def test_a_rate_limit_and_a_flaky_upload_url_are_retried_by_the_client(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    channel = slack_api.add_channel("llr-rr-2026-014")
    slack_api.fail("files.getUploadURLExternal", status=429, retry_after=0)
    slack_api.fail("upload", status=503)

    await chat.post_file(channel=channel, document=SUMMARY, text=MESSAGE)

    assert [u.content for u in slack_api.files_in(channel)] == [SUMMARY.content]
    assert slack_api.counts()["upload"] == 2


async def test_an_upload_url_that_keeps_failing_is_our_error_without_the_reply(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    channel = slack_api.add_channel("llr-rr-2026-014")
    slack_api.fail("upload", status=500, times=4)  # the first try and three retries

    with pytest.raises(ChatUnavailable) as refused:
        await chat.post_file(channel=channel, document=SUMMARY, text=MESSAGE)

    assert refused.value.message == "Slack refused files.upload_v2: upload_refused"
    assert "files.completeUploadExternal" not in slack_api.counts()
    assert slack_api.files_in(channel) == []


async def test_a_failure_between_upload_and_complete_leaves_one_file_after_the_rerun(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    channel = slack_api.add_channel("llr-rr-2026-014")
    slack_api.fail("files.completeUploadExternal", error="internal_error")

    with pytest.raises(ChatUnavailable):
        await chat.post_file(channel=channel, document=SUMMARY, text=MESSAGE)
    assert slack_api.files_in(channel) == []  # uploaded, never shared: nobody sees it

    await chat.post_file(channel=channel, document=SUMMARY, text=MESSAGE)  # the outbox's rerun

    assert [u.content for u in slack_api.files_in(channel)] == [SUMMARY.content]
    assert len(slack_api.messages[channel]) == 1


async def test_posting_a_file_calls_only_methods_the_manifest_covers_with_files_write(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    channel = slack_api.add_channel("llr-rr-2026-014")

    await chat.post_file(channel=channel, document=SUMMARY, text=MESSAGE)

    web_api = {c.method for c in slack_api.calls} - {"upload"}  # the upload URL is no method
    assert {SCOPE_OF_METHOD[m] for m in web_api} == {"files:write"}
    assert "files:write" in bot_scopes()
