"""The player loop on a fake clock: it drives the session machine; keys act; late cues are quiet."""

from __future__ import annotations

import pytest
from player_fakes import RecordingDisplay, RecordingSound, ScriptedKeys, tiny_routine

from guide_bot.console.keys import Action
from guide_bot.console.player import REFRESH_S, STALE_S, Player
from guide_bot.console.sound import BellSound
from guide_bot.domain.clock import FakeClock
from guide_bot.domain.reading import reading_time_s
from guide_bot.domain.session import SessionMachine
from guide_bot.domain.session_types import SessionState
from guide_bot.domain.timeline import CueKind, Timeline, TimelineEvent, plan


def _player(
    script: list[tuple[float, str]] | None = None,
) -> tuple[Player, FakeClock, RecordingDisplay, RecordingSound, Timeline]:
    routine = tiny_routine()
    timeline = plan(routine, speak_s=reading_time_s)
    clock = FakeClock()
    display, sound = RecordingDisplay(), RecordingSound()
    player = Player(
        routine=routine,
        session=SessionMachine(timeline),
        clock=clock,
        keys=ScriptedKeys(clock, script),
        display=display,
        sound=sound,
        notices=("Text only (test).",),
    )
    return player, clock, display, sound, timeline


def test_a_whole_session_plays_every_cue_at_its_time() -> None:
    player, clock, display, sound, timeline = _player()
    start = clock.now()
    assert player.run() is SessionState.FINISHED
    assert [e.text for e in sound.events] == [e.text for e in timeline.events]
    # each cue was handed out within one refresh of its planned time, never before it
    keys = player._keys
    assert isinstance(keys, ScriptedKeys)
    assert max(keys.waits) <= REFRESH_S
    assert clock.now() - start == pytest.approx(timeline.total_s, abs=REFRESH_S)
    assert display.notices == ["Text only (test)."]
    assert display.summary is not None
    assert display.summary.startswith("Session complete: Tiny test, 0:")
    assert "Session complete. Well done." in display.frames[-1]
    assert any("PRESS  0:03 left" in line for frame in display.frames for line in frame)
    assert any("PRESS  0:01 left" in line for frame in display.frames for line in frame)
    assert sound.finished is not None


def test_the_loop_wakes_exactly_at_the_next_deadline() -> None:
    player, _clock, _display, sound, timeline = _player()
    player.run()
    due_times = [e.at_s for e in timeline.events]
    # every deadline was met exactly: the loop waits min(refresh, next_due - now)
    heard = [e.at_s for e in sound.events]
    assert heard == due_times


def test_keys_pause_skip_back_add_and_quit() -> None:
    routine = tiny_routine()
    timeline = plan(routine, speak_s=reading_time_s)
    hold = timeline.holds[0].start_s
    player, _clock, display, sound, _ = _player(
        [
            (hold + 0.5, " "),  # pause in the first hold
            (hold + 5.0, " "),  # resume 4.5 s later
            (hold + 5.5, "+"),  # add 15 s
            (hold + 6.0, "n"),  # skip to step 2
            (hold + 6.5, "b"),  # back within 3 s of step 2's start: to step 1
            (hold + 7.0, "q"),
        ]
    )
    assert player.run() is SessionState.STOPPED
    feedback = [frame[-3] for frame in display.frames]
    for expected in (
        "Paused.",
        "Resumed.",
        "+15 s added to this hold.",
        "Skipped to step 2.",
        "Back to the start of step 1.",
    ):
        assert expected in feedback, expected
    assert sound.hushes >= 4  # pause, skip, back, quit each cut the speech
    announces = [e for e in sound.events if e.kind is CueKind.ANNOUNCE]
    assert [e.step for e in announces] == [1, 2, 1]
    assert display.summary is not None
    assert display.summary.startswith("Stopped at step 1 of 2: Tiny test")
    assert "0:04 paused" in display.summary
    paused_frames = [f for f in display.frames if any("PAUSED" in line for line in f)]
    assert paused_frames
    assert any("PRESS  0:03 left" in line for line in paused_frames[0])
    # +15 s made the first hold longer: 2 s left plus 15 on the countdown
    longer = [line for frame in display.frames for line in frame if "PRESS  0:17 left" in line]
    assert longer
    assert 1 <= longer[0].count("█") <= 3  # 1-2 s of 18 held: the bar knows the new length


def test_add_time_outside_a_hold_is_refused_with_a_message() -> None:
    player, _clock, display, _sound, _ = _player([(0.1, "+"), (0.2, "q")])
    player.run()
    assert any("+15 s works only during a hold." in frame for frame in display.frames)


def test_skip_on_the_last_step_completes_the_session() -> None:
    player, _clock, display, sound, _ = _player([(0.1, "n"), (0.2, "n"), (0.3, "n")])
    assert player.run() is SessionState.FINISHED
    assert sound.events[-1].kind is CueKind.COMPLETE
    assert display.summary is not None
    assert display.summary.startswith("Session complete")


