"""Settings from the environment (and `.env`); secrets are SecretStr so they never print."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from bot.domain.errors import InvalidInput
from bot.secret_files import SecretFilesSource

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./rrbot.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    playbook: str = "llr"
    directory: Path | None = Field(
        default=None, description="partnership directory YAML; the fictional sample when unset"
    )
    timezone: str = "Europe/London"
    extra_closure_days: str = Field(
        default="", description="comma-separated ISO dates the partnership is closed"
    )
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str | None = None
    teams_client_id: str | None = Field(
        default=None, description="the bot's Entra app (client) id, also its Bot Framework id"
    )
    teams_client_secret: SecretStr | None = None
    teams_tenant_id: str | None = Field(
        default=None, description="the partnership's Entra tenant (the bot is single-tenant)"
    )
    teams_app_id: str | None = Field(
        default=None, description="the Teams app's id in the organisation's app catalogue"
    )
    teams_cloud: str = Field(
        default="Public", description="Public, USGov, USGovDoD or China: the Bot Framework cloud"
    )
    teams_login_endpoint: str | None = Field(
        default=None, description="overrides the cloud's Entra login endpoint"
    )
    teams_openid_metadata_url: str | None = Field(
        default=None, description="overrides the cloud's OpenID metadata for incoming tokens"
    )
    teams_token_issuer: str | None = Field(
        default=None, description="overrides the issuer incoming tokens must name exactly"
    )
    teams_service_url: str | None = Field(
        default=None,
        description="the Bot Connector for proactive sends (default the cloud's public one)",
    )
    teams_publisher: str | None = Field(
        default=None, description="the partnership's name as the Teams app's publisher"
    )
    teams_website_url: str | None = Field(
        default=None, description="the partnership's web page the Teams app links to"
    )
    teams_privacy_url: str | None = Field(
        default=None, description="the partnership's privacy notice, linked from the Teams app"
    )
    teams_terms_url: str | None = Field(
        default=None, description="the terms of use the Teams app links to"
    )
    graph_tenant_id: str | None = None
    graph_client_id: str | None = None
    graph_client_secret: SecretStr | None = None
    graph_mailbox: str | None = None
    graph_base_url: str = "https://graph.microsoft.com/v1.0"
    graph_authority_host: str | None = None
    graph_ca_bundle: Path | None = Field(
        default=None, description="the earlier name of CA_BUNDLE, still honoured"
    )
    ca_bundle: Path | None = Field(
        default=None,
        description="a CA file (PEM) trusted, besides the public CAs, by every outbound HTTPS"
        " client (Graph, Entra ID, Slack): a TLS-inspecting proxy's CA",
    )
    audit_key: SecretStr | None = Field(
        default=None, description="signs the audit chain (HMAC); at least 32 characters"
    )
    audit_key_file: Path | None = Field(default=None, description="a file holding AUDIT_KEY")
    audit_anchor_every: int = Field(
        default=100, ge=1, le=1_000_000, description="publish the chain's head every N rows"
    )
    audit_anchor_file: Path | None = Field(
        default=None, description="where each published head is appended: `seq hash at`"
    )
    panel_email: str | None = None
    public_base_url: str | None = Field(
        default=None,
        description="where `rrbot serve` is reached, e.g. https://rrbot.example.org; case"
        " channels then get bookmarks to the timetable and the decision form",
    )
    notification_token: SecretStr | None = None
    port: int = Field(default=3000, ge=1, le=65535)
    scheduler_tick_seconds: float = Field(
        default=30, gt=0, le=3600, description="how often `rrbot serve` runs what is due"
    )
    log_level: str = "INFO"
    # Graceful shutdown (issue 14, replicas): kept under Kubernetes' 30 s default grace.
    shutdown_grace_seconds: float = Field(
        default=20,
        gt=0,
        le=600,
        description="after SIGTERM, how long requests and due actions in flight may run on",
    )

    # packaging: every secret may come from `<NAME>_FILE` (bot/secret_files.py); an explicit
    # argument wins, then the file, then the environment, then `.env`.
    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            SecretFilesSource(settings_cls),
            env_settings,
            dotenv_settings,
            file_secret_settings,
        )

    # Metrics and logs (issue 14: /metrics and JSON logs).
    metrics_token: SecretStr | None = Field(
        default=None,
        description="the bearer token Prometheus sends to GET /metrics; unset: /metrics is 404",
    )
    log_format: Literal["auto", "json", "text"] = Field(
        default="auto",
        description="json: one JSON object per line; text: for people; auto: text on a"
        " terminal, json otherwise (a container, a service manager, a file)",
    )

    def ca_bundles(self) -> dict[str, Path]:
        """The CA files to trust for outbound HTTPS, by the variable that named each."""
        named = {"CA_BUNDLE": self.ca_bundle, "GRAPH_CA_BUNDLE": self.graph_ca_bundle}
        return {name: path for name, path in named.items() if path is not None}

    @field_validator("log_format", mode="before")
    @classmethod
    def _any_case(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("slack_app_token")
    @classmethod
    def _app_level_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError(
                "must be an app-level token (xapp-...) with the connections:write scope"
            )
        return value

    @field_validator("teams_cloud")
    @classmethod
    def _known_cloud(cls, value: str) -> str:
        if value.lower() not in {"public", "usgov", "usgovdod", "china"}:
            raise ValueError("must be one of Public, USGov, USGovDoD, China")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(f"unknown time zone '{value}'") from err
        return value


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning a validation failure into one clear message per variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as err:
        problems = "; ".join(
            f"{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in err.errors()
        )
        raise InvalidInput(f"Configuration is invalid: {problems}") from None
