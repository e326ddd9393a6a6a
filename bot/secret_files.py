"""Secrets from files: `<NAME>_FILE` names a file holding the value of setting `<NAME>`.

Container platforms mount secrets as files (compose and Kubernetes secrets, Docker swarm), so
every secret setting (each SecretStr field, and DATABASE_URL, which carries a password) can be
given as a path instead of a value. Only the process environment is read for `<NAME>_FILE`.
"""

from __future__ import annotations

import os
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from bot.domain.errors import InvalidInput

FILE_SUFFIX = "_FILE"
# Plain strings that still carry a secret (a database password inside the URL).
SECRET_STRINGS = frozenset({"database_url"})
# AUDIT_KEY_FILE predates this and means more (rrbot creates the key there): left to itself.
OWN_FILE_SETTINGS = frozenset({"audit_key"})


def _is_secret(field: FieldInfo) -> bool:
    annotation = field.annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return SecretStr in typing.get_args(annotation)
    return annotation is SecretStr


def secret_settings(settings_cls: type[BaseSettings]) -> list[str]:
    """The settings (field names) that may come from `<NAME>_FILE`."""
    return [
        name
        for name, field in settings_cls.model_fields.items()
        if (name in SECRET_STRINGS or _is_secret(field)) and name not in OWN_FILE_SETTINGS
    ]


def read_secret_file(variable: str, path: str) -> str:
    """The file's text without its trailing newline; a clear error naming only the variable
    and the path, never anything read."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"{variable}: no such file {path}") from None
    except IsADirectoryError:
        raise InvalidInput(f"{variable}: {path} is a directory, not a file") from None
    except PermissionError:
        raise InvalidInput(f"{variable}: {path} cannot be read (permission denied)") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{variable}: {path} is not UTF-8 text") from None
    except OSError as err:
        raise InvalidInput(f"{variable}: {path} cannot be read ({err.strerror})") from None
    value = text.rstrip("\r\n")
    if not value:
        raise InvalidInput(f"{variable}: {path} is empty")
    return value


class SecretFilesSource(PydanticBaseSettingsSource):
    """Reads `<NAME>_FILE` for each secret setting; refuses `<NAME>` and `<NAME>_FILE` both."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # everything is done in __call__

    def __call__(self) -> dict[str, Any]:
        environ = {key.upper(): value for key, value in os.environ.items()}
        values: dict[str, Any] = {}
        for name in secret_settings(self.settings_cls):
            variable = name.upper()
            path = environ.get(variable + FILE_SUFFIX)
            if path is None or name in self.current_state:  # an explicit argument wins
                continue
            if variable in environ:
                raise InvalidInput(
                    f"Configuration is invalid: {variable} and {variable}{FILE_SUFFIX} are both"
                    " set; give the secret one way only"
                )
            if not path:
                raise InvalidInput(f"Configuration is invalid: {variable}{FILE_SUFFIX} is empty")
            try:
                values[name] = read_secret_file(variable + FILE_SUFFIX, path)
            except InvalidInput as err:
                raise InvalidInput(f"Configuration is invalid: {err}") from None
        return values
