"""After a restart, sessions on the same plan share one rebuilt timeline (start-up cost)."""

from __future__ import annotations

from pathlib import Path

from bot.harness import write_library
from guide_bot.domain.session import Session
from guide_bot.library.loader import load_routines
from guide_bot.scheduling.plans import rebuild_plan
from guide_bot.scheduling.restore import _Plans


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


def test_sessions_on_a_shared_timeline_stay_independent(tmp_path: Path) -> None:
    routine = load_routines([write_library(tmp_path / "lib")]).routines["quick-test"]
    timeline = _Plans().get(routine, {"countdown": True, "speak": {}})
    one, two = Session(timeline), Session(timeline)
    one.start(1000.0)
    two.start(2000.0)
    one.pause(1001.0)
    restored = Session.from_dict(two.to_dict(), timeline)
    assert restored.next_due() == two.next_due()
    assert one.state.value == "paused"
    assert two.state.value == "running"
