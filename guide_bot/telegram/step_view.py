"""Quiet text mode in the chat: one message per step, edited as the step goes.

The step message shows the step (title, instruction, hold, pressure, point, side, caution), then
live lines: the hold's countdown and bar (or what starts the next hold, and when), the latest
cue, what comes next; the controls are under it and go with every edit (Telegram drops an inline
keyboard from an edit that does not repeat it). A step with a picture is the picture's caption,
edited with editMessageCaption (1,024 characters at most: the live lines give way first).

New messages, with a notification, only for moves (telegram/quiet.py says which cues): a hold
start, and a release with the rest and switch that follow it. The release that ends a step
carries the next step's message (step 1's goes with the get-ready), so the step is read during
the rest. The silent cues update the latest-cue line and are shown at the refreshes that
`refresh_points` allows, at a user's action, or with the next new message.

What the step message shows (its id, step, whether it is a caption, the latest cue) is stored
with the session (`StoredSession.step_view`), so after a restart the next refresh edits the same
message; only when that is gone (or for a session stored before the column existed) is a new step
message sent, silently, and edited from then on.

"Both" (voice and text) shows the same step message as the caption of each step's voice note
(presenter.py): `render` makes it and `remember` stores it the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from guide_bot.domain.cues import says_session_complete
from guide_bot.domain.session import Due, SessionState
from guide_bot.domain.timeline import CueKind
from guide_bot.sessions.live import LiveSession
from guide_bot.telegram import texts
from guide_bot.telegram.quiet import (
    ends_step,
    folded_after_release,
    hold_cues,
    hold_lengths,
    is_final_release,
    refresh_points,
)

if TYPE_CHECKING:
    from guide_bot.telegram.presenter import ChatPresenter

log = logging.getLogger(__name__)

CAPTION_LIMIT = 1000  # Telegram's is 1024 characters after entity parsing
STALE_AFTER_S = 2.0
_SILENT = {CueKind.CUE, CueKind.HALFWAY, CueKind.COUNTDOWN, CueKind.PACE}
_DROP_WHEN_STALE = {CueKind.COUNTDOWN, CueKind.HALFWAY}


@dataclass(kw_only=True)
class QuietState:
    """What the chat shows of a quiet text session (kept on `LiveSession.view`)."""

    message_id: int | None = None  # the step message (it carries the controls)
    step: int | None = None
    caption: bool = False  # a picture's caption: edited with editMessageCaption
    early: bool = False  # sent before its step's announcement (with the get-ready or a release)
    latest: str = ""  # the latest silent cue
    said: set[int] = field(default_factory=set)  # rest/switch cues said with their release

    def to_dict(self) -> dict[str, Any]:
        """What is stored with the session (JSON)."""
        return {
            "message_id": self.message_id,
            "step": self.step,
            "caption": self.caption,
            "early": self.early,
            "latest": self.latest,
            "said": sorted(self.said),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QuietState:
        """The state as stored; what is missing or of the wrong type is left at its default
        (the next refresh then sends a new step message)."""

        def number(name: str) -> int | None:
            value = data.get(name)
            return value if isinstance(value, int) and not isinstance(value, bool) else None

        said = data.get("said")
        return cls(
            message_id=number("message_id"),
            step=number("step"),
            caption=data.get("caption") is True,
            early=data.get("early") is True,
            latest=str(data.get("latest") or ""),
            said={i for i in said if isinstance(i, int)} if isinstance(said, list) else set(),
        )


def quiet_state(live: LiveSession) -> QuietState:
    """The session's quiet state, made on first use; after a restart, as it was stored."""
    if not isinstance(live.view, QuietState):
        stored = live.record.step_view
        live.view = QuietState.from_dict(stored) if isinstance(stored, dict) else QuietState()
    return live.view


def remember(live: LiveSession) -> None:
    """Keep what the step message shows with the session's record (stored with its progress)."""
    if isinstance(live.view, QuietState):
        live.record.step_view = live.view.to_dict()


