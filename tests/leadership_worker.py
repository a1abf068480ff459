"""A tiny process for the leadership tests: wait to lead, then write heartbeats while leading.

Usage: python leadership_worker.py DATABASE_URL EVENTS_FILE HEARTBEAT_FILE

EVENTS_FILE gets `leader <unix time> <backend pid>` when it starts to lead and `lost <unix time>`
when its leadership is lost (then it exits with status 3). While leading it appends
`<pid> <unix time>` to HEARTBEAT_FILE every 50 ms, so a test can see that two never overlap.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from guide_bot.storage.leadership import PostgresLeadership

NAME = "guide-bot-leadership-test"


def note(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(line + "\n")


async def main(url: str, events: Path, heartbeats: Path) -> int:
    leadership = PostgresLeadership(url, name=NAME)
    await leadership.wait_until_leader()
    note(events, f"leader {time.time()} {leadership.backend_pid}")
    stop = asyncio.Event()

    async def on_lost() -> None:
        note(events, f"lost {time.time()}")
        stop.set()

    watcher = asyncio.create_task(leadership.watch(on_lost))
    while not stop.is_set() and leadership.check():
        note(heartbeats, f"{os.getpid()} {time.time()}")
        await asyncio.sleep(0.05)
    await watcher
    return 3


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))))
