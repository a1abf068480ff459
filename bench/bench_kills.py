"""Kill -9 the real `guide-bot run` process N times at seeded-random points and count what users
lost or got twice: steps of a session, reminders due around the kill (tests/kill_harness.py).

    nice python bench/bench_kills.py --kills 40 --seed 19

Half the kills fall at a random point of a four-step session, half around an instant when six
reminders fall due (from 20 s before it to 1 s after, or as the first of the six reaches the
server); the bot is started again after 0.2 to 5 s. Prints the figures (docs/bot.md,
docs/reminders.md).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from kill_harness import (
    Bot,
    Figures,
    KillingServer,
    prepare,
    random_rounds,
    reminder_round,
    session_round,
)


async def bench(kills: int, seed: int, kinds: tuple[str, ...], verbose: bool) -> Figures:
    total = Figures()
    with tempfile.TemporaryDirectory(prefix="bench-kills-") as tmp:
        folder = Path(tmp)
        library, database = prepare(folder)
        server = KillingServer()
        await server.start()
        try:
            bot = Bot(server, folder, library)
            for n, (kind, args) in enumerate(random_rounds(seed, kills, kinds), 1):
                started = time.monotonic()
                if kind == "session":
                    figures = await session_round(bot, **args)
                else:
                    figures = await reminder_round(bot, database, **args)
                total.add(figures)
                if verbose:
                    shown = {k: round(v, 2) if isinstance(v, float) else v for k, v in args.items()}
                    print(
                        f"{n:3d} {kind:9s} {shown} {time.monotonic() - started:.1f} s "
                        f"{'; '.join(figures.notes) or 'ok'}",
                        flush=True,
                    )
        finally:
            await server.stop()
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=40)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--only", choices=("session", "reminders"), help="one kind of kill only")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()
    kinds = (args.only,) if args.only else ("session", "reminders")
    f = asyncio.run(bench(args.kills, args.seed, kinds, not args.quiet))
    sessions = {"session": f.kills, "reminders": 0}.get(args.only or "", (f.kills + 1) // 2)
    print(
        f"kill -9 of guide-bot run: {f.kills} kills (seed {args.seed}), "
        f"{time.monotonic() - started:.0f} s"
    )
    print(
        f"  sessions: {sessions} killed; steps {f.steps_expected}: lost {f.steps_lost}, "
        f"repeated {f.steps_repeated}; paused {f.sessions_paused}, "
        f"unfinished {f.sessions_unfinished}"
    )
    print(
        f"  reminders: {f.kills - sessions} kills; {f.reminders_expected} due: "
        f"lost {f.reminders_lost}, sent twice {f.reminders_twice}"
    )
    for note in f.notes:
        print("  -", note)


if __name__ == "__main__":
    main()
