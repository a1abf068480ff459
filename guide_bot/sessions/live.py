"""A session in progress, in memory: the stored record, the state machine and its routine.

The service owns it; front ends read it and keep what they need for showing it here too (the
message that carries the buttons, cues held back for the closing message), since one session is
one object whatever follows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from guide_bot.domain.routine import Routine
from guide_bot.domain.session import SessionMachine
from guide_bot.i18n import Translator, translator
from guide_bot.sessions.plans import session_language
from guide_bot.storage.sessions import StoredSession


@dataclass(kw_only=True)
class LiveSession:
    """A session in progress: its record, the machine, its routine, and delivery state."""

    record: StoredSession
    session: SessionMachine
    routine: Routine
    last_send_at: float = 0.0  # when a front end last sent something (spaces the runs)
    blocked: bool = False  # the user blocked the bot: end without a word
    notes: list[str] = field(default_factory=list)  # once-per-session notices already given
    leftover: str = ""  # cues due together with the end, said in the closing message
    end_said: bool = False  # the final cue ("Session complete") went out as text
    fresh_controls: bool = False  # a front end sent a new controls message in this action
    view: Any = None  # what a front end shows of it (the chat's step message, step_view.py)
    speech: Any = None  # the session's voice (speech.service.SessionSpeech), opened at its start
    track_s: float | None = None  # hands-free: the length of the audio track that was sent
    report_asked: bool = False  # hands-free: the bot asked once how it went
    reported: bool | None = None  # hands-free: the user said Done (True) or Stopped early
    # session messages a front end could not deliver after every retry (Telegram down): held,
    # with the session paused, and sent again until they arrive (sessions/service.py)
    undelivered: list[str] = field(default_factory=list)
    redeliver_tries: int = 0

    @property
    def chat_id(self) -> int:
        """The chat the session runs in (its key)."""
        return self.record.chat_id

    @property
    def user_id(self) -> int:
        """The person who started the session, and the only one who controls it."""
        return self.record.user_id

    @property
    def tr(self) -> Translator:
        """The language the session speaks: its user's when it started (kept across restarts)."""
        return translator(session_language(self.record.plan))

    @property
    def hands_free(self) -> bool:
        """Whether the whole session went out as one audio track (ends when the user reports)."""
        return self.record.mode == "hands"

    @property
    def voice(self) -> bool:
        """Whether steps are spoken (voice notes)."""
        return self.record.mode in ("voice", "both") and not self.record.speech_failed

    @property
    def text_cues(self) -> bool:
        """Whether cues are sent as text messages."""
        return not self.hands_free and (not self.voice or self.record.mode == "both")
