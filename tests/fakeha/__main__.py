"""Run the fake Home Assistant by hand: `cd tests && python -m fakeha --port 8123`."""

from __future__ import annotations

import argparse
import asyncio

from fakeha.server import FakeHomeAssistant
from guide_bot.domain.clock import SystemClock


async def main(port: int, token: str) -> None:
    ha = FakeHomeAssistant(SystemClock(), token=token)
    ha.port = port
    ha.add_player("media_player.kitchen", "Kitchen speaker")
    ha.add_player("media_player.office", "Office")
    await ha.start()
    print(f"fake Home Assistant on {ha.url} (token {token})", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await ha.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--token", default="ha-token")
    args = parser.parse_args()
    asyncio.run(main(args.port, args.token))
