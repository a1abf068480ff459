"""What the chat says about sessions on speakers."""

from __future__ import annotations

from html import escape

from guide_bot.domain.wording import N_
from guide_bot.i18n import EN, Translator
from guide_bot.speakers.speaker_status import Phase, SpeakerStatus

OFF = N_(
    "Speakers are not set up on this bot. The operator connects Home Assistant with "
    "GUIDE_BOT_HA_URL and GUIDE_BOT_HA_TOKEN and lists the speakers chat users may use in "
    "GUIDE_BOT_HA_SPEAKERS."
)
NONE_ALLOWED = N_(
    "No speaker is open to the chat: the operator lists them in GUIDE_BOT_HA_SPEAKERS."
)
PRIVATE_ONLY = N_("Speakers can be started from a private chat with me only.")
USAGE = N_(
    "Play a routine on a speaker, hands-free: <code>/speaker ROUTINE</code>, e.g. "
    "<code>/speaker {example}</code>. Speakers open to the chat:\n{speakers}"
)
PICK = N_("Where should <b>{title}</b> play?")
STARTING = N_("Starting <b>{title}</b> on {speaker}…")
NOT_YOURS = N_("This speaker session was started by someone else.")
GONE = N_("That speaker session has ended.")
UNREACHABLE = N_("I cannot reach Home Assistant right now ({why}). Nothing was started; try again.")
FAILED = N_("That did not work: {why}")

PHASE_NAMES: dict[Phase, str] = {
    Phase.STARTING: N_("Starting"),
    Phase.PLAYING: N_("Playing"),
    Phase.PAUSED: N_("Paused"),
    Phase.BUFFERING: N_("Loading"),
    Phase.HOLDING_ON: N_("15 s more"),
    Phase.INTERRUPTED: N_("Paused: something went wrong"),
    Phase.FINISHED: N_("Finished"),
    Phase.STOPPED: N_("Stopped"),
}

PAUSE = N_("⏸ Pause")
RESUME = N_("▶️ Resume")
NEXT = N_("⏭ Next")
PREVIOUS = N_("⏮ Back")
ADD = N_("+15 s")
STOP = N_("⏹ Stop")


def speaker_line(name: str, state: str) -> str:
    """One speaker in a list: its name and what it is doing."""
    return f"• {escape(name)} ({escape(state)})"


def _clock(seconds: float) -> str:
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def status_message(status: SpeakerStatus, *, tr: Translator = EN) -> str:
    """The chat message that follows a session on a speaker."""
    head = tr.t(
        "<b>{title}</b> on {speaker}", title=escape(status.title), speaker=escape(status.speaker)
    )
    lines = [f"🔊 {head}"]
    reading = status.reading
    if reading.step is None:
        where = tr.gettext("Getting ready")
    else:
        where = tr.t("Step {step} of {count}", step=reading.step, count=status.step_count)
        if status.step_title:
            where += f" · {escape(status.step_title)}"
        if reading.side == "left":
            where += " · " + tr.gettext("left side")
        elif reading.side == "right":
            where += " · " + tr.gettext("right side")
    lines.append(where)
    phase = tr.gettext(PHASE_NAMES[status.phase])
    lines.append(
        tr.t(
            "{phase} · {offset} of {total}",
            phase=phase,
            offset=_clock(status.offset_s),
            total=_clock(status.total_s),
        )
    )
    if status.message and status.phase is Phase.INTERRUPTED:
        ready = tr.gettext("Tap Resume when the speaker is ready.")
        lines.append(f"⚠️ {escape(status.message)}. {ready}")
    if status.phase.closed:
        lines.append(tr.gettext("Session over. /speaker to play another."))
    return "\n".join(lines)
