"""Starting, following and ending a session."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from guide_bot.domain.cues import STOP_RULE, first_side_text, lying_side
from guide_bot.domain.routine import Step
from guide_bot.domain.wording import N_
from guide_bot.i18n import EN, Translator

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
    "QUIET_PAUSED",
    "QUIET_SIDES",
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
    "quiet_hold_line",
    "quiet_move",
    "quiet_next_line",
    "quiet_waiting_line",
    "step_heading",
    "step_message",
    "step_safety_lines",
]

# --- starting a session --------------------------------------------------------------------

PAIN_BEFORE = N_(
    "Before we start: how much does it hurt right now, from 0 (not at all) to 10 (worst)?"
)
PAIN_AFTER = N_("How much does it hurt now, from 0 (not at all) to 10 (worst)?")
PAIN_SKIP = N_("Skip")
SWAP_QUESTION = N_(
    "You have a session in progress: <b>{current}</b>. End it and start <b>{new}</b> instead?"
)
SWAP_YES = N_("End it and start the new one")
SWAP_NO = N_("Keep my current session")
KEPT_CURRENT = N_("OK, your current session goes on.")

# --- during a session ----------------------------------------------------------------------

PAUSE = N_("⏸ Pause")
RESUME = N_("▶️ Resume")
SKIP = N_("⏭ Skip")
BACK = N_("⏮ Back")
ADD_TIME = N_("+15 s")
STOP = N_("⏹ Stop")
PAUSED = N_("⏸ Paused{where}. Tap Resume or send /resume to go on.")
RESUMED = N_("▶️ Resumed.")
STOPPED = N_("Session stopped.")
COMPLETE = N_("✅ <b>Session complete.</b> Well done!")
# Text mode: the final cue just said "Session complete, well done", so the end is not said again.
DONE_AFTER_CUE = N_("✅ <b>{title}</b> done.")
ADDED_TIME = N_("+15 s on this hold.")
NOT_IN_HOLD = N_("Time can be added only during a hold.")
NO_SESSION = N_("There is no session in progress. /routines to find one.")
ALREADY_PAUSED = N_("The session is already paused.")
NOT_PAUSED = N_("The session is not paused.")
SPEECH_UNAVAILABLE = N_("Voice notes are not available right now, so I'll carry on in text.")
SESSION_OVER = N_("That session is over. /routines to start another.")
HANDS_FREE_DONE = N_("✅ Done")
HANDS_FREE_QUIT = N_("⏹ Stopped early")
HANDS_FREE_CONTROLS = N_(
    "This session is one audio track: pause and seek with the player's own controls. "
    "Tap Done or Stopped early when you finish."
)
HANDS_FREE_OFFER_BUTTON = N_("🎧 Hands-free")
HANDS_FREE_OFFER = N_(
    "🎧 Hands-free: the whole session as one audio track that plays with the screen off; "
    "one tap and you need not touch the phone until it ends. Change it any time in /settings."
)
HANDS_FREE_ASK = N_(
    "The track has ended. How did it go? Tap Done, or Stopped early if you stopped."
)
HANDS_FREE_UNAVAILABLE = N_(
    "The hands-free audio is not available right now, so I'll carry on with text messages."
)
RESTART_CONTINUED = N_("I was restarted for a moment; your session goes on.")
RESTART_PAUSED = N_(
    "I was restarted and your session <b>{title}</b> was paused{where} so you miss nothing. "
    "Tap Resume when you are ready."
)
RESTART_LOST = N_(
    "I was restarted and could not pick up your session <b>{title}</b> (the routine has "
    "changed). It is saved in your history as stopped. /routines to start again."
)


def at_step(step: int | None, count: int, *, tr: Translator = EN) -> str:
    """' at step 2 of 5', or '' before the first step."""
    return tr.t(" at step {step} of {count}", step=step, count=count) if step else ""


def prepare_message(
    title: str, first_step_in_s: float, stop_rule: str | None = None, *, tr: Translator = EN
) -> str:
    """The first message of a session, with the routine's stop rule (said aloud too)."""
    seconds = round(first_step_in_s)
    ready = tr.n(
        "Get ready. The first step starts in {n} second.",
        "Get ready. The first step starts in {n} seconds.",
        seconds,
    )
    rule = stop_rule or tr.gettext(STOP_RULE)
    return f"<b>{escape(title)}</b>\n{ready}\n🛑 {escape(rule)}"


def step_safety_lines(step: Step, *, tr: Translator = EN) -> list[str]:
    """The step's caution and which side comes first (and which side to lie on)."""
    lines: list[str] = []
    first = step.side_names[0]
    if first is not None:
        lines.append(f"↔️ {first_side_text(first, lying_side(step, first), tr)}")
    if step.caution:
        lines.append(f"⚠️ {escape(step.caution)}")
    return lines


def _hold_words(step: Step, tr: Translator) -> str:
    if step.sides == "left-right":
        hold = tr.t("Hold {seconds} s on each side", seconds=step.hold_s)
    else:
        hold = tr.t("Hold {seconds} s", seconds=step.hold_s)
    if step.reps > 1:
        hold += ", " + tr.n("{n} round", "{n} rounds", step.reps)
    if step.rest_s:
        hold += ", " + tr.t("{seconds} s rest between", seconds=step.rest_s)
    return hold


