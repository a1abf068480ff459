"""Every shipped routine plans cleanly: no cue talks over another, every hold is as written."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from guide_bot.domain.session import SessionMachine
from guide_bot.domain.timeline import CueKind, PlanOptions, plan
from guide_bot.library.loader import load_routines


def test_every_shipped_routine_plans_without_overlap_and_runs_to_its_end(
    library_dir: Path,
) -> None:
    result = load_routines((library_dir,))
    assert result.routines, "the shipped library is empty"
    gap = PlanOptions().gap_s
    for routine in result.routines.values():
        timeline = plan(routine)
        spoken = [e for e in timeline.events if e.spoken]
        for before, after in itertools.pairwise(spoken):
            assert before.at_s + before.speak_s + gap <= after.at_s + 1e-9, routine.id
        for hold in timeline.holds:
            written = routine.steps[hold.step - 1].hold_s
            assert hold.end_s - hold.start_s == pytest.approx(written), (routine.id, hold)
        cues = sum(len(s.cues) * s.reps * len(s.side_names) for s in routine.steps)
        assert sum(e.kind is CueKind.CUE for e in timeline.events) == cues
        session = SessionMachine(timeline)
        dues = session.start(0.0) + session.advance(timeline.total_s)
        assert [d.event for d in dues] == list(timeline.events)
