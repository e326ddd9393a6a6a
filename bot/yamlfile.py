"""Load a YAML file into a pydantic model, naming the file, line, field and reason on failure.

The people who edit these files (playbooks, the partnership directory) are not developers:
"line 14, field meeting.window: earliest (9) is after latest (7)" is something they can fix,
a traceback is not. So the YAML is composed to nodes first, which keep their line numbers,
and every pydantic error is mapped back to the line of the field it names.

A validator that checks several fields at once may point at the field at fault by raising a
`ValueError` with a `loc` attribute (a path relative to its model, e.g. `("milestones", 2,
"day")`); otherwise a model-level error points at the line of the model's own mapping.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from bot.domain.errors import DomainError

if TYPE_CHECKING:
    from yaml.nodes import Node

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class FileProblem:
    file: str
    line: int | None  # 1-based, as editors count
    field: str  # dotted path, "" for the file as a whole
    reason: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}, line {self.line}"
        return (
            f"{where}, field {self.field}: {self.reason}"
            if self.field
            else f"{where}: {self.reason}"
        )


class FileInvalid(DomainError):
    """A configuration file could not be used; one message line per problem."""

    code = "file_invalid"

    def __init__(self, problems: Sequence[FileProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = tuple(problems)


def load_model(path: Path, model: type[M]) -> M:
    """Parse `path` as YAML and validate it as `model`, or raise `FileInvalid`."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise _invalid(name, None, "", "the file is not UTF-8 text") from None
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise _invalid(name, None, "", f"cannot read the file ({reason})") from None
    lines, data = _parse(name, text)
    try:
        return model.model_validate(data)
    except ValidationError as err:
        problems = [_problem(name, lines, e) for e in _meaningful(err.errors())]
    problems.sort(key=lambda p: p.line or 0)  # stable: pydantic's order within a line
    raise FileInvalid(problems)


def _invalid(file: str, line: int | None, field: str, reason: str) -> FileInvalid:
    return FileInvalid([FileProblem(file, line, field, reason)])


def _parse(name: str, text: str) -> tuple[_LineIndex, Any]:
    """One YAML document whose top level is a mapping: where its fields are, and its data."""
    import yaml  # imported here: loading the CLI should not pay for it

    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise _invalid(name, None, "", "the file is empty; expected a mapping of field: value")
        if not isinstance(root, yaml.MappingNode):
            kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
            raise _invalid(
                name,
                _line(root),
                "",
                f"the top level must be a mapping of field: value, not {kind}",
            )
        lines = _LineIndex(name, root)  # before construction, which would hide duplicate keys
        return lines, loader.construct_document(root)
    except yaml.MarkedYAMLError as err:
        mark, reason = err.problem_mark or err.context_mark, err.problem or "unreadable YAML"
        if err.context and err.context_mark:
            reason += f" ({err.context}, line {err.context_mark.line + 1})"
        raise _invalid(
            name, mark.line + 1 if mark else None, "", f"YAML syntax: {reason}"
        ) from None
    except yaml.YAMLError as err:
        raise _invalid(name, None, "", f"YAML syntax: {err}") from None
    finally:
        loader.dispose()


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


class _LineIndex:
    """Where each field path of the document is written (the key's line, or the item's)."""

    def __init__(self, name: str, root: Node) -> None:
        self._lines: dict[Loc, int] = {(): _line(root)}
        self._name = name
        # Each node is walked once: fields inside an alias point at the alias (and neither a
        # recursive alias nor a "billion laughs" file can make the walk run away).
        self._walked = {id(root)}
        self._walk(root, ())

    def _walk(self, node: Node, loc: Loc) -> None:
        from yaml import MappingNode, ScalarNode, SequenceNode

        if isinstance(node, MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                if not isinstance(key, ScalarNode) or key.value == "<<":
                    continue  # merge keys and complex keys: their fields fall back to the parent
                if key.value in seen:
                    raise _invalid(
                        self._name,
                        _line(key),
                        ".".join(map(str, (*loc, key.value))),
                        f"duplicate key (first given on line {seen[key.value]})",
                    )
                seen[key.value] = _line(key)
                self._enter(value, (*loc, key.value), _line(key))
        elif isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                self._enter(item, (*loc, i), _line(item))

    def _enter(self, node: Node, loc: Loc, line: int) -> None:
        self._lines[loc] = line
        if id(node) not in self._walked:
            self._walked.add(id(node))
            self._walk(node, loc)

    def line_of(self, loc: Loc) -> int:
        """The line of the deepest part of `loc` present in the file.

        Parts that are not in the file (a union member's tag, a missing field) are skipped,
        so a missing field points at its enclosing mapping.
        """
        found: Loc = ()
        for part in loc:
            if (*found, part) in self._lines:
                found = (*found, part)
        return self._lines[found]


def _problem(name: str, lines: _LineIndex, error: ErrorDetails) -> FileProblem:
    loc: Loc = tuple(error["loc"])
    reason = error["msg"]
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, Exception) and error["type"] in ("value_error", "assertion_error"):
        reason = str(cause) or reason  # without pydantic's "Value error, " prefix
        extra = getattr(cause, "loc", None)
        if isinstance(extra, tuple):
            loc = (*loc, *extra)
    return FileProblem(name, lines.line_of(loc), ".".join(map(str, loc)), reason)


def _meaningful(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """Drop a list's "too short" when its items failed: pydantic counts only the valid ones,
    so a list of one bad item would also be reported, confusingly, as empty."""
    failed_parents = {tuple(e["loc"][:i]) for e in errors for i in range(1, len(e["loc"]))}
    return [
        e for e in errors if not (e["type"] == "too_short" and tuple(e["loc"]) in failed_parents)
    ]
