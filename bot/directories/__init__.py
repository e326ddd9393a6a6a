"""The partnership directory file: people by email, with roles; agencies with their people."""

from __future__ import annotations

from pathlib import Path

from bot.domain.directory import Directory

SAMPLE = Path(__file__).with_name("sample.yaml")
SAMPLE_WORD = "sample"  # `DIRECTORY=sample`: the fictional sample, asked for on purpose


def directory_file(path: Path | None) -> Path:
    """The file a DIRECTORY setting names: the sample when unset or `sample`."""
    return SAMPLE if path is None or str(path) == SAMPLE_WORD else path


def is_sample(path: Path | None) -> bool:
    """Whether this DIRECTORY setting means the shipped fictional sample."""
    return directory_file(path).resolve() == SAMPLE.resolve()


def load_directory(path: Path | None = None) -> Directory:
    """Load and validate a directory; the shipped fictional sample when no path is given
    (or `sample`).

    A bad file raises `FileInvalid` naming the file, line, field and reason.
    """
    from bot.yamlfile import load_model

    return load_model(directory_file(path), Directory)
