"""What the chat says about sessions on speakers."""

from __future__ import annotations

from html import escape

from guide_bot.speakers.speaker_status import Phase, SpeakerStatus

OFF = (
    "Speakers are not set up on this bot. The operator connects Home Assistant with "
    "GUIDE_BOT_HA_URL and GUIDE_BOT_HA_TOKEN and lists the speakers chat users may use in "
    "GUIDE_BOT_HA_SPEAKERS."
)
NONE_ALLOWED = "No speaker is open to the chat: the operator lists them in GUIDE_BOT_HA_SPEAKERS."
PRIVATE_ONLY = "Speakers can be started from a private chat with me only."
USAGE = (
    "Play a routine on a speaker, hands-free: <code>/speaker ROUTINE</code>, e.g. "
    "<code>/speaker {example}</code>. Speakers open to the chat:\n{speakers}"
)
PICK = "Where should <b>{title}</b> play?"
STARTING = "Starting <b>{title}</b> on {speaker}…"
NOT_YOURS = "This speaker session was started by someone else."
GONE = "That speaker session has ended."
UNREACHABLE = "I cannot reach Home Assistant right now ({why}). Nothing was started; try again."
FAILED = "That did not work: {why}"

PHASE_NAMES: dict[Phase, str] = {
    Phase.STARTING: "starting",
    Phase.PLAYING: "playing",
    Phase.PAUSED: "paused",
    Phase.BUFFERING: "loading",
    Phase.HOLDING_ON: "15 s more",
    Phase.INTERRUPTED: "paused: something went wrong",
    Phase.FINISHED: "finished",
    Phase.STOPPED: "stopped",
}

PAUSE, RESUME, NEXT, PREVIOUS, ADD, STOP = (
    "⏸ Pause",
    "▶️ Resume",
    "⏭ Next",
    "⏮ Back",
    "+15 s",
    "⏹ Stop",
)


def speaker_line(name: str, state: str) -> str:
    """One speaker in a list: its name and what it is doing."""
    return f"• {escape(name)} ({escape(state)})"


def _clock(seconds: float) -> str:
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def status_message(status: SpeakerStatus) -> str:
    """The chat message that follows a session on a speaker."""
    lines = [f"🔊 <b>{escape(status.title)}</b> on {escape(status.speaker)}"]
    reading = status.reading
    if reading.step is None:
        where = "Getting ready"
    else:
        where = f"Step {reading.step} of {status.step_count}"
        if status.step_title:
            where += f" · {escape(status.step_title)}"
        if reading.side:
            where += f" · {escape(reading.side)} side"
    lines.append(where)
    lines.append(
        f"{PHASE_NAMES[status.phase].capitalize()} · {_clock(status.offset_s)} of "
        f"{_clock(status.total_s)}"
    )
    if status.message and status.phase is Phase.INTERRUPTED:
        lines.append(f"⚠️ {escape(status.message)}. Tap Resume when the speaker is ready.")
    if status.phase.closed:
        lines.append("Session over. /speaker to play another.")
    return "\n".join(lines)
