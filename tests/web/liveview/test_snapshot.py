"""snapshot_of on a real planned shipped routine (neck-release), with fake times."""

from __future__ import annotations

import pytest

from guide_bot.domain.cues import CueKind
from guide_bot.domain.routine import Routine
from guide_bot.domain.session import SessionMachine
from guide_bot.domain.timeline import Timeline, plan
from guide_bot.web.liveview.snapshot import snapshot_of
from guide_bot.web.liveview.wire import snapshot_json
from tests.web.liveview.support import T0, shipped


@pytest.fixture(scope="module")
def routine() -> Routine:
    return shipped("neck-release")


@pytest.fixture(scope="module")
def timeline(routine: Routine) -> Timeline:
    return plan(routine)


@pytest.fixture
def session(timeline: Timeline) -> SessionMachine:
    session = SessionMachine(timeline)
    session.start(T0)
    return session


def key_of(text: str) -> str:
    return f"key:{text}"


def snap(session: SessionMachine, routine: Routine, at: float, wall: float | None = None):  # type: ignore[no-untyped-def]
    now = T0 + at
    return snapshot_of(
        session,
        routine,
        now=now,
        session_id="s-1",
        clock_wall=now if wall is None else wall,
        clip_key=key_of,
    )


def test_get_ready_points_at_step_one(
    session: SessionMachine, routine: Routine, timeline: Timeline
) -> None:
    s = snap(session, routine, 2.0)
    announce = timeline.events[1]
    assert (s.state, s.phase, s.step, s.step_count) == ("running", "get_ready", None, 4)
    assert s.step_title is None
    assert s.hold is None
    assert s.next is not None
    assert (s.next.kind, s.next.step) == ("step", 1)
    assert s.next.title == routine.steps[0].title
    assert s.next.at == pytest.approx(T0 + announce.at_s)
    assert s.server_time == T0 + 2.0
    assert s.progress == pytest.approx(2.0 / timeline.total_s)
    assert s.ends_at == pytest.approx(T0 + timeline.total_s)
    first = s.cues[0]  # still being spoken at 2 s: the page may join it
    assert (first.kind, first.at, first.audio_key) == ("prepare", T0, key_of(first.text))


def test_in_the_first_hold(session: SessionMachine, routine: Routine, timeline: Timeline) -> None:
    hold = timeline.holds[0]
    s = snap(session, routine, hold.start_s + 10.0)
    assert (s.phase, s.step, s.side) == ("hold", 1, "right")
    assert s.step_title == routine.steps[0].title
    assert s.instruction == routine.steps[0].instruction
    assert s.hold is not None
    assert s.hold.length_s == pytest.approx(45.0)
    assert s.hold.left_s == pytest.approx(35.0)
    assert s.hold.started_at == pytest.approx(T0 + hold.start_s)
    assert s.hold.ends_at == pytest.approx(T0 + hold.end_s)
    assert (s.hold.side, s.hold.rep, s.hold.reps) == ("right", 1, 1)
    left_start = next(
        e for e in timeline.events if e.kind is CueKind.HOLD_START and e.side == "left"
    )
    assert s.next is not None
    assert (s.next.kind, s.next.side) == ("hold", "left")
    assert s.next.at == pytest.approx(T0 + left_start.at_s)
    assert all(c.at > T0 + hold.start_s + 10.0 - c.speak_s for c in s.cues)
    assert all(c.at <= T0 + hold.start_s + 10.0 + 120.0 for c in s.cues)
    assert [c.kind for c in s.cues[:2]] == ["cue", "halfway"]


def test_announce_shows_the_coming_hold_at_full_length(
    session: SessionMachine, routine: Routine, timeline: Timeline
) -> None:
    s = snap(session, routine, timeline.step_starts[0] + 1.0)
    assert (s.phase, s.step) == ("announce", 1)
    assert s.hold is not None
    assert s.hold.left_s == pytest.approx(45.0)
    assert s.hold.started_at == pytest.approx(T0 + timeline.holds[0].start_s)


def test_wall_times_follow_clock_wall_not_now(
    session: SessionMachine, routine: Routine, timeline: Timeline
) -> None:
    hold = timeline.holds[0]
    wall = 1_900_000_000.0  # the server's wall clock may differ from the session's time base
    s = snap(session, routine, hold.start_s + 5.0, wall=wall)
    assert s.server_time == wall
    assert s.hold is not None
    assert s.hold.ends_at == pytest.approx(wall + 40.0)
    assert s.cues[0].at > wall


def test_paused_freezes_and_plays_nothing(
    session: SessionMachine, routine: Routine, timeline: Timeline
) -> None:
    hold = timeline.holds[0]
    session.pause(T0 + hold.start_s + 20.0)
    s = snap(session, routine, hold.start_s + 300.0)  # long after: nothing moved
    assert (s.state, s.phase) == ("paused", "hold")
    assert s.hold is not None
    assert s.hold.left_s == pytest.approx(25.0)
    assert s.hold.ends_at == pytest.approx(s.server_time + 25.0)  # as if resumed now
    assert s.cues == ()
    assert s.ends_at is None
    assert s.next is not None
    assert s.next.at is None
    assert s.offset_s == pytest.approx(hold.start_s + 20.0)


