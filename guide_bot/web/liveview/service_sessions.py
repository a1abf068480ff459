"""The live view's port (`LiveSessions`) on the real session service.

The caller's session is the one they started: in their private chat with the bot first, else in
any chat. Actions go through the same use cases as the chat's buttons, so the chat shows the
change, the notes and the schedule follow, and every other front end hears it.
"""

from __future__ import annotations

from guide_bot.domain.session import SessionError
from guide_bot.domain.wording import N_
from guide_bot.sessions.live import LiveSession
from guide_bot.sessions.service import SessionService
from guide_bot.speech.service import SessionSpeech
from guide_bot.web.liveview.ports import Action, LiveSnapshot, Refused
from guide_bot.web.liveview.snapshot import snapshot_of

REFUSALS: dict[str, str] = {
    "AlreadyPaused": N_("The session is already paused."),
    "NotPaused": N_("The session is not paused."),
    "NotInHold": N_("Time can be added only during a hold."),
    "SessionClosed": N_("The session has ended."),
    "NotStarted": N_("The session has not started yet."),
}
NOT_POSSIBLE = N_("That is not possible now.")


class ServiceLiveSessions:
    """`LiveSessions` over `SessionService`: snapshots read, actions as one call each."""

    def __init__(self, sessions: SessionService) -> None:
        self._sessions = sessions

    def _find(self, user_id: int) -> LiveSession | None:
        own = self._sessions.of_user(user_id)
        private = [live for live in own if live.chat_id == user_id]
        found = private or own
        return found[0] if found else None

    def snapshot(self, user_id: int) -> LiveSnapshot | None:
        """The caller's session now (read only: the service's schedule moves it)."""
        live = self._find(user_id)
        return self._snapshot(live) if live is not None else None

    def _snapshot(self, live: LiveSession, *, clips: bool = True) -> LiveSnapshot:
        now = self._sessions.clock.now()
        speech = live.speech
        return snapshot_of(
            live.session,
            live.routine,
            now=now,
            session_id=live.record.session_id,
            clock_wall=now,
            clip_key=speech.cues.key if clips and isinstance(speech, SessionSpeech) else None,
            language=live.tr.code,
        )

    async def control(self, user_id: int, action: Action) -> LiveSnapshot:
        """Pause, resume, skip, back, +15 s or stop the caller's session; Refused if it cannot."""
        live = self._find(user_id)
        if live is None:
            raise Refused("You have no session running.")
        try:
            if action == "stop":
                await self._sessions.stop(live.chat_id)
            else:
                await self._sessions.control(live.chat_id, action)
        except SessionError as exc:
            said = REFUSALS.get(type(exc).__name__, NOT_POSSIBLE)
            raise Refused(live.tr.gettext(said)) from exc  # in the session's language
        snapshot = self.snapshot(user_id)
        if snapshot is None:  # stopped, or it just ended: the final view, silent
            return self._snapshot(live, clips=False)
        return snapshot
