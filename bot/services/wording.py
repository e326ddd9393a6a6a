"""Small pieces of wording shared by the messages people read."""

from __future__ import annotations


def plural(n: int, unit: str, units: str | None = None) -> str:
    return f"{n} {unit if n == 1 else units or unit + 's'}"
