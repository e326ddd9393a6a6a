"""What every document shares: file names that only ever hold a reference, a kind, a version
and an agency code; a hash to prove what was sent."""

from __future__ import annotations

import hashlib

import pytest

from bot.documents import file_name, sha256_hex
from bot.domain.errors import InvalidInput


def test_file_names_carry_the_reference_kind_version_and_agency() -> None:
    assert file_name("LLR-RR-2026-001", "combined-summary", version=2) == (
        "LLR-RR-2026-001_combined-summary_v2.docx"
    )
    assert file_name("LLR-RR-2026-001", "reply-template", agency="police") == (
        "LLR-RR-2026-001_reply-template_police.docx"
    )
    assert file_name("KENT-RR-2027-1042", "panel-submission") == (
        "KENT-RR-2027-1042_panel-submission.docx"
    )


@pytest.mark.parametrize(
    ("ref", "kind", "agency"),
    [
        ("Poppy Quillfeather", "combined-summary", None),
        ("LLR-RR-2026-001 Poppy", "combined-summary", None),
        ("LLR-RR-2026-001/../x", "combined-summary", None),
        ("llr-rr-2026-001", "combined-summary", None),
        ("LLR-RR-2026-001", "poppy-quillfeather", None),
        ("LLR-RR-2026-001", "reply-template", "Poppy Quillfeather"),
        ("LLR-RR-2026-001", "reply-template", "police/../../etc"),
        ("LLR-RR-2026-001\n", "combined-summary", None),
    ],
)
def test_a_file_name_refuses_anything_that_is_not_a_reference_or_a_code(
    ref: str, kind: str, agency: str | None
) -> None:
    with pytest.raises(InvalidInput):
        file_name(ref, kind, agency=agency)


@pytest.mark.parametrize("version", [0, -1, 1000])
def test_a_version_is_a_small_positive_number(version: int) -> None:
    with pytest.raises(InvalidInput):
        file_name("LLR-RR-2026-001", "combined-summary", version=version)


def test_the_hash_is_sha256_in_hex() -> None:
    assert sha256_hex(b"papers") == hashlib.sha256(b"papers").hexdigest()
    assert len(sha256_hex(b"")) == 64
