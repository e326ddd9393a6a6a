"""`rrbot export`: one case's whole record in one zip, for a subject access request or an
inquiry. The child's and family's details ARE in it (it is the record): the file is named by
the reference only and written readable by its owner alone (0600).

    <ref>/record.json      every row of the case (facts, requests, each return version and
                           addition, meeting, decision, stages and dates, papers versions and
                           hashes, outbox, mail threads, chat messages), the timetable and
                           the retention period
    <ref>/audit.jsonl      the case's audit lines with their hashes, as stored
    <ref>/documents/*.docx the documents regenerated from the stored record, built the way
                           the bot builds them; record.json says whether each one's SHA-256
                           matches the hash recorded when it was sent
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot import playbooks
from bot.adapters.db.purge import audit_lines, case_rows, sql_session
from bot.documents.combined_summary import combined_summary
from bot.documents.word import file_name, sha256_hex
from bot.domain.cases import Case, parse_ref
from bot.ports import WORD_CONTENT_TYPE, Attachment
from bot.services.context import ServiceContext
from bot.services.papers import pack_inputs
from bot.services.submission import panel_documents

ARCHIVE_MODE = 0o600  # the child's details are in it: its owner alone may read it


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"not JSON data: {type(value).__name__}")


def to_json(value: object, *, indent: int | None = None) -> str:
    return json.dumps(value, default=_plain, ensure_ascii=False, indent=indent, sort_keys=True)


@dataclass(frozen=True, slots=True)
class Exported:
    path: Path
    sha256: str
    documents: tuple[str, ...]
    audit_lines: int


def context_for(ctx: ServiceContext, case: Case) -> ServiceContext:
    """The case's own playbook (a deployment may have changed its default since)."""
    if case.playbook == ctx.playbook.key:
        return ctx
    return replace(ctx, playbook=playbooks.load(case.playbook))


def _sent_hashes(audit: list[dict[str, Any]]) -> dict[str, str]:
    """Name -> SHA-256 of every document the audit log says was sent or submitted."""
    sent: dict[str, str] = {}
    for line in audit:
        if line["action"] not in ("papers_sent", "submitted_to_panel", "panel_emailed"):
            continue
        for document in line["detail"].get("documents", []):
            if isinstance(document, dict) and "name" in document and "sha256" in document:
                sent[document["name"]] = document["sha256"]
    return sent


def regenerated_documents(ctx: ServiceContext, case: Case) -> list[Attachment]:
    """The last Combined Summary sent, and the Panel submission and letter once submitted."""
    documents: list[Attachment] = []
    if case.papers:
        last = case.papers[-1]
        inputs = pack_inputs(ctx, case, last.sent_at)
        # Papers only go out before the meeting, so no decision was in them: leave out the
        # decision recorded since, to rebuild what was sent.
        content = combined_summary(
            inputs.facts, inputs.returns, version=last.version, made_on=inputs.on
        )
        name = file_name(case.ref, "combined-summary", version=last.version)
        documents.append(Attachment(name, content, WORD_CONTENT_TYPE))
    if case.submitted_on is not None and case.decision is not None:
        documents += panel_documents(ctx, case).attachments
    return documents


async def build_archive(ctx: ServiceContext, ref: str, *, by: str) -> tuple[bytes, int, list[str]]:
    """The zip's bytes, how many audit lines it holds and its documents' names."""
    async with ctx.uow() as uow:
        case = await uow.cases.get(ref)
        session = sql_session(uow)
        rows = await case_rows(session, ref)
        audit = await audit_lines(session, ref)
    own = context_for(ctx, case)
    documents = regenerated_documents(own, case)
    sent = _sent_hashes(audit)
    retention = own.playbook.retention
    record = {
        "reference": ref,
        "exported_at": ctx.now(),
        "exported_by": by,
        "playbook": {"key": own.playbook.key, "name": own.playbook.name},
        "stage": case.stage.value,
        "dates": {
            "notified_on": case.notified_on,
            "received_at": case.received_at,
            "ratified_on": case.ratified_on,
            "submitted_on": case.submitted_on,
            "outcome_told_on": case.outcome_told_on,
            "closed_on": case.closed_on,
        },
        "timetable": own.timetable(case).as_json(),
        "retention": {
            "years_after_closure": retention.years_after_closure,
            "source": retention.source,
            "kept_until": retention.kept_until(case.closed_on) if case.closed_on else None,
        },
        "tables": rows,
        "documents": [
            {
                "name": d.name,
                "sha256": sha256_hex(d.content),
                "sent_sha256": sent.get(d.name),
                "matches_what_was_sent": sent.get(d.name) == sha256_hex(d.content),
            }
            for d in documents
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{ref}/record.json", to_json(record, indent=2))
        archive.writestr(f"{ref}/audit.jsonl", "".join(to_json(line) + "\n" for line in audit))
        for document in documents:
            archive.writestr(f"{ref}/documents/{document.name}", document.content)
    return buffer.getvalue(), len(audit), [d.name for d in documents]


def write_private(path: Path, content: bytes) -> None:
    """Create `path` readable by its owner only; never overwrite (an older export may be
    evidence someone still needs)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, ARCHIVE_MODE)
    with os.fdopen(descriptor, "wb") as out:
        os.fchmod(out.fileno(), ARCHIVE_MODE)  # whatever the umask
        out.write(content)


async def export_case(ctx: ServiceContext, *, case_ref: str, by: str, out: Path) -> Exported:
    """Write the archive, then audit who exported it (never what is in it: its hash only)."""
    ref = parse_ref(case_ref)
    content, lines, names = await build_archive(ctx, ref, by=by)
    write_private(out, content)
    digest = hashlib.sha256(content).hexdigest()
    try:
        async with ctx.uow() as uow:
            await ctx.audit(
                uow,
                actor=by,
                action="case_exported",
                case_ref=ref,
                detail={
                    "archive_sha256": digest,
                    "document_count": len(names),
                    "audit_lines": lines,
                },
            )
            await uow.commit()
    except BaseException:
        os.remove(out)  # no export leaves unrecorded
        raise
    return Exported(out, digest, tuple(names), lines)
