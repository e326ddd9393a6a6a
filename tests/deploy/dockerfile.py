"""A small reader of Dockerfiles: instructions by stage, continuation lines joined."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str

    def exec_form(self) -> list[str]:
        """The JSON array form's words (ENTRYPOINT ["rrbot"])."""
        words = json.loads(self.arguments)
        assert isinstance(words, list), self.arguments
        return [str(word) for word in words]


@dataclass
class Stage:
    image: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]


def parse(text: str) -> tuple[dict[str, str], list[Stage]]:
    """Global ARG defaults and the stages, FROM images with those ARGs substituted."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):  # comments go, even inside a continuation
            continue
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        logical.append(pending + line)
        pending = ""
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in logical:
        keyword, _, arguments = line.partition(" ")
        keyword, arguments = keyword.upper(), arguments.strip()
        if keyword == "FROM":
            words = arguments.split()
            image = re.sub(r"\$\{(\w+)\}", lambda m: global_args.get(m.group(1), ""), words[0])
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(image, name))
        elif not stages and keyword == "ARG":
            variable, _, default = arguments.partition("=")
            global_args[variable] = default
        else:
            stages[-1].instructions.append(Instruction(keyword, arguments))
    return global_args, stages


def variables(instruction: Instruction) -> list[str]:
    """The names an ENV or ARG instruction sets (`A=1 B=2`, or the old `A 1` form)."""
    if "=" not in instruction.arguments.split()[0]:
        return [instruction.arguments.split()[0]]
    return re.findall(r"(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=", instruction.arguments)