def _next_what(live: LiveSession, after_s: float) -> str | None:
    """The next hold start or step after plan offset `after_s` (None: the end)."""
    timeline = live.session.timeline
    times = live.session.event_times()
    for index, event in enumerate(timeline.events):
        if times[index] <= after_s + 1e-6:
            continue
        if event.kind is CueKind.HOLD_START:
            return event.text
        if event.kind is CueKind.ANNOUNCE and event.step is not None:
            step = live.routine.steps[event.step - 1]
            return texts.step_heading(event.step, timeline.step_count, step.title, tr=live.tr)
    return None


def live_lines(live: LiveSession, state: QuietState, now: float) -> list[str]:
    """The step message's live lines at `now`: countdown and bar (or the wait for the next
    hold), the latest cue, what comes next."""
    session = live.session
    position = session.position(now)
    timeline = session.timeline
    times = session.event_times()
    offset = position.offset_s
    lines: list[str] = []
    if position.state is SessionState.PAUSED:
        lines.append(texts.using(live.tr).QUIET_PAUSED)
    if position.in_hold and position.hold_left_s is not None:
        starts = [
            i
            for i, e in enumerate(timeline.events)
            if e.kind is CueKind.HOLD_START and times[i] <= offset + 1e-6
        ]
        start = times[starts[-1]] + timeline.events[starts[-1]].speak_s if starts else offset
        done_s = max(0.0, offset - start)
        total = done_s + position.hold_left_s
        lines.append(
            texts.using(live.tr).quiet_hold_line(
                position.side, position.hold_left_s, done_s / total if total else 1
            )
        )
        after = offset + position.hold_left_s
    else:
        upcoming = next(
            (
                (i, e)
                for i, e in enumerate(timeline.events)
                if e.kind is CueKind.HOLD_START and times[i] > offset + 1e-6
            ),
            None,
        )
        if upcoming is not None:
            index, event = upcoming
            lines.append(texts.using(live.tr).quiet_waiting_line(event.text, times[index] - offset))
            after = times[index]
        else:
            after = offset
    if state.latest:
        lines.append(f"💬 {escape(state.latest)}")
    lines.append(texts.using(live.tr).quiet_next_line(_next_what(live, after)))
    return lines


def render(live: LiveSession, state: QuietState, now: float, head: str = "") -> str:
    """The step message: `head` (what came with it), the step, the live lines; a caption is cut
    to Telegram's limit by dropping live lines from the end."""
    assert state.step is not None
    step = live.routine.steps[state.step - 1]
    body = texts.using(live.tr).step_message(state.step, len(live.routine.steps), step)
    extra = live_lines(live, state, now)
    while True:
        parts = [p for p in (head, body, "\n".join(extra)) if p]
        text = "\n\n".join(parts)
        if not state.caption or len(text) <= CAPTION_LIMIT or not extra:
            return text
        extra.pop()


