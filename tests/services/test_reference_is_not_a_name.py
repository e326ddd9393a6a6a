"""The case reference is the bot's own, not personal data: a family that shares its
partnership's code (Kent, Leeds) still gets a channel named by the reference, and a topic."""

from __future__ import annotations

import pytest

from tests.support.world import World


@pytest.mark.parametrize(("playbook", "family"), [("kent-2024", "Kent"), ("leeds", "Leeds")])
async def test_a_family_named_like_the_partnership_code_can_be_notified(
    playbook: str, family: str
) -> None:
    world = World(playbook)
    ref = await world.open(family_names=(family,), child_names=(f"Jamie {family}",))
    assert ref.startswith(f"{family.upper()}-RR-")
    assert list(world.chat.channels) == [f"#{ref.lower()}"]
    topics = [i.text for i in world.transcript.items if i.kind == "topic"]
    assert topics and all(
        t.startswith(f"{ref} · ") for t in topics
    )  # the full topic, not the bare ref
