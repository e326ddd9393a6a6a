"""A file posted in a Slack channel through Slack's current upload flow.

`files_upload_v2` makes three requests: files.getUploadURLExternal (a file id and a one-off
upload URL), a POST of the bytes to that URL, and files.completeUploadExternal, which shares
the file in the channel with its message. Until complete succeeds the upload belongs to no
channel and nobody sees it; Slack drops it. So a run that fails between the upload and
complete leaves nothing posted, and the outbox's rerun uploads afresh and posts the file once.
The sent-once record (schedules/sent_once.py) is written after complete: only a crash between
complete and that record could post the file twice, the same window every message has.

429 and 5xx are retried by the client's handlers (client.py), the upload POST included; what
still fails is raised as ChatUnavailable for the outbox to try again later.
"""

from __future__ import annotations

import time

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.client import error_code
from bot.adapters.slack.errors import ChatUnavailable
from bot.logging import get_logger
from bot.ports import Attachment

log = get_logger(__name__)

METHOD = "files.upload_v2"  # how the three steps are named in logs and errors


async def upload_file(
    client: AsyncWebClient, *, channel: str, document: Attachment, text: str
) -> str:
    """Post `document` in `channel` with `text` as its message: the file's id. Neither the
    text nor the file's name is logged (the name is the caller's; the text may name people)."""
    started = time.perf_counter()
    try:
        reply = await client.files_upload_v2(
            channel=channel,
            content=document.content,
            filename=document.name,
            title=document.name,
            initial_comment=text,
        )
    except SlackApiError as exc:  # getUploadURLExternal or completeUploadExternal refused
        code = error_code(exc.response)
        log.info("slack_call", method=METHOD, outcome=code, ms=_ms(started))
        raise ChatUnavailable(METHOD, code) from None  # the error holds the token's request
    except SlackRequestError:  # the upload URL refused the bytes; its message repeats them
        log.warning("slack_call", method=METHOD, outcome="upload_refused", ms=_ms(started))
        raise ChatUnavailable(METHOD, "upload_refused") from None
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("slack_call", method=METHOD, outcome="unreachable", ms=_ms(started))
        raise ChatUnavailable.unreachable(METHOD, exc) from None
    log.info("slack_call", method=METHOD, outcome="ok", ms=_ms(started))
    posted = reply.get("file") or {}
    file_id = posted.get("id") if isinstance(posted, dict) else None
    if not file_id:
        raise ChatUnavailable(METHOD, "no_file_id", "Slack posted the file but did not say its id")
    return str(file_id)


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
