"""Someone's own words made inert before the bot repeats them in Teams: no tag (`<at>`,
`<a>`), entity or markdown (links, emphasis) can ride in on user text."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_\[\]~])")


def escape(text: str) -> str:
    html = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", html)
