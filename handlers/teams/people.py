"""Who sent an activity, in the partnership directory's words: the email the Bot Connector
gives for the member (their mail, else their sign-in name), read once and cached."""

from __future__ import annotations

from bot.domain.directory import Directory
from handlers.teams.turn import Back, Member


class TeamsPeople:
    def __init__(self, directory: Directory) -> None:
        self._directory = directory
        self._emails: dict[str, str] = {}  # by Entra object id (or Teams id): one look-up each

    async def email_of(self, back: Back, member: Member) -> str | None:
        """The address Teams holds for them, preferring one the directory knows (a mail
        address and a sign-in name can differ); None when Teams gives neither."""
        key = member.aad_object_id or member.id
        if key in self._emails:
            return self._emails[key]
        account = await back.account(member.id)
        if account is None:
            return None
        found = [
            a.strip().lower()
            for a in (account.email, account.user_principal_name)
            if a and "@" in a and len(a) <= 254
        ]
        if not found:
            return None
        known = [a for a in found if self._directory.person(a) is not None]
        self._emails[key] = (known or found)[0]
        return self._emails[key]

    async def known(self, back: Back, member: Member) -> str | None:
        """Their email when the directory knows them; None for anyone it does not."""
        email = await self.email_of(back, member)
        return email if email and self._directory.person(email) is not None else None