def test_added_time_lengthens_the_hold_and_moves_what_follows(
    session: SessionMachine, routine: Routine, timeline: Timeline
) -> None:
    hold = timeline.holds[0]
    before = snap(session, routine, hold.start_s + 5.0)
    session.add_time(T0 + hold.start_s + 5.0)
    after = snap(session, routine, hold.start_s + 5.0)
    assert after.hold is not None
    assert before.hold is not None
    assert after.hold.length_s == pytest.approx(60.0)
    assert after.hold.ends_at == pytest.approx(before.hold.ends_at + 15.0)
    assert after.total_s == pytest.approx(timeline.total_s + 15.0)
    assert after.next is not None
    assert before.next is not None
    assert after.next.at == pytest.approx(before.next.at + 15.0)  # type: ignore[operator]


def test_skip_then_back_move_the_step(session: SessionMachine, routine: Routine) -> None:
    at = session.timeline.step_starts[0] + 2  # in step 1's announcement
    session.skip(T0 + at)  # to step 2's
    s = snap(session, routine, at)
    assert (s.step, s.phase, s.step_title) == (2, "announce", routine.steps[1].title)
    assert s.cues[0].kind == "announce"
    assert s.cues[0].at == pytest.approx(T0 + at)
    session.back(T0 + at + 1)  # within the grace: back to step 1
    assert snap(session, routine, at + 1).step == 1


def test_finished_and_stopped(
    routine: Routine, timeline: Timeline, session: SessionMachine
) -> None:
    end = timeline.total_s
    session.advance(T0 + end + 1)
    s = snap(session, routine, end + 5)
    assert (s.state, s.phase, s.progress, s.hold, s.cues) == ("finished", "done", 1.0, None, ())
    other = SessionMachine(timeline)
    other.start(T0)
    other.stop(T0 + 100.0)
    s = snap(other, routine, 200.0)
    assert (s.state, s.phase, s.ends_at) == ("stopped", "done", None)
    assert s.progress == pytest.approx(100.0 / end)


def test_ready_session(routine: Routine, timeline: Timeline) -> None:
    s = snap(SessionMachine(timeline), routine, 0.0)
    assert (s.state, s.phase, s.progress, s.cues) == ("ready", "ready", 0.0, ())


def test_wrong_routine_is_refused(session: SessionMachine) -> None:
    with pytest.raises(ValueError, match="not the one session 's-1' runs"):
        snap(session, shipped("foot-reset"), 1.0)


def test_every_second_of_a_session_is_consistent(
    session: SessionMachine, routine: Routine, timeline: Timeline
) -> None:
    seen_phases: set[str] = set()
    last_progress = 0.0
    t = 0.0
    while t < timeline.total_s:
        s = snap(session, routine, t)
        seen_phases.add(s.phase)
        assert last_progress <= s.progress <= 1.0
        last_progress = s.progress
        if s.phase == "hold":
            assert s.hold is not None
            # the phase is "hold" from the start of its "... now" words; the hold after them
            now_words = max(e.speak_s for e in timeline.events if e.kind.value == "hold_start")
            assert s.hold.started_at - now_words - 0.01 <= s.server_time < s.hold.ends_at
            assert 0.0 <= s.hold.left_s <= s.hold.length_s
        if s.hold is not None:
            assert s.side == s.hold.side
        assert all(c.at + c.speak_s > s.server_time for c in s.cues if c.speak_s)
        assert s.next is not None
        t += 1.0
    assert seen_phases == {"get_ready", "announce", "hold", "switch", "release", "rest"}


def test_json_shape(session: SessionMachine, routine: Routine, timeline: Timeline) -> None:
    s = snap(session, routine, timeline.holds[0].start_s + 1.0)
    data = snapshot_json(s, lambda key: f"api/audio/{key}")
    assert set(data) == {
        "session_id", "routine", "state", "phase", "server_time", "step", "step_count",
        "step_title", "instruction", "side", "hold", "next", "progress", "offset_s", "total_s",
        "ends_at", "cues", "picture", "language", "words",
    }  # fmt: skip
    assert data["language"] == "en"
    assert data["words"]["pause"] == "Pause"
    assert data["words"]["step_heading"] == "Step {step} of {count}: {title}"
    assert data["routine"] == {"id": "neck-release", "title": routine.title}
    assert set(data["hold"]) == {
        "length_s",
        "left_s",
        "started_at",
        "ends_at",
        "side",
        "rep",
        "reps",
    }
    assert set(data["next"]) == {"kind", "step", "title", "side", "at"}
    cue = data["cues"][0]
    assert cue["audio_url"] == f"api/audio/key:{cue['text']}"
    assert snapshot_json(s, None)["cues"][0]["audio_url"] is None


def test_the_pages_words_come_in_the_sessions_language(
    session: SessionMachine, routine: Routine, timeline: Timeline
) -> None:
    from dataclasses import replace

    from guide_bot.i18n import translator
    from guide_bot.web.liveview.words import PAGE_WORDS

    s = replace(snap(session, routine, timeline.holds[0].start_s + 1.0), language="es")
    data = snapshot_json(s, None)
    es = translator("es")
    assert data["language"] == "es"
    assert set(data["words"]) == set(PAGE_WORDS)
    assert data["words"] == {key: es.gettext(message) for key, message in PAGE_WORDS.items()}
    same = [k for k, v in data["words"].items() if v == PAGE_WORDS[k] and k != "add"]  # "+15 s"
    assert same == [], f"es: not translated yet: {same}"  # red until the catalog has them
