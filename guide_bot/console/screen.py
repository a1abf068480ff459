"""What the player shows: a pure function from the session's position to lines of text.

Nothing here reads the clock or writes to the terminal; the player builds a `View` at `now` and
`render` turns it into lines, so the screen is tested by moving a fake clock.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field

from guide_bot.console.keys import KEY_HELP
from guide_bot.domain.cues import COMPLETE_TEXT
from guide_bot.domain.routine import Routine, Step
from guide_bot.domain.session_types import Position, SessionState
from guide_bot.domain.timeline import HOLD_VERB, CueKind
from guide_bot.domain.wording import N_
from guide_bot.i18n import EN, Translator

BAR_WIDTH = 24
MAX_WIDTH = 100

PHASE_LABELS: dict[CueKind, str] = {
    CueKind.PREPARE: N_("Get ready"),
    CueKind.ANNOUNCE: N_("Get into position"),
    CueKind.SWITCH_SIDES: N_("Switch sides"),
    CueKind.RELEASE: N_("Release"),
    CueKind.REST: N_("Rest"),
    CueKind.COMPLETE: N_("Session complete"),
}
NEXT_LABELS: dict[CueKind, str] = {
    CueKind.ANNOUNCE: N_("Next step in"),
    CueKind.HOLD_START: N_("Hold starts in"),
    CueKind.COMPLETE: N_("Finishing in"),
}


@dataclass(frozen=True, kw_only=True, slots=True)
class View:
    """Everything one frame shows, gathered by the player at one moment."""

    routine: Routine
    position: Position
    last_kind: CueKind | None = None  # the kind of the latest cue delivered
    said: str | None = None  # the latest cue's words
    next_kind: CueKind | None = None  # the kind of the event coming next
    next_in_s: float | None = None  # seconds until it, None when paused or closed
    hold_start_s: float | None = None  # plan offset of the latest hold start delivered
    feedback: str | None = None  # the answer to the last key pressed
    notices: tuple[str, ...] = field(default_factory=tuple)
    keys: bool = True
    tr: Translator = EN  # the language of the screen's own words


def clock_text(seconds: float) -> str:
    """Whole seconds as m:ss, rounding up so a countdown shows 0:01 until it ends."""
    total = max(0, math.ceil(seconds - 1e-6))
    return f"{total // 60}:{total % 60:02d}"


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """A progress bar of block characters, `fraction` of it filled."""
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


def step_summary(step: Step, tr: Translator = EN) -> str:
    """A step's hold in a few words: "45 s each side", "30 s × 3"."""
    if step.sides == "left-right":
        text = tr.t("{seconds} s each side", seconds=step.hold_s)
    else:
        text = tr.t("{seconds} s", seconds=step.hold_s)
    if step.reps > 1:
        text += f" × {step.reps}"
    return text


def _header(view: View, width: int) -> list[str]:
    pos = view.position
    tr = view.tr
    left = view.routine.title
    if pos.step:
        right = tr.t("Step {step} of {count}", step=pos.step, count=pos.step_count)
    else:
        right = tr.gettext("Getting ready")
    gap = max(2, width - len(left) - len(right))
    return [f"{left}{' ' * gap}{right}", "─" * width]


def _step_lines(view: View, width: int) -> list[str]:
    pos = view.position
    if pos.step is None:
        return textwrap.wrap(view.routine.summary, width) or [""]
    step = view.routine.steps[pos.step - 1]
    tr = view.tr
    side = ""
    if pos.side == "left":
        side = " · " + tr.gettext("left side")
    elif pos.side == "right":
        side = " · " + tr.gettext("right side")
    title = step.title + side
    details = []
    if step.pressure is not None:
        details.append(tr.t("pressure {pressure}/10", pressure=step.pressure))
    if step.point:
        details.append(tr.t("point: {point}", point=step.point))
    if step.tools:
        details.append(tr.t("tools: {tools}", tools=", ".join(step.tools)))
    lines = [title]
    if details:
        lines.append("  " + " · ".join(details))
    lines.append("")
    lines.extend(textwrap.wrap(step.instruction, width))
    return lines


def _phase_lines(view: View) -> list[str]:
    pos = view.position
    tr = view.tr
    if pos.state is SessionState.FINISHED:
        return [tr.gettext(COMPLETE_TEXT)]
    if pos.state is SessionState.STOPPED:
        return [tr.gettext("Stopped.")]
    lines: list[str] = []
    if pos.in_hold and pos.step is not None and pos.hold_left_s is not None:
        step = view.routine.steps[pos.step - 1]
        verb = tr.gettext(HOLD_VERB[step.technique]).upper()
        held = float(step.hold_s) - pos.hold_left_s
        if view.hold_start_s is not None and view.hold_start_s <= pos.offset_s:
            held = pos.offset_s - view.hold_start_s  # exact, and right after "+15 s" too
        done = held / (held + pos.hold_left_s) if held + pos.hold_left_s > 0 else 1.0
        left = tr.t("{time} left", time=clock_text(pos.hold_left_s))
        lines.append(f"{verb}  {left}  {bar(done)}")
    else:
        phase = PHASE_LABELS.get(view.last_kind or CueKind.PREPARE)
        label = tr.gettext(phase) if phase else ""
        countdown = ""
        if view.next_kind in NEXT_LABELS and view.next_in_s is not None:
            next_label = tr.gettext(NEXT_LABELS[view.next_kind])
            countdown = f"  {next_label} {clock_text(view.next_in_s)}"
        lines.append(f"{label}{countdown}".strip())
    if pos.state is SessionState.PAUSED:
        if view.keys:
            lines.append(tr.gettext("PAUSED · press space to resume"))
        else:
            lines.append(tr.gettext("PAUSED"))
    return lines


def _next_line(view: View) -> str:
    pos = view.position
    tr = view.tr
    number = (pos.step or 0) + 1
    if number > len(view.routine.steps):
        return tr.gettext("Next: the end of the session")
    step = view.routine.steps[number - 1]
    return tr.t(
        "Next: step {number} · {title} ({hold})",
        number=number,
        title=step.title,
        hold=step_summary(step, tr),
    )


def render(view: View, width: int = 80) -> list[str]:
    """The lines of one frame, none longer than `width` (capped at MAX_WIDTH).

    Notices come first: lines above them never change, so a notice is written to the terminal
    once however often the frame is redrawn.
    """
    width = max(30, min(width, MAX_WIDTH))
    pos = view.position
    lines: list[str] = []
    for notice in view.notices:
        lines += textwrap.wrap(notice, width)
    lines += _header(view, width)
    lines += _step_lines(view, width)
    lines.append("")
    lines += _phase_lines(view)
    lines.append("")
    if view.said:
        lines += textwrap.wrap(view.tr.t("Said: {words}", words=view.said), width)
    if not pos.state.closed:
        lines.append(_next_line(view))
    lines.append(
        view.tr.t(
            "Session {offset} of {total}",
            offset=clock_text(pos.offset_s),
            total=clock_text(pos.total_s),
        )
    )
    lines.append(view.feedback or "")
    if not pos.state.closed:
        lines.append("─" * width)
        if view.keys:
            lines.append(view.tr.gettext(KEY_HELP))
        else:
            lines.append(view.tr.gettext("No keys: stdin is not a terminal."))
    return [line[:width] for line in lines]
