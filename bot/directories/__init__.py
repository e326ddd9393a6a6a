"""The partnership directory file: people by email, with roles; agencies with their people."""

from __future__ import annotations

from pathlib import Path

from bot.domain.directory import Directory

SAMPLE = Path(__file__).with_name("sample.yaml")


def load_directory(path: Path | None = None) -> Directory:
    """Load and validate a directory; the shipped fictional sample when no path is given.

    A bad file raises `FileInvalid` naming the file, line, field and reason.
    """
    from bot.yamlfile import load_model

    return load_model(path or SAMPLE, Directory)
