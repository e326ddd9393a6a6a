"""When no slot is quorate: say why in a chair's words, and what would help.

Only runs when the slot finder found nothing quorate, so it may afford a small search for the
nearest miss (the fewest people who would need to free their time).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import TYPE_CHECKING

from bot.domain.quorum import Member, Roster, evaluate
from bot.domain.quorum_rule import QuorumRule, RequiredSeat

if TYPE_CHECKING:
    from bot.domain.slots import RankedSlot, SlotSearch

NEAR_MISSES = 5  # slots tried for the nearest miss
MOST_TO_FREE = 3  # asking more people than this to move is not a plan


def explain(
    search: SlotSearch, rule: QuorumRule, roster: Roster, ranked: Sequence[RankedSlot]
) -> str:
    days = [n for n, _ in search.window]
    if not days:
        return (
            "The meeting window has no working day left: hold the meeting as soon as possible"
            " and record why it was late."
        )
    if not ranked:
        hours, minutes = search.hours, int(search.duration.total_seconds() // 60)
        return (
            f"A {minutes}-minute meeting does not fit within working hours"
            f" {hours.start:%H:%M}-{hours.end:%H:%M}; shorten the meeting."
        )
    ever_free = frozenset[str]().union(*(s.free for s in ranked))
    why: list[str] = []
    helps: list[str] = []
    for seat in rule.required:
        able = roster.candidates(seat, rule.deputies_count)
        if not able:
            why.append(f"{seat.label} is not invited")
            helps.append(_invite(seat, rule, roster))
        elif not any(m.email in ever_free for m in able):
            why.append(f"{_who(seat, able)} busy {_on_days(days)}")
            helps.extend(_deputy_help(seat, rule, roster))
    if not why:
        _count_reasons(rule, roster, ranked, why, helps)
    if not why:
        why.append(_never_together(rule))
    nearest = _nearest_miss(search, rule, roster, ranked)
    if nearest:
        helps.insert(0, nearest)
    elif not helps:
        helps.append(
            f"No slot becomes quorate even if {MOST_TO_FREE} more people free their time;"
            " invite deputies or other agencies' representatives."
        )
    return " ".join(["No slot in the window is quorate: " + _and(why) + ".", *helps[:2]])


def _who(seat: RequiredSeat, able: Sequence[Member]) -> str:
    """Who is busy, with the verb: 'the police decision maker and their deputy are'."""
    partner = seat.partner
    if partner is None:
        return f"{seat.label} is" if len(able) == 1 else f"every {seat.label[4:]} is"
    principal = any(partner in m.decision_maker_for for m in able)
    deputy = any(partner in m.deputy_for for m in able)
    if principal and deputy:
        return f"{seat.label} and their deputy are"
    return f"{seat.label} is" if principal else f"{seat.label}'s deputy is"


def _never_together(rule: QuorumRule) -> str:
    """Each requirement can be met on its own, just never all in one slot."""
    if not rule.required:
        return "the people needed are never free at the same time"
    if len(rule.required) == 1:
        return f"{rule.required[0].label} is never free when enough agencies are"
    deputies = rule.deputies_count and any(s.partner for s in rule.required)
    who = _and([s.label for s in rule.required]) + (" (or their deputies)" if deputies else "")
    return f"{who} are never all free at the same time"


def _invite(seat: RequiredSeat, rule: QuorumRule, roster: Roster) -> str:
    if seat.partner is None:
        return f"Invite {seat.label}."
    p = roster.principals[seat.partner]
    deputy = f" or their deputy, {p.deputy_name}" if rule.deputies_count and p.deputy_name else ""
    return f"Invite {p.decision_maker_name} ({seat.label}){deputy}."


def _deputy_help(seat: RequiredSeat, rule: QuorumRule, roster: Roster) -> list[str]:
    if seat.partner is None or not rule.deputies_count:
        return []
    p = roster.principals[seat.partner]
    if p.deputy is None:
        return [f"Name a deputy for {seat.label} in the directory so that someone can stand in."]
    if roster.member(p.deputy) is None:
        return [f"Invite their deputy, {p.deputy_name}, who may be free."]
    return []


def _count_reasons(
    rule: QuorumRule,
    roster: Roster,
    ranked: Sequence[RankedSlot],
    why: list[str],
    helps: list[str],
) -> None:
    """The count rules: too few invited at all, or never enough free at once."""
    counting = [m for m in roster.members.values() if m.may_count and m.agencies]
    invited_agencies = frozenset[str]().union(*(m.agencies for m in counting))
    invited_partners = {p for m in counting for p in m.partners}
    need, best = rule.min_partner_agencies, max(len(s.quorum.agencies) for s in ranked)
    if best < need:
        if len(invited_agencies) < need:
            why.append(f"only {_agencies(len(invited_agencies))} invited ({_needed(need)})")
            helps.append("Invite a representative of another agency.")
        else:
            why.append(f"at best {_agencies(best)} free at once ({_needed(need)})")
    need, best = rule.min_safeguarding_partners, max(len(s.quorum.partners) for s in ranked)
    if best < need:
        if len(invited_partners) < need:
            why.append(f"only {_partners(len(invited_partners))} invited ({_needed(need)})")
            absent = [
                p.decision_maker_name
                for k, p in roster.principals.items()
                if k not in invited_partners
            ]
            helps.append(f"Invite the other partners' decision makers ({_and(absent)}).")
        else:
            why.append(f"at best {_partners(best)} free at once ({_needed(need)})")
    cap = rule.information_only_cap
    info = frozenset(m.email for m in roster.members.values() if m.information_only)
    if cap is not None and any(len(s.free & info) > cap for s in ranked):
        why.append(
            f"{len(info)} people are invited for information only (at most {cap} may attend)"
        )
        helps.append(f"Invite at most {cap} people for information only.")


def _nearest_miss(
    search: SlotSearch, rule: QuorumRule, roster: Roster, ranked: Sequence[RankedSlot]
) -> str | None:
    """The slot that the fewest busy people could rescue, and who they are."""
    near = sorted(ranked, key=lambda s: (len(s.quorum.missing), s.rank))[:NEAR_MISSES]
    helpers = [(s, _could_help(rule, roster, s)) for s in near]
    for k in range(1, MOST_TO_FREE + 1):
        for slot, people in helpers:
            for group in combinations(people, k):
                if evaluate(rule, roster, slot.free | {m.email for m in group}).met:
                    local = slot.start.astimezone(search.zone)
                    names = _and([m.name for m in group])
                    verb = "frees" if k == 1 else "free"
                    return (
                        f"Nearest miss: {local:%a %d %b %H:%M} (day {slot.day}) would be"
                        f" quorate if {names} {verb} that time."
                    )
    return None


def _could_help(rule: QuorumRule, roster: Roster, slot: RankedSlot) -> list[Member]:
    """Busy invitees who would fill an empty seat or bring an agency or partner not there."""
    free = [m for e in slot.free if (m := roster.member(e)) is not None]
    empty = [s for s in rule.required if not any(m.fills(s, rule.deputies_count) for m in free)]
    have_a, have_p = slot.quorum.agencies, slot.quorum.partners
    helpful = []
    for m in roster.members.values():
        if m.email not in slot.busy or m.information_only:
            continue
        fills = any(m.fills(s, rule.deputies_count) for s in empty)
        adds = m.may_count and bool(m.agencies - have_a or m.partners - have_p)
        if fills or adds:
            helpful.append(m)
    return helpful


def _needed(n: int) -> str:
    return f"{n} {'is' if n == 1 else 'are'} needed"


def _agencies(n: int) -> str:
    return "1 partner agency is" if n == 1 else f"{n} partner agencies are"


def _partners(n: int) -> str:
    return f"{n} of the 3 safeguarding partners {'is' if n == 1 else 'are'}"


def _on_days(days: Sequence[int]) -> str:
    """'on every day 7-13', 'on day 9', 'on each of days 7-8 and 11'."""
    runs: list[list[int]] = []
    for n in sorted(days):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs]
    if len(days) == 1:
        return f"on day {days[0]}"
    if len(runs) == 1:
        return f"on every day {parts[0]}"
    return f"on each of days {_and(parts)}"


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
