"""The Slack API fake in a process of its own, for benchmarks: a test's own process should
not pay for the fake's work, as it would not pay for Slack's.

`python -m tests.fakes.slack_api_process PORT EMAIL...` serves until killed; users are
added in the order given (ids U000000001, U000000002 ...).
"""

from __future__ import annotations

import sys

import uvicorn

from tests.fakes.slack_api import SlackApiFake


def main(argv: list[str]) -> None:
    port, emails = int(argv[0]), argv[1:]
    fake = SlackApiFake()
    fake.base_url = f"http://127.0.0.1:{port}/api/"
    for email in emails:
        fake.add_user(email)
    uvicorn.run(fake.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")


if __name__ == "__main__":
    main(sys.argv[1:])
