"""Fictional structured returns for tests: the reply template as an agency might answer it."""

from __future__ import annotations

from datetime import date

from bot.domain.returns import ChronologyEntry, Involvement, KeyContact, StructuredReturn


def police_return(*, partial: bool = False, entries: int = 2) -> StructuredReturn:
    chronology = tuple(
        ChronologyEntry(
            on=date(2026, 11, 3 + n),
            until=date(2026, 11, 5 + n) if n == 1 else None,
            what=f"Call-out {n + 1} to the family home; officers attended.",
            who="PC on response, mother",
            source=f"STORM log {1000 + n}",
        )
        for n in range(entries)
    )
    return StructuredReturn(
        involvement=Involvement.FULL,
        period_from=date(2026, 11, 1),
        period_to=date(2026, 12, 1),
        contacts=(KeyContact(name="DS Avery Example", role="Investigating officer"),),
        chronology=chronology,
        analysis="Two domestic incidents were not shared with children's social care.",
        learning="Share every domestic incident with a child present on the same day.",
        safeguarding_actions="Referral made to the MASH.",
        records_secured=True,
        partial=partial,
    )


NIL_RETURN = StructuredReturn(involvement=Involvement.NONE, records_secured=True)
