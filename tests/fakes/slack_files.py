"""Slack's current file upload flow, as the fake serves it (docs.slack.dev, the methods
files.getUploadURLExternal and files.completeUploadExternal).

1. files.getUploadURLExternal(filename, length) answers a `file_id` and an `upload_url`;
2. the bytes are POSTed to that URL (the fake's `/upload/{file_id}`), which answers 200;
3. files.completeUploadExternal(files=[{id, title}], channel_id, initial_comment) shares the
   file in the channel, its message the initial comment. Until then nobody sees the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tests.fakes.slack_methods import method
from tests.fakes.slack_model import Args, Message, Reply, SlackError, required, usable_channel

if TYPE_CHECKING:
    from tests.fakes.slack_api import SlackApiFake


@dataclass
class Upload:
    """A file between getUploadURLExternal and completeUploadExternal, then shared."""

    id: str
    owner: str
    filename: str
    length: int
    content: bytes | None = None  # what arrived at the upload URL
    channel: str | None = None  # where complete shared it
    title: str = ""
    comment: str = ""
    ts: str = ""  # the message that shares it

    def reply(self) -> Reply:
        return {"id": self.id, "name": self.filename, "title": self.title or self.filename}


@method("files.getUploadURLExternal")
def files_get_upload_url_external(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    required(args, "filename", "length")
    try:
        length = int(args["length"])
    except ValueError:
        raise SlackError("invalid_arguments", "[ERROR] length must be an integer") from None
    if length <= 0:
        raise SlackError("missing_argument")  # Slack's answer to a length of 0
    file_id = f"F{next(fake.ids):09d}"
    fake.uploads[file_id] = Upload(file_id, caller, str(args["filename"]), length)
    return {"file_id": file_id, "upload_url": fake.upload_url(file_id)}


@method("files.completeUploadExternal")
def files_complete_upload_external(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    required(args, "files")
    listed = _files(args["files"])
    channel = None
    if args.get("channel_id"):
        channel = usable_channel(fake, {"channel": args["channel_id"]}, caller)
    uploads = []
    for item in listed:
        upload = fake.uploads.get(str(item.get("id")))
        if upload is None or upload.owner != caller or upload.content is None:
            raise SlackError("file_not_found")  # unknown, someone else's, or never uploaded
        if len(upload.content) != upload.length:
            raise SlackError("file_upload_size_mismatch")  # not the length announced
        uploads.append((upload, str(item.get("title") or "")))
    ts = fake.ts()
    comment = str(args.get("initial_comment") or "")
    for upload, title in uploads:
        upload.title, upload.comment = title, comment
        if channel is not None:
            upload.channel, upload.ts = channel.id, ts
    if channel is not None:
        fake.messages.setdefault(channel.id, {})[ts] = Message(ts, caller, comment)
    return {"files": [upload.reply() for upload, _ in uploads]}


def _files(raw: Any) -> list[dict[str, Any]]:
    try:
        listed = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        raise SlackError("invalid_arguments", "[ERROR] files must be JSON") from None
    if not isinstance(listed, list) or not listed or not all(isinstance(f, dict) for f in listed):
        raise SlackError("invalid_arguments", "[ERROR] files must be a list of {id, title}")
    return listed
