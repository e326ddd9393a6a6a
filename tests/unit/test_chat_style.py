"""One service text reads right on every chat: commands are written the one way and each chat
says them as its people type them."""

from __future__ import annotations

from bot.ports import SLASH_COMMANDS, ChatStyle

AT_BOT = ChatStyle(
    command_prefix="@Rapid Review",
    reply_here="reply in this chat",
    request_place="this chat",
    strong="**",
    space="chat",
)


def test_slack_and_the_console_keep_the_text_as_written() -> None:
    text = "Pick another quorate slot inside the window: /rapidreview schedule"
    assert SLASH_COMMANDS.say(text) == text
    assert SLASH_COMMANDS.bold("Submit return") == "*Submit return*"


def test_a_chat_typed_to_by_mention_says_each_command_its_own_way() -> None:
    said = AT_BOT.say(
        "Book one: /rapidreview book LLR-RR-2026-001 1. `/rapidreview help` lists the rest."
    )
    assert said == (
        "Book one: @Rapid Review book LLR-RR-2026-001 1. `@Rapid Review help` lists the rest."
    )
    assert AT_BOT.say("Type `/rapidreview` for help.") == "Type `@Rapid Review` for help."
    assert AT_BOT.bold("No involvement") == "**No involvement**"


def test_a_word_that_merely_starts_like_the_command_is_left_alone() -> None:
    assert AT_BOT.say("see /rapidreviews") == "see /rapidreviews"


def test_the_case_s_place_is_called_by_the_chat_s_own_name_for_it() -> None:
    said = "Which case? Run it in the case channel. Alex was added to this channel."
    assert SLASH_COMMANDS.say(said) == said
    assert AT_BOT.say(said) == "Which case? Run it in the case chat. Alex was added to this chat."
