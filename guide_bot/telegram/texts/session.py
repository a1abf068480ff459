"""Starting, following and ending a session."""

from __future__ import annotations

from html import escape

from guide_bot.domain.cues import STOP_RULE, lying_side
from guide_bot.domain.routine import Step

__all__ = [
    "ADDED_TIME",
    "ADD_TIME",
    "ALREADY_PAUSED",
    "BACK",
    "COMPLETE",
    "DONE_AFTER_CUE",
    "HANDS_FREE_ASK",
    "HANDS_FREE_CONTROLS",
    "HANDS_FREE_DONE",
    "HANDS_FREE_OFFER",
    "HANDS_FREE_OFFER_BUTTON",
    "HANDS_FREE_QUIT",
    "HANDS_FREE_UNAVAILABLE",
    "KEPT_CURRENT",
    "NOT_IN_HOLD",
    "NOT_PAUSED",
    "NO_SESSION",
    "PAIN_AFTER",
    "PAIN_BEFORE",
    "PAIN_SKIP",
    "PAUSE",
    "PAUSED",
    "RESTART_CONTINUED",
    "RESTART_LOST",
    "RESTART_PAUSED",
    "RESUME",
    "RESUMED",
    "SESSION_OVER",
    "SKIP",
    "SPEECH_UNAVAILABLE",
    "STOP",
    "STOPPED",
    "SWAP_NO",
    "SWAP_QUESTION",
    "SWAP_YES",
    "at_step",
    "closing",
    "hands_free_caption",
    "pain_summary",
    "prepare_message",
    "step_message",
    "step_safety_lines",
]

# --- starting a session --------------------------------------------------------------------

PAIN_BEFORE = "Before we start: how much does it hurt right now, from 0 (not at all) to 10 (worst)?"
PAIN_AFTER = "How much does it hurt now, from 0 (not at all) to 10 (worst)?"
PAIN_SKIP = "Skip"
SWAP_QUESTION = (
    "You have a session in progress: <b>{current}</b>. End it and start <b>{new}</b> instead?"
)
SWAP_YES = "End it and start the new one"
SWAP_NO = "Keep my current session"
KEPT_CURRENT = "OK, your current session goes on."

# --- during a session ----------------------------------------------------------------------

PAUSE = "⏸ Pause"
RESUME = "▶️ Resume"
SKIP = "⏭ Skip"
BACK = "⏮ Back"
ADD_TIME = "+15 s"
STOP = "⏹ Stop"
PAUSED = "⏸ Paused{where}. Tap Resume or send /resume to go on."
RESUMED = "▶️ Resumed."
STOPPED = "Session stopped."
COMPLETE = "✅ <b>Session complete.</b> Well done!"
# Text mode: the final cue just said "Session complete, well done", so the end is not said again.
DONE_AFTER_CUE = "✅ <b>{title}</b> done."
ADDED_TIME = "+15 s on this hold."
NOT_IN_HOLD = "Time can be added only during a hold."
NO_SESSION = "There is no session in progress. /routines to find one."
ALREADY_PAUSED = "The session is already paused."
NOT_PAUSED = "The session is not paused."
SPEECH_UNAVAILABLE = "Voice notes are not available right now, so I'll carry on in text."
SESSION_OVER = "That session is over. /routines to start another."
HANDS_FREE_DONE = "✅ Done"
HANDS_FREE_QUIT = "⏹ Stopped early"
HANDS_FREE_CONTROLS = (
    "This session is one audio track: pause and seek with the player's own controls. "
    "Tap Done or Stopped early when you finish."
)
HANDS_FREE_OFFER_BUTTON = "🎧 Hands-free"
HANDS_FREE_OFFER = (
    "🎧 Hands-free: the whole session as one audio track that plays with the screen off; "
    "one tap and you need not touch the phone until it ends. Change it any time in /settings."
)
HANDS_FREE_ASK = "The track has ended. How did it go? Tap Done, or Stopped early if you stopped."
HANDS_FREE_UNAVAILABLE = (
    "The hands-free audio is not available right now, so I'll carry on with text messages."
)
RESTART_CONTINUED = "I was restarted for a moment; your session goes on."
RESTART_PAUSED = (
    "I was restarted and your session <b>{title}</b> was paused{where} so you miss nothing. "
    "Tap Resume when you are ready."
)
RESTART_LOST = (
    "I was restarted and could not pick up your session <b>{title}</b> (the routine has "
    "changed). It is saved in your history as stopped. /routines to start again."
)