class QuietText:
    """Delivers a text session quietly (see the module docstring) through the chat presenter."""

    def __init__(self, presenter: ChatPresenter) -> None:
        self.presenter = presenter

    async def delivered(self, live: LiveSession, dues: Sequence[Due], now: float) -> None:
        """Send what these events say: new messages for moves, edits for the rest."""
        state = quiet_state(live)
        timeline = live.session.timeline
        refresh_at = refresh_points(timeline)
        holds, cues = hold_lengths(timeline), hold_cues(timeline)
        moves: list[str] = []
        hold_s: float | None = None
        hold_said: tuple[str, ...] = ()
        refresh = False
        for due in dues:
            if live.blocked:
                return
            event, index, kind = due.event, due.index, due.event.kind
            if kind is CueKind.PREPARE:
                first = timeline.step_starts[0] - event.at_s
                head = texts.using(live.tr).prepare_message(
                    live.routine.title, first, live.routine.stop_rule
                )
                await self.new_step(live, 1, now, head=head, notify=False, early=True)
            elif kind is CueKind.ANNOUNCE and event.step is not None:
                if state.step == event.step and state.early:
                    state.early = False  # already shown, with the get-ready or the release
                elif state.step == event.step and state.message_id is not None:
                    state.latest, refresh = "", True  # Back: the same step from its start
                else:
                    head = (
                        texts.using(live.tr).quiet_move(moves, hold_s, hold_said) if moves else ""
                    )
                    await self.new_step(live, event.step, now, head=head, notify=bool(moves))
                    moves, hold_s, hold_said = [], None, ()
            elif kind is CueKind.HOLD_START:
                moves.append(event.text)
                hold_s, hold_said = holds.get(index), cues.get(index, ())
            elif kind is CueKind.RELEASE:
                if is_final_release(timeline, index):
                    live.end_said = says_session_complete(event.text, live.tr)
                    live.leftover = (
                        texts.using(live.tr).quiet_move([*moves, event.text], None) + "\n\n"
                    )
                    moves, hold_s = [], None
                    continue
                folded = folded_after_release(timeline, index)
                said = [event.text, *(timeline.events[i].text for i in folded)]
                if ends_step(timeline, index) and event.step is not None:
                    head = texts.using(live.tr).quiet_move([*moves, *said], None)
                    await self.new_step(live, event.step + 1, now, head=head, early=True)
                    moves, hold_s = [], None
                else:
                    moves += said
                state.said.update(folded)
            elif kind in (CueKind.SWITCH_SIDES, CueKind.REST):
                if index in state.said:
                    state.said.discard(index)
                else:
                    moves.append(event.text)
            elif kind in _SILENT:
                if kind in _DROP_WHEN_STALE and now - due.due_at > STALE_AFTER_S:
                    continue
                if kind in (CueKind.CUE, CueKind.PACE):  # halfway, 3-2-1: the countdown line
                    state.latest = event.text
                refresh = refresh or index in refresh_at
            elif kind is CueKind.COMPLETE:
                if moves:
                    live.leftover = (
                        texts.using(live.tr).quiet_move(moves, None) + "\n\n" + live.leftover
                    )
                moves = []
        if moves and not live.blocked:
            text = texts.using(live.tr).quiet_move(moves, hold_s, hold_said)
            await self.presenter.send_text(live, text, now, notify=True)
        elif refresh and not live.blocked:
            await self.refresh(live, now)
        remember(live)

    async def new_step(
        self,
        live: LiveSession,
        step: int,
        now: float,
        *,
        head: str = "",
        notify: bool = True,
        early: bool = False,
    ) -> None:
        """A new step message (the picture's caption the first time the step is shown)."""
        state = quiet_state(live)
        if state.step not in (None, step):
            state.latest = ""  # another step's cue
        state.step, state.early, state.caption = step, early, False
        presenter = self.presenter
        state.caption = presenter.picture_due(live, step)
        text = render(live, state, now, head)
        if state.caption and len(text) > CAPTION_LIMIT:
            state.caption = False
            text = render(live, state, now, head)
        message = None
        if state.caption:
            message = await presenter.send_picture(live, step, text, now, notify=notify)
            if message is None:
                state.caption = False
                text = render(live, state, now, head)
        if message is None:
            message = await presenter.send_controls(live, text, now, notify=notify)
        state.message_id = message.message_id if message is not None else None
        remember(live)

    async def refresh(self, live: LiveSession, now: float) -> None:
        """Edit the step message to show the session now (with the controls); a new one when
        there is none to edit (after a restart) or the edit failed."""
        state = quiet_state(live)
        if state.message_id is None or state.step is None:
            step = live.session.position(now).step or 1
            await self.new_step(live, step, now, notify=False)
            return
        text = render(live, state, now)
        edited = await self.presenter.sender.edit_view(
            live.chat_id,
            state.message_id,
            text,
            self.presenter.controls(live),
            caption=state.caption,
        )
        live.last_send_at = now
        if not edited:
            log.info("chat %s: the step message could not be edited; sending it anew", live.chat_id)
            await self.new_step(live, state.step, now, notify=False)
        remember(live)
