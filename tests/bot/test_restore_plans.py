"""After a restart, sessions on the same plan share one rebuilt timeline (start-up cost)."""

from __future__ import annotations

from pathlib import Path

from fakebot.server import FakeBotServer

from bot.harness import build_bot, running, set_mode, write_library
from guide_bot.domain.routine import Routine
from guide_bot.domain.session import SessionMachine
from guide_bot.library.loader import load_routines
from guide_bot.sessions.plans import rebuild_plan
from guide_bot.sessions.restore import _Plans


def test_same_routine_and_inputs_share_one_timeline(tmp_path: Path) -> None:
    routines = load_routines([write_library(tmp_path / "lib")]).routines
    quick, long = routines["quick-test"], routines["long-test"]
    plans = _Plans()
    inputs = {"countdown": True, "speak": {}}
    first = plans.get(quick, inputs)
    assert plans.get(quick, {"speak": {}, "countdown": True}) is first  # key order is no matter
    assert first == rebuild_plan(quick, inputs)  # and it is the plan the session started on
    assert plans.get(quick, {"countdown": False, "speak": {}}) is not first
    assert plans.get(long, inputs).routine_id == "long-test"
    again = quick.model_copy(update={"title": "Changed"})  # another routine object
    assert plans.get(again, inputs).title == "Changed"


def test_sessions_sharing_one_plan_object_find_it_without_a_rebuild(tmp_path: Path) -> None:
    routine = load_routines([write_library(tmp_path / "lib")]).routines["quick-test"]
    plans = _Plans()
    shared = {"countdown": True, "speak": {}}
    first = plans.played(routine, shared)
    assert plans.played(routine, shared) == first  # found by the object
    assert plans.played(routine, {"countdown": True, "speak": {}})[1] is first[1]  # by its text
    assert plans.get(routine, {"countdown": False, "speak": {}}) is not first[1]


def test_sessions_on_a_shared_timeline_stay_independent(tmp_path: Path) -> None:
    routine = load_routines([write_library(tmp_path / "lib")]).routines["quick-test"]
    timeline = _Plans().get(routine, {"countdown": True, "speak": {}})
    one, two = SessionMachine(timeline), SessionMachine(timeline)
    one.start(1000.0)
    two.start(2000.0)
    one.pause(1001.0)
    restored = SessionMachine.from_dict(two.to_dict(), timeline)
    assert restored.next_due() == two.next_due()
    assert one.state.value == "paused"
    assert two.state.value == "running"


async def test_restore_tries_the_library_first_and_still_finds_a_users_own_routine(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    library = load_routines([test_library]).routines
    base = library["quick-test"]
    longer = base.steps[0].model_copy(update={"hold_s": 5})
    own = base.model_copy(update={"title": "My own quick test", "steps": (longer, *base.steps[1:])})
    asked: list[int] = []

    def own_routines(user_id: int) -> list[Routine]:
        asked.append(user_id)
        return [own] if user_id == 2 else []

    first = build_bot(server, tmp_path, test_library)
    first.services.catalog.user_sources += (own_routines,)
    for user in (1, 2):
        first.services.users.ensure(user, user, first.services.now_utc())
        set_mode(first.services, user, "text")
    sessions = first.services.sessions
    async with running(first):
        await sessions.start(1, 1, library["quick-test"], None)  # the library routine
        await sessions.start(2, 2, own, None)  # the user's own routine, same id, other plan

    again = build_bot(server, tmp_path, test_library)
    again.services.catalog.user_sources += (own_routines,)
    asked.clear()
    restart = again.services.sessions
    restart.restore()
    one, two = restart.get(1), restart.get(2)
    assert one is not None
    assert two is not None
    assert one.routine.title == "Quick test routine"
    assert two.routine.title == "My own quick test"  # the library did not fit its stored plan
    assert asked == [2]  # only the session that did not fit asked for the user's routines