def at_step(step: int | None, count: int) -> str:
    """' at step 2 of 5', or '' before the first step."""
    return f" at step {step} of {count}" if step else ""


def prepare_message(title: str, first_step_in_s: float, stop_rule: str | None = None) -> str:
    """The first message of a session, with the routine's stop rule (said aloud too)."""
    seconds = round(first_step_in_s)
    return (
        f"<b>{escape(title)}</b>\nGet ready. The first step starts in {seconds} seconds.\n"
        f"🛑 {escape(stop_rule or STOP_RULE)}"
    )


def step_safety_lines(step: Step) -> list[str]:
    """The step's caution and which side comes first (and which side to lie on)."""
    lines: list[str] = []
    first = step.side_names[0]
    if first is not None:
        lying = lying_side(step, first)
        words = f"↔️ {first.capitalize()} side first."
        lines.append(f"{words} Lie on your {lying} side." if lying else words)
    if step.caution:
        lines.append(f"⚠️ {escape(step.caution)}")
    return lines


def step_message(number: int, count: int, step: Step) -> str:
    """One step: title, instruction, hold, pressure."""
    hold = f"Hold {step.hold_s} s"
    if step.sides == "left-right":
        hold += " on each side"
    if step.reps > 1:
        hold += f", {step.reps} rounds"
    if step.rest_s:
        hold += f", {step.rest_s} s rest between"
    lines = [f"<b>Step {number} of {count} · {escape(step.title)}</b>", escape(step.instruction)]
    details = [f"⏱ {hold}"]
    if step.pressure is not None:
        details.append(f"pressure about {step.pressure}/10")
    lines += ["", " · ".join(details)]
    if step.point:
        lines.append(f"📍 {escape(step.point)}")
    lines += step_safety_lines(step)
    return "\n".join(lines)


def pain_summary(before: int | None, after: int | None) -> str:
    """The ratings given, for the thank-you."""
    parts = []
    if before is not None:
        parts.append(f"before {before}/10")
    if after is not None:
        parts.append(f"after {after}/10")
    return "Thanks, noted: " + ", ".join(parts) + "." if parts else "OK."


def closing(completed: bool, *, end_said: bool, title: str) -> str:
    """The first line of the closing message; the end is said once (the final cue or this)."""
    if not completed:
        return STOPPED
    return DONE_AFTER_CUE.format(title=escape(title)) if end_said else COMPLETE


def _mm_ss(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def hands_free_caption(
    title: str, steps: list[tuple[float, str]], length_s: float, limit: int = 1024
) -> str:
    """The caption of a hands-free track: the routine, each step at its start time (mm:ss), and
    that the player's controls pause and seek; steps that do not fit are summed up (HTML)."""
    head = f"🎧 <b>{escape(title)}</b> · {_mm_ss(length_s)}"
    tail = (
        "Pause and seek with the player's own controls. When you finish, tap Done or Stopped early."
    )
    lines = [head, ""]
    budget = limit - len(head) - len(tail) - 4  # the blank lines
    for number, (at_s, step_title) in enumerate(steps, start=1):
        line = f"{_mm_ss(at_s)} {number}. {escape(step_title)}"
        more = f"… and {len(steps) - number + 1} more steps"
        if len(line) + 1 + len(more) + 1 > budget and number < len(steps):
            lines.append(more)
            break
        budget -= len(line) + 1
        lines.append(line)
    return "\n".join([*lines, "", tail])