def test_late_cues_are_shown_but_not_spoken() -> None:
    player, clock, display, sound, timeline = _player()
    player.session.start(clock.now())
    clock.advance(timeline.holds[0].start_s + STALE_S + 0.5)  # the machine slept
    player.tick()
    late = [text for _at, text, was_late in display.cues if was_late]
    assert "Press now." in late
    assert all(e.kind is not CueKind.HOLD_START for e in sound.events)
    assert player.late == len(late)
    assert "(late: not spoken)" in (player.view(clock.now()).said or "")


def test_ctrl_c_stops_the_session_and_still_closes_the_display() -> None:
    player, clock, display, sound, _ = _player()

    class Interrupting(ScriptedKeys):
        def wait(self, timeout: float) -> str:
            raise KeyboardInterrupt

    player._keys = Interrupting(clock)
    assert player.run() is SessionState.STOPPED
    assert display.summary is not None
    assert display.summary.startswith("Stopped at getting ready")
    assert sound.hushes >= 1


def test_bell_rings_at_hold_start_release_and_end_in_text_mode() -> None:
    rings: list[int] = []
    bell = BellSound(lambda: rings.append(1))
    for event in plan(tiny_routine(), speak_s=reading_time_s).events:
        bell.cue(event)
    assert len(rings) == 2 + 2 + 1  # two holds: start and release each, and the end


def test_actions_are_applied_in_order_of_typing() -> None:
    player, clock, _display, _sound, timeline = _player()
    player.session.start(clock.now())
    clock.advance(timeline.holds[0].start_s + 0.1)
    player.session.advance(clock.now())
    player.act(Action.TOGGLE_PAUSE)
    assert player.session.state is SessionState.PAUSED
    player.act(Action.TOGGLE_PAUSE)
    assert player.session.state is SessionState.RUNNING
    player.act(Action.QUIT)
    assert player.session.state is SessionState.STOPPED


def test_between_holds_the_frame_counts_down_to_what_comes_next() -> None:
    routine = tiny_routine(
        steps=[
            {
                "title": "Sided",
                "instruction": "Lean in.",
                "technique": "compress",
                "hold_s": 2,
                "sides": "left-right",
                "rest_s": 4,
            },
            {"title": "Last", "instruction": "Breathe.", "technique": "breathe", "hold_s": 2},
        ]
    )
    timeline = plan(routine, speak_s=reading_time_s)
    clock = FakeClock()
    display, sound = RecordingDisplay(), RecordingSound()
    player = Player(
        routine=routine,
        session=SessionMachine(timeline),
        clock=clock,
        keys=ScriptedKeys(clock),
        display=display,
        sound=sound,
    )
    assert player.run() is SessionState.FINISHED
    lines = [line for frame in display.frames for line in frame]
    assert any(line.startswith("Switch sides  Hold starts in 0:0") for line in lines)
    assert any(line.startswith("Rest  Next step in 0:0") for line in lines)
    assert any(line.startswith("Get into position  Hold starts in 0:0") for line in lines)
    assert any(line.startswith("BREATHE  0:02 left") for line in lines)
    assert any(line.startswith("Sided · left side") for line in lines)


def test_audio_failing_mid_session_is_told_once_and_the_bell_takes_over() -> None:
    import threading

    from guide_bot.console.audio import PlaybackError
    from guide_bot.console.sound import VoiceSound
    from guide_bot.console.speaker import Speaker

    class Unplugged:
        name = "unplugged"

        def play(self, wav: bytes, cancel: threading.Event) -> None:
            raise PlaybackError("device unplugged")

    class Clips:
        def event_wav(self, event: TimelineEvent) -> bytes:
            return event.text.encode()

    rings: list[int] = []
    speaker = Speaker(Unplugged())
    sound = VoiceSound(Clips(), speaker, lambda: rings.append(1))
    timeline = plan(tiny_routine(), speak_s=reading_time_s)
    sound.cue(timeline.events[0])
    assert speaker.wait_idle(2.0)
    assert sound.failure == "device unplugged"
    for event in timeline.events[1:]:
        sound.cue(event)
    assert len(rings) == 5  # two holds' start and release, and the end
    sound.finish(1.0)

    clock = FakeClock()
    display = RecordingDisplay()
    failing = RecordingSound()
    failing.failure = "device unplugged"
    player = Player(
        routine=tiny_routine(),
        session=SessionMachine(timeline),
        clock=clock,
        keys=ScriptedKeys(clock),
        display=display,
        sound=failing,
    )
    player.run()
    told = "Audio stopped working (device unplugged): carrying on in text with the bell."
    assert display.notices == [told]
