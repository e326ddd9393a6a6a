"""Someone's own words made inert before the bot repeats them in Teams: no tag (`<at>`,
`<a>`), entity, markdown (links, emphasis) or bare address Teams would turn into a link can
ride in on user text. (TeamsChat's `escape`, bot/adapters/teams, takes over once merged.)"""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_\[\]~])")
_LINK = re.compile(r"(?i)(://|www\.)")


def escape(text: str) -> str:
    html = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    inert = _MARKDOWN.sub(r"\\\1", html)
    return _LINK.sub(lambda m: m.group(1)[0] + "\u200b" + m.group(1)[1:], inert)
