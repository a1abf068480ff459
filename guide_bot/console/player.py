"""The player loop: drives a `SessionMachine` with the wall clock, keys, the screen and the speaker.

The timing is the session engine's, not the player's: the loop waits for the earliest of the
session's next deadline (`next_due`), the next screen refresh and a key, then calls
`session.advance(now)` and acts on the `Due` items it returns. A cue delivered more than
`STALE_S` seconds after it fell due (the machine was suspended, or the terminal was stopped with
Ctrl-Z) is shown but not spoken: speaking a pile of old cues at once would only confuse.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from guide_bot.console.display import Display
from guide_bot.console.keys import Action, KeySource, actions_for
from guide_bot.console.screen import View, clock_text, render
from guide_bot.console.sound import Sound
from guide_bot.domain.clock import Clock
from guide_bot.domain.routine import Routine
from guide_bot.domain.session import ADD_TIME_S, NotInHold, SessionError, SessionMachine
from guide_bot.domain.session_types import Due, SessionState
from guide_bot.domain.timeline import CueKind
from guide_bot.i18n import EN, Translator

logger = logging.getLogger(__name__)

STALE_S = 2.0  # later than this, a cue is shown but not spoken
REFRESH_S = 0.2  # the countdown shows whole seconds; five frames a second keep it exact
FINISH_WAIT_S = 5.0  # at the end, how long the last words and the chime may take


class Player:
    """One session played in the terminal; `run` returns when it is finished or stopped."""

    def __init__(
        self,
        *,
        routine: Routine,
        session: SessionMachine,
        clock: Clock,
        keys: KeySource,
        display: Display,
        sound: Sound,
        notices: Sequence[str] = (),
        tr: Translator = EN,
    ) -> None:
        self.routine = routine
        self.tr = tr
        self.session = session
        self._clock = clock
        self._keys = keys
        self._display = display
        self._sound = sound
        self._notices = list(notices)
        self._sound_failure_told = False
        self._last: Due | None = None
        self._said: str | None = None
        self._hold_start_s: float | None = None
        self._feedback: str | None = None
        self.spoken = 0  # cues handed to the sound port
        self.late = 0  # cues shown but not spoken because they were late
        for notice in self._notices:
            display.notice(notice)

    # ------------------------------------------------------------------ the loop
    def run(self) -> SessionState:
        """Play the session to its end or until the user stops it (q, Ctrl-C)."""
        try:
            self._deliver(self.session.start(self._clock.now()))
            while not self.session.state.closed:
                self.tick()
        except KeyboardInterrupt:
            self._stop(self.tr.gettext("Ctrl-C pressed."))
        finally:
            self._frame(self._clock.now())
            try:
                if self.session.state is SessionState.FINISHED:
                    self._sound.finish(FINISH_WAIT_S)  # the last words and the chime
                else:
                    self._sound.hush()
                    self._sound.finish(0.0)
            except KeyboardInterrupt:  # Ctrl-C while the last words play: cut them
                self._sound.hush()
                self._sound.finish(0.0)
            self._display.close(self.summary())
        return self.session.state

    def tick(self) -> None:
        """One turn: draw, wait for a key or the next deadline, act, deliver what fell due."""
        now = self._clock.now()
        self._frame(now)
        chars = self._keys.wait(self._timeout(now))
        for action in actions_for(chars):
            if self.session.state.closed:
                break
            self.act(action)
        if not self.session.state.closed:
            self._deliver(self.session.advance(self._clock.now()))

    def act(self, action: Action) -> None:
        """Apply one key's action to the session at the current time."""
        session, now = self.session, self._clock.now()
        tr = self.tr
        try:
            if action is Action.QUIT:
                self._stop(None)
            elif action is Action.TOGGLE_PAUSE:
                if session.state is SessionState.PAUSED:
                    self._deliver(session.resume(now))
                    self._feedback = tr.gettext("Resumed.")
                else:
                    self._deliver(session.pause(now))  # shown; then silence for the pause
                    self._sound.hush()
                    self._feedback = tr.gettext("Paused.")
            elif action is Action.SKIP:
                self._sound.hush()
                self._deliver(session.skip(now))
                step = session.position(now).step
                closed = session.state.closed
                if closed:
                    self._feedback = tr.gettext("Skipped to the end.")
                else:
                    self._feedback = tr.t("Skipped to step {step}.", step=step)
            elif action is Action.BACK:
                self._sound.hush()
                self._deliver(session.back(now))
                step = session.position(now).step
                if step:
                    self._feedback = tr.t("Back to the start of step {step}.", step=step)
                else:
                    self._feedback = tr.gettext("Back to the beginning.")
            elif action is Action.ADD_TIME:
                self._deliver(session.add_time(now, ADD_TIME_S))
                self._feedback = tr.t("+{seconds} s added to this hold.", seconds=f"{ADD_TIME_S:g}")
        except NotInHold:
            self._feedback = tr.t(
                "+{seconds} s works only during a hold.", seconds=f"{ADD_TIME_S:g}"
            )
        except SessionError as exc:
            self._feedback = str(exc).capitalize() + "."

    def summary(self) -> str:
        """The closing line: how it ended and how long it took."""
        pos = self.session.position(self._clock.now())
        tr = self.tr
        times = tr.t("{time} active", time=clock_text(round(pos.elapsed_active_s)))
        if pos.paused_total_s >= 1:
            times += ", " + tr.t("{time} paused", time=clock_text(round(pos.paused_total_s)))
        if self.late:
            times += "; " + tr.n(
                "{n} late cue shown but not spoken", "{n} late cues shown but not spoken", self.late
            )
        title = self.routine.title
        if pos.state is SessionState.FINISHED:
            return tr.t("Session complete: {title}, {times}.", title=title, times=times)
        if pos.step:
            return tr.t(
                "Stopped at step {step} of {count}: {title}, {times}.",
                step=pos.step,
                count=pos.step_count,
                title=title,
                times=times,
            )
        return tr.t("Stopped at getting ready: {title}, {times}.", title=title, times=times)

    # ------------------------------------------------------------------ helpers
    def _stop(self, feedback: str | None) -> None:
        self._sound.hush()
        if not self.session.state.closed:
            self._deliver(self.session.stop(self._clock.now()))
        self._feedback = feedback

    def _timeout(self, now: float) -> float:
        due = self.session.next_due()
        wait = REFRESH_S
        if due is not None:
            wait = min(wait, max(0.0, due - now))
        return wait

    def _deliver(self, dues: list[Due]) -> None:
        """Show every due cue; hand the timely ones to the sound port."""
        now = self._clock.now()
        for due in dues:
            late = now - due.due_at > STALE_S
            event = due.event
            self._last = due
            if event.kind is CueKind.HOLD_START:
                self._hold_start_s = event.at_s
            if event.kind is CueKind.ANNOUNCE:
                self._said = None  # the frame shows the step's title and instruction already
            elif event.text and event.kind is not CueKind.COMPLETE:
                self._said = event.text + (self.tr.gettext(" (late: not spoken)") if late else "")
            self._display.cue(event.at_s, event.text, late=late)
            if late:
                self.late += 1
            else:
                self.spoken += 1
                self._sound.cue(event)
        failure = self._sound.failure
        if failure and not self._sound_failure_told:
            self._sound_failure_told = True
            notice = self.tr.t(
                "Audio stopped working ({failure}): carrying on in text with the bell.",
                failure=failure,
            )
            self._notices.append(notice)
            self._display.notice(notice)

    def view(self, now: float) -> View:
        """The frame's content at `now`."""
        session = self.session
        events = session.timeline.events
        next_kind: CueKind | None = None
        if self._last is not None and self._last.index + 1 < len(events):
            next_kind = events[self._last.index + 1].kind
        due = session.next_due()
        return View(
            routine=self.routine,
            position=session.position(now),
            last_kind=self._last.event.kind if self._last else None,
            said=self._said,
            next_kind=next_kind,
            next_in_s=None if due is None else max(0.0, due - now),
            hold_start_s=self._hold_start_s,
            tr=self.tr,
            feedback=self._feedback,
            notices=tuple(self._notices),
            keys=self._keys.interactive,
        )

    def _frame(self, now: float) -> None:
        self._display.show(render(self.view(now), self._display.width))
