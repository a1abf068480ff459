"""The Bot API client: CPU per sendMessage with PTB's default HTTPXRequest and with ours.

The bot process's CPU per call is what limits how many sessions run on time (bench_timing.py).
Each client sends the same burst of step messages (HTML, to 1,000 chats, 8 in flight) to the lean
server in its own process; the figure is this process's CPU time per call. Beside them, the same
calls answered without any HTTP (a request object that returns a recorded answer) show what
python-telegram-bot itself costs per call. The clients alternate within each run.

    python bench/bench_http.py            # 5 runs of 3,000 calls each
    python bench/bench_http.py --quick    # 1 run of 1,000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Callable

from common import TOKEN, lean_server, machine, median, quiet_logs, table
from telegram import Bot
from telegram.constants import ParseMode
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from guide_bot.telegram.http import IN_FLIGHT, AiohttpRequest

GET_ME = {"id": 1, "is_bot": True, "first_name": "bench", "username": "bench_bot"}


class RecordedRequest(BaseRequest):
    """Answers every call with a recorded sendMessage answer: PTB's own cost, no HTTP."""

    def __init__(self, answer: bytes) -> None:
        self._answer = answer

    @property
    def read_timeout(self) -> float:
        """Unused: nothing is read from a network."""
        return 5.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = None,
        write_timeout: object = None,
        connect_timeout: object = None,
        pool_timeout: object = None,
    ) -> tuple[int, bytes]:
        """Encode the parameters as a real client would, then answer from the recording."""
        if request_data is not None:
            request_data.url_encoded_parameters()
        if url.endswith("/getMe"):
            return 200, json.dumps({"ok": True, "result": GET_ME}).encode()
        return 200, self._answer


async def cpu_per_call(base_url: str, request: BaseRequest, calls: int) -> float:
    """This process's CPU time per sendMessage (ms), `IN_FLIGHT` at a time."""
    bot = Bot(TOKEN, base_url=base_url, request=request, get_updates_request=request)
    async with bot:
        await bot.send_message(1, "warm up")
        gate = asyncio.Semaphore(IN_FLIGHT)

        async def one(i: int) -> None:
            async with gate:
                text = f"<b>Step {i % 3 + 1} of 3 · Ball press</b>\nLean in to about 6 of 10."
                await bot.send_message(10_000 + i % 1000, text, parse_mode=ParseMode.HTML)

        began = time.process_time()
        await asyncio.gather(*(one(i) for i in range(calls)))
        return (time.process_time() - began) / calls * 1000


async def main_async(runs: int, calls: int) -> None:
    """Alternate the clients within each run; print the medians and the ratio."""
    with lean_server() as server:
        sample = Bot(TOKEN, base_url=server.base_url, request=HTTPXRequest())
        async with sample:
            message = await sample.send_message(1, "sample")
        answer = json.dumps({"ok": True, "result": message.to_dict()}).encode()
        clients: dict[str, Callable[[], BaseRequest]] = {
            "PTB default (HTTPXRequest, pool 8)": lambda: HTTPXRequest(
                connection_pool_size=IN_FLIGHT
            ),
            "guide-bot (AiohttpRequest, 8 in flight)": AiohttpRequest,
            "PTB alone (recorded answer, no HTTP)": lambda: RecordedRequest(answer),
        }
        figures: dict[str, list[float]] = {name: [] for name in clients}
        for run in range(runs):
            order = list(clients) if run % 2 == 0 else list(clients)[::-1]
            for name in order:
                ms = await cpu_per_call(server.base_url, clients[name](), calls)
                figures[name].append(ms)
                print(f"  run {run + 1}/{runs} {name}: {ms:.3f} ms CPU per call", flush=True)
    httpx_ms, ours_ms, ptb_ms = (median(v) for v in figures.values())
    print()
    print(f"CPU per sendMessage, {calls:,} calls a run (median of {runs} runs) - {machine()}")
    rows = [[name, f"{median(v):.3f}"] for name, v in figures.items()]
    print(table(["client", "ms CPU per call"], rows))
    print(
        f"httpx / aiohttp: {httpx_ms / ours_ms:.2f}x; transport alone (minus PTB's part):"
        f" {httpx_ms - ptb_ms:.3f} vs {ours_ms - ptb_ms:.3f} ms"
    )


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 run of 1,000 calls")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--calls", type=int, default=None)
    args = parser.parse_args()
    quiet_logs()
    runs = args.runs or (1 if args.quick else 5)
    calls = args.calls or (1000 if args.quick else 3000)
    asyncio.run(main_async(runs, calls))


if __name__ == "__main__":
    main()