def step_heading(number: int, count: int, title: str, *, tr: Translator = EN) -> str:
    """'Step 2 of 4 · Between the shoulder blades' (HTML-escaped)."""
    return tr.t(
        "Step {number} of {count} · {title}", number=number, count=count, title=escape(title)
    )


def step_message(number: int, count: int, step: Step, *, tr: Translator = EN) -> str:
    """One step: title, instruction, hold, pressure."""
    heading = step_heading(number, count, step.title, tr=tr)
    lines = [f"<b>{heading}</b>", escape(step.instruction)]
    details = [f"⏱ {_hold_words(step, tr)}"]
    if step.pressure is not None:
        details.append(tr.t("pressure about {pressure}/10", pressure=step.pressure))
    lines += ["", " · ".join(details)]
    if step.point:
        lines.append(f"📍 {escape(step.point)}")
    lines += step_safety_lines(step, tr=tr)
    return "\n".join(lines)


# --- quiet text mode: the step message's live lines (telegram/step_view.py) ------------------

QUIET_PAUSED = N_("⏸ Paused.")


def _bar(done: float, width: int = 10) -> str:
    filled = max(0, min(width, round(done * width)))
    return "▰" * filled + "▱" * (width - filled)


QUIET_SIDES = {"left": N_("Left side"), "right": N_("Right side")}


def quiet_hold_line(side: str | None, left_s: float, done: float, *, tr: Translator = EN) -> str:
    """A hold in progress: its side, the seconds left and a bar of the hold."""
    seconds = max(0, round(left_s))
    left = tr.n("{n} second left", "{n} seconds left", seconds)
    where = f"{tr.gettext(QUIET_SIDES[side])} · " if side in QUIET_SIDES else ""
    return f"⏳ {where}{left}\n{_bar(done)}"


def quiet_waiting_line(cue: str, in_s: float, *, tr: Translator = EN) -> str:
    """Before a hold: what starts it and in how many seconds."""
    seconds = max(0, round(in_s))
    when = tr.n("in {n} second", "in {n} seconds", seconds)
    return f"⏱ {escape(cue)} ({when})"


def quiet_next_line(what: str | None, *, tr: Translator = EN) -> str:
    """What comes after the current hold: the next hold, the next step or the end."""
    if what is None:
        return "⏭ " + tr.gettext("Next: the end of the session")
    return "⏭ " + tr.t("Next: {what}", what=escape(what))


def quiet_move(
    lines: list[str], hold_s: float | None, cues: Sequence[str] = (), *, tr: Translator = EN
) -> str:
    """A move-now message (hold start, release, switch sides): the cues, and for a new hold its
    length (the countdown where the step message is not refreshed) and its own cues."""
    text = "\n".join(escape(line) for line in lines)
    if hold_s is not None:
        text += "\n⏳ " + tr.n("{n} second", "{n} seconds", max(1, round(hold_s)))
    for cue in cues:
        text += f"\n💬 {escape(cue)}"
    return text


def pain_summary(before: int | None, after: int | None, *, tr: Translator = EN) -> str:
    """The ratings given, for the thank-you."""
    if before is not None and after is not None:
        return tr.t(
            "Thanks, noted: before {before}/10, after {after}/10.", before=before, after=after
        )
    if before is not None:
        return tr.t("Thanks, noted: before {before}/10.", before=before)
    if after is not None:
        return tr.t("Thanks, noted: after {after}/10.", after=after)
    return tr.gettext("OK.")


def closing(completed: bool, *, end_said: bool, title: str, tr: Translator = EN) -> str:
    """The first line of the closing message; the end is said once (the final cue or this)."""
    if not completed:
        return tr.gettext(STOPPED)
    if end_said:
        return tr.t(DONE_AFTER_CUE, title=escape(title))
    return tr.gettext(COMPLETE)


def _mm_ss(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def hands_free_caption(
    title: str,
    steps: list[tuple[float, str]],
    length_s: float,
    limit: int = 1024,
    *,
    tr: Translator = EN,
) -> str:
    """The caption of a hands-free track: the routine, each step at its start time (mm:ss), and
    that the player's controls pause and seek; steps that do not fit are summed up (HTML)."""
    head = f"🎧 <b>{escape(title)}</b> · {_mm_ss(length_s)}"
    tail = tr.gettext(
        "Pause and seek with the player's own controls. When you finish, tap Done or Stopped early."
    )
    lines = [head, ""]
    budget = limit - len(head) - len(tail) - 4  # the blank lines
    for number, (at_s, step_title) in enumerate(steps, start=1):
        line = f"{_mm_ss(at_s)} {number}. {escape(step_title)}"
        left = len(steps) - number + 1
        more = tr.n("… and {n} more step", "… and {n} more steps", left)
        if len(line) + 1 + len(more) + 1 > budget and number < len(steps):
            lines.append(more)
            break
        budget -= len(line) + 1
        lines.append(line)
    return "\n".join([*lines, "", tail])
