"""`rrbot teams package`: the zip a Teams administrator uploads to the organisation's app
catalogue, made from `deploy/teams/` (the manifest template and its two icons) and Settings.

The manifest's `id` and its bot's `botId` are both the bot's Entra client id
(TEAMS_CLIENT_ID), as Microsoft's bot samples do. TEAMS_APP_ID is NOT written into it: the
organisation's catalogue gives an uploaded app an id of its own (Graph's teamsApp `id`,
shown as *App ID* in the Teams admin centre), different from the manifest's id (its
`externalId`); that catalogue id is what Graph installs into chats and for people, so it can
only be known, and set, after the upload.

Placeholders `{{NAME}}` are filled in the parsed JSON, value by value, so nothing in a
setting can change the manifest's structure. Nothing here imports the Teams SDK.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.config import Settings
from bot.domain.errors import InvalidInput

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "deploy" / "teams"
MANIFEST = "manifest.json"
ICONS = {"color.png": 192, "outline.png": 32}  # file: width and height in pixels
DEFAULT_OUT = "rapid-review-teams.zip"
_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_SEMVER = re.compile(r"\d{1,9}\.\d{1,9}\.\d{1,9}")
_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # fixed, so the same settings give the same bytes
_PUBLISHER_MAX = 32  # the manifest schema's developer.name
_URL_MAX = 2048


def guid(name: str, value: str | None, what: str) -> str:
    """`value` as a GUID, or InvalidInput naming the setting and where its value is found."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"{name} is not set: it is {what}.")
    if not _GUID.fullmatch(text):
        shown = text if len(text) <= 60 else f"{text[:60]}..."
        raise InvalidInput(f"{name} must be a GUID ({what}), not '{shown}'.")
    return text.lower()


CLIENT_ID_IS = "the Application (client) ID of the bot's app registration in Entra ID"


@dataclass(frozen=True, slots=True)
class Package:
    path: Path
    manifest: dict[str, Any]


def manifest_values(settings: Settings, app_version: str | None = None) -> dict[str, str]:
    """What the template's placeholders become; refuses, in one line, anything missing or
    unusable (every missing setting is named at once)."""
    needed = {
        "TEAMS_CLIENT_ID": settings.teams_client_id,
        "PUBLIC_BASE_URL": settings.public_base_url,
        "TEAMS_PUBLISHER": settings.teams_publisher,
        "TEAMS_WEBSITE_URL": settings.teams_website_url,
        "TEAMS_PRIVACY_URL": settings.teams_privacy_url,
        "TEAMS_TERMS_URL": settings.teams_terms_url,
    }
    missing = [name for name, value in needed.items() if not (value or "").strip()]
    if missing:
        raise InvalidInput(f"Set {', '.join(missing)} to package the Teams app.")
    publisher = (settings.teams_publisher or "").strip()
    if len(publisher) > _PUBLISHER_MAX:
        raise InvalidInput(
            f"TEAMS_PUBLISHER is {len(publisher)} characters; Teams shows at most"
            f" {_PUBLISHER_MAX} (e.g. 'LLR Safeguarding Partnership')."
        )
    chosen = app_version or _rrbot_version()
    if not _SEMVER.fullmatch(chosen):
        raise InvalidInput(f"The app version must be MAJOR.MINOR.PATCH, not '{chosen[:40]}'.")
    return {
        "TEAMS_CLIENT_ID": guid("TEAMS_CLIENT_ID", settings.teams_client_id, CLIENT_ID_IS),
        "PUBLIC_HOST": _https_host("PUBLIC_BASE_URL", settings.public_base_url),
        "TEAMS_PUBLISHER": publisher,
        "TEAMS_WEBSITE_URL": _https_url("TEAMS_WEBSITE_URL", settings.teams_website_url),
        "TEAMS_PRIVACY_URL": _https_url("TEAMS_PRIVACY_URL", settings.teams_privacy_url),
        "TEAMS_TERMS_URL": _https_url("TEAMS_TERMS_URL", settings.teams_terms_url),
        "APP_VERSION": chosen,
    }


def build_manifest(template: Any, values: dict[str, str]) -> Any:
    """The template with every `{{NAME}}` in its strings replaced; a name with no value is
    refused (a template and this code out of step)."""
    if isinstance(template, dict):
        return {key: build_manifest(item, values) for key, item in template.items()}
    if isinstance(template, list):
        return [build_manifest(item, values) for item in template]
    if isinstance(template, str):

        def fill(found: re.Match[str]) -> str:
            name = found.group(1)
            if name not in values:
                raise InvalidInput(f"The manifest template names {{{{{name}}}}}, unknown here.")
            return values[name]

        return _PLACEHOLDER.sub(fill, template)
    return template


def write_package(
    settings: Settings,
    out: Path,
    *,
    template_dir: Path = TEMPLATE_DIR,
    app_version: str | None = None,
) -> Package:
    """Write the upload zip (manifest.json and the two icons, nothing else) to `out`,
    replacing it whole or not at all."""
    values = manifest_values(settings, app_version)
    source = template_dir / MANIFEST
    if not source.is_file():
        raise InvalidInput(
            f"{source} is not there: run rrbot teams package from a checkout of rrbot, where"
            " deploy/teams/ holds the manifest template and its icons."
        )
    manifest = build_manifest(json.loads(source.read_text(encoding="utf-8")), values)
    icons = {name: _icon(template_dir / name, size) for name, size in ICONS.items()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        archive.writestr(zipfile.ZipInfo(MANIFEST, _ZIP_TIME), text.encode("utf-8"))
        for name, data in icons.items():
            archive.writestr(zipfile.ZipInfo(name, _ZIP_TIME), data)
    partial = out.with_name(f".{out.name}.partial")
    try:
        partial.write_bytes(buffer.getvalue())
        os.replace(partial, out)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise InvalidInput(f"Could not write {out}: {err.strerror or err}.") from None
    return Package(out, manifest)


def _icon(path: Path, size: int) -> bytes:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            found = image.size
            kind = image.format
    except (OSError, UnidentifiedImageError):
        raise InvalidInput(f"{path} is not a PNG image: run deploy/teams/make_icons.py.") from None
    if kind != "PNG" or found != (size, size):
        raise InvalidInput(
            f"{path} must be a {size}x{size} PNG, not a {found[0]}x{found[1]} {kind}: run"
            " deploy/teams/make_icons.py."
        )
    return path.read_bytes()


def _https_url(name: str, value: str | None) -> str:
    text = (value or "").strip()
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.hostname or len(text) > _URL_MAX:
        raise InvalidInput(f"{name} must be an https URL, not '{text[:80]}'.")
    return text


def _https_host(name: str, value: str | None) -> str:
    """The host Teams reaches `rrbot serve` at (Teams calls https only)."""
    return urlsplit(_https_url(name, value)).hostname or ""


def _rrbot_version() -> str:
    try:
        return version("rrbot")
    except PackageNotFoundError:  # pragma: no cover - run from a tree that was never installed
        return "0.1.0"
