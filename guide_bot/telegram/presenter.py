"""The Telegram chat as a front end of the session service: events in, messages out.

`ChatPresenter` implements the service's `FrontEnd` port (sessions/ports.py) for the chat each
session runs in.

Text mode: a step's announcement is one message (title, instruction, hold, pressure) with the
controls; the other cues due at the same moment are joined into one message, so a chat gets at
most one cue message per run of the sessions (the sessions also spaces runs at least 1 s apart).
Only messages that ask the user to move now (a hold start, a release, switching sides) notify;
every other session message is silent (disable_notification).
Voice mode: the announcement is one voice note (the step's cues spoken at their offsets, so the
timing lives in the audio) with the step text as caption and the controls, in one sendVoice call;
the cues inside it are not sent again as text. "both" (voice and text): the same voice notes, and
each note's caption is the quiet text mode's step message (step_view.py), edited silently at a
few of the step's cues (`refresh_points` with `AIM_BOTH_CALLS_PER_STEP`) to show the countdown,
the latest cue and what comes next; no cue goes as a message of its own (the audio says the
moves, with the note's notification).

Hands-free: the whole session is one audio message (telegram/handsfree.py) with Done / Stopped
early under it; nothing else is sent while it plays; a while after the track's end the bot asks
once how it went, and the user's answer ends the session (that is what the history records).

No dead buttons: the controls on a superseded message act on the session's current state (see
handlers/session_controls.py); after the end, a press says the session is over and removes them.

A session message that Telegram did not take even after the sender's retries (5xx for seconds)
is kept in `live.undelivered`, not dropped: the service pauses the session and has it sent again
(`undelivered`) with a word on why the session is paused and its controls (Resume); a Resume
first sends what is still held.

Cues that are already stale when delivered (the countdown and "halfway" more than a couple of
seconds late, e.g. after a restart) are dropped; everything else is delivered late rather than
lost, and the end of a step (release) is always said.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from html import escape
from typing import Protocol

from telegram import InlineKeyboardMarkup, Message

from guide_bot.domain.cues import says_session_complete
from guide_bot.domain.session import Due, Position, SessionState
from guide_bot.domain.timeline import CueKind
from guide_bot.i18n import translator
from guide_bot.sessions.live import LiveSession
from guide_bot.sessions.plans import session_language
from guide_bot.sessions.ports import Acted, Ended
from guide_bot.storage.sessions import StoredSession
from guide_bot.telegram import keyboards, texts
from guide_bot.telegram.handsfree import SentTrack
from guide_bot.telegram.pictures import StepPictures
from guide_bot.telegram.quiet import AIM_BOTH_CALLS_PER_STEP, note_sends, refresh_points
from guide_bot.telegram.sender import Sender
from guide_bot.telegram.step_view import QuietText, quiet_state, remember, render
from guide_bot.web.liveview.urls import app_url

log = logging.getLogger(__name__)

STALE_AFTER_S = 2.0
_DROP_WHEN_STALE = {CueKind.COUNTDOWN, CueKind.HALFWAY}
_NOTIFYING = {CueKind.HOLD_START, CueKind.RELEASE, CueKind.SWITCH_SIDES}  # "move now" cues
_IN_STEP_AUDIO = {
    CueKind.HOLD_START,
    CueKind.CUE,
    CueKind.HALFWAY,
    CueKind.COUNTDOWN,
    CueKind.SWITCH_SIDES,
    CueKind.RELEASE,
    CueKind.REST,
}


def _jumped(live: LiveSession, due: Due) -> bool:
    """Whether an event came before its planned time (Skip moved the session to it)."""
    started = live.session.started_at
    return started is not None and due.due_at < started + due.event.at_s - 0.5


def _joined(lines: list[str], text: str) -> str:
    """Cue lines due together with a message, put on top of it (one message, not two)."""
    if not lines:
        return text
    head = "\n".join(lines)
    lines.clear()
    return f"{head}\n\n{text}" if text else f"{head}\n\n"


class StepVoice(Protocol):
    """Sends voice notes with caption and keyboard, one sendVoice call each; None on failure."""

    async def send_note(
        self, live: LiveSession, step: int | None, caption: str, keyboard: InlineKeyboardMarkup
    ) -> Message | None:
        """The get-ready note (step None) or a step's note."""
        ...

    async def send_rest(
        self, live: LiveSession, caption: str, keyboard: InlineKeyboardMarkup
    ) -> Message | None:
        """The rest of the current step from the session's position now."""
        ...

    async def send_track(
        self, live: LiveSession, keyboard: InlineKeyboardMarkup
    ) -> SentTrack | None:
        """Hands-free: the whole session as one audio message (sendAudio)."""
        ...


_OPENED = "voice:opening"  # the get-ready note speaks step 1 too (not sent again at its start)
CAPTION_LIMIT = 1000  # Telegram's caption limit is 1024 characters after entity parsing
MESSAGE_LIMIT = 4000  # and a message's is 4096


class ChatPresenter:
    """Shows every session in its chat: step messages or voice notes, controls, the end."""

    def __init__(
        self,
        sender: Sender,
        voice: StepVoice | None = None,
        pictures: StepPictures | None = None,
        *,
        public_url: str | None = None,
    ) -> None:
        self.sender = sender
        self.voice = voice
        self.pictures = pictures  # text mode: a step's message goes with its picture, once
        self.public_url = public_url  # the live view's HTTPS base, when it is on
        self.quiet = QuietText(self)  # text mode: one step message, edited as the step goes

    @staticmethod
    def is_quiet(live: LiveSession) -> bool:
        """Text mode (or a voice session whose speech failed): the quiet step message."""
        return not live.hands_free and not live.voice

    def is_both(self, live: LiveSession) -> bool:
        """Voice and text: voice notes whose captions are the step message, edited."""
        return live.record.mode == "both" and live.voice and self.voice is not None

    def live_view(self, live: LiveSession) -> str | None:
        """The live view's address for this session's Live view button: only in a private chat
        (its id is the user's; Telegram refuses `web_app` buttons in groups with
        BUTTON_TYPE_INVALID) and only when the live view is on."""
        if self.public_url is None or live.chat_id != live.user_id:
            return None
        return app_url(self.public_url, live.record.session_id)

    def controls(self, live: LiveSession) -> InlineKeyboardMarkup:
        """A fresh controls keyboard: the version goes up, older buttons become stale."""
        live.record.version += 1
        paused = live.session.state is SessionState.PAUSED
        return keyboards.controls(
            live.record.session_id,
            live.record.version,
            paused=paused,
            live_view=self.live_view(live),
            tr=live.tr,
        )

    async def delivered(self, live: LiveSession, dues: Sequence[Due], now: float) -> None:
        """Send what these events say, in order (complete is left to the sessions)."""
        if live.hands_free:
            await self._hands_free(live, dues, now)
            return
        if self.is_quiet(live):
            await self.quiet.delivered(live, dues, now)
            return
        lines: list[str] = list(live.undelivered)  # held after a failed send: they go first
        live.undelivered.clear()
        loud = False  # a cue among `lines` that asks the user to move now (notify for it)
        both = self.is_both(live)
        timeline = live.session.timeline
        points = (
            refresh_points(timeline, AIM_BOTH_CALLS_PER_STEP, note_sends(timeline))
            if both
            else frozenset()
        )
        refresh = False  # "both": edit the note's caption after these events
        for due in dues:
            if live.blocked:
                return
            kind = due.event.kind
            if kind in _DROP_WHEN_STALE and now - due.due_at > STALE_AFTER_S:
                continue
            if kind is CueKind.PREPARE:
                first = live.session.timeline.step_starts[0] - due.event.at_s
                text = texts.using(live.tr).prepare_message(
                    live.routine.title, first, live.routine.stop_rule
                )
                if live.voice and self.voice is not None:  # one note: get ready and step 1
                    step_1 = texts.using(live.tr).step_message(
                        1, len(live.routine.steps), live.routine.steps[0]
                    )
                    text = f"{text}\n\n{step_1}"
                    if _OPENED not in live.notes:
                        live.notes.append(_OPENED)
                await self._voice_or_text(live, None, _joined(lines, text), now, notify=loud)
                loud = False
            elif kind is CueKind.ANNOUNCE and due.event.step == 1 and _OPENED in live.notes:
                live.notes.remove(_OPENED)
                if not _jumped(live, due):  # step 1 is in the get-ready note, at this time
                    continue
                step = live.routine.steps[0]
                text = texts.using(live.tr).step_message(1, len(live.routine.steps), step)
                await self._voice_or_text(live, 1, _joined(lines, text), now, notify=loud)
                loud = False
            elif kind is CueKind.ANNOUNCE and due.event.step is not None:
                step = live.routine.steps[due.event.step - 1]
                text = texts.using(live.tr).step_message(
                    due.event.step, len(live.routine.steps), step
                )
                joined = _joined(lines, text)
                await self._voice_or_text(live, due.event.step, joined, now, notify=loud)
                loud = False
            elif kind is CueKind.COMPLETE:
                live.leftover = _joined(lines, "")  # goes on top of the closing message
                loud = False
            elif both and (kind in _IN_STEP_AUDIO or kind is CueKind.PACE):
                if kind in (CueKind.CUE, CueKind.PACE):
                    quiet_state(live).latest = due.event.text
                refresh = refresh or due.index in points
            elif kind in _IN_STEP_AUDIO and live.text_cues:
                lines.append(escape(due.event.text))
                loud = loud or kind in _NOTIFYING
                live.end_said = live.end_said or says_session_complete(due.event.text, live.tr)
        await self._flush(live, lines, now, notify=loud)
        if refresh and not live.blocked:
            await self.edit_note(live, now)

    def _noted(self, live: LiveSession, step: int | None, message: Message) -> None:
        """ "both": this voice note is the step message from now on (its caption is edited)."""
        if live.record.mode != "both":
            return
        state = quiet_state(live)
        shown = step or 1  # the get-ready note speaks step 1 too
        if state.step != shown:
            state.latest = ""
        state.message_id, state.step = message.message_id, shown
        state.caption, state.early = True, False
        remember(live)

    async def edit_note(self, live: LiveSession, now: float) -> None:
        """ "both": edit the voice note's caption to show the step now (countdown, latest cue,
        next), with the controls; a note that cannot be edited is left as it is (the audio goes
        on saying the cues)."""
        state = quiet_state(live)
        if state.message_id is None or state.step is None:  # stored before step_view existed
            return
        text = render(live, state, now)
        await self.sender.edit_view(
            live.chat_id, state.message_id, text, self.controls(live), caption=True
        )
        live.last_send_at = now
        remember(live)

    async def _hands_free(self, live: LiveSession, dues: Sequence[Due], now: float) -> None:
        """The start of a hands-free session: the whole track, once; the cues are in the audio.
        Without a track (no speech), the session carries on as a text session and says so."""
        if not any(due.event.kind is CueKind.PREPARE for due in dues):
            return
        live.record.version += 1
        keyboard = keyboards.hands_free_report(
            live.record.session_id, live.record.version, tr=live.tr
        )
        sent = await self.voice.send_track(live, keyboard) if self.voice is not None else None
        if sent is not None:
            live.track_s = sent.duration_s
            self._new_controls(live, sent.message)
            live.last_send_at = now
            return
        if live.blocked:
            return
        live.record.mode = "text"  # from here on a text session, scheduled step by step
        await self.notice(live, texts.using(live.tr).HANDS_FREE_UNAVAILABLE)
        await self.delivered(live, dues, now)

    async def _flush(
        self, live: LiveSession, lines: list[str], now: float, *, notify: bool
    ) -> None:
        if lines and not live.blocked:
            text = "\n".join(lines)
            with Sender.watch() as failed:
                await self._text(live.chat_id, text, notify=notify)
            self._held_if_lost(live, text, failed)
            live.last_send_at = now
        lines.clear()

    @staticmethod
    def _held_if_lost(live: LiveSession, text: str, failed: list[str]) -> bool:
        """Keep a message Telegram did not take after every retry (see `undelivered`)."""
        if failed and not live.blocked:
            live.undelivered.append(text)
            return True
        return False

    async def undelivered(self, live: LiveSession) -> None:
        """Send the held messages again, with why the session is paused and the controls; they
        stay held (the service tries again later) while Telegram does not take them."""
        if live.hands_free:  # its track carries the session: nothing to send again
            live.undelivered.clear()
            return
        where = live.session.position(live.session.updated_at or 0.0)
        notice = texts.UNDELIVERED_PAUSED.format(where=texts.at_step(where.step, where.step_count))
        held = "\n\n".join(live.undelivered)
        if len(held) + len(notice) > MESSAGE_LIMIT:  # keep the latest, which says where it is
            held = live.undelivered[-1][: MESSAGE_LIMIT - len(notice) - 2]
        with Sender.watch() as failed:
            message = await self._text(
                live.chat_id, f"{held}\n\n{notice}", self.controls(live), notify=True
            )
        if message is not None:
            self._new_controls(live, message)
        if message is not None or not failed:  # arrived, or refused (400): not worth repeating
            live.undelivered.clear()

    async def _text(
        self,
        chat_id: int,
        text: str,
        keyboard: InlineKeyboardMarkup | None = None,
        *,
        notify: bool,
    ) -> Message | None:
        """A session message; silent (disable_notification) unless it asks the user to move
        now (a hold start, a release, switching sides)."""
        sender = self.sender
        return await sender.call(
            chat_id,
            "sendMessage",
            lambda: sender.bot.send_message(
                chat_id, text, reply_markup=keyboard, disable_notification=not notify
            ),
        )

    async def _controls_message(
        self, live: LiveSession, text: str, now: float, *, notify: bool = False
    ) -> None:
        message = await self._text(live.chat_id, text, self.controls(live), notify=notify)
        if message is not None:
            self._new_controls(live, message)
        live.last_send_at = now

    async def send_text(
        self, live: LiveSession, text: str, now: float, *, notify: bool
    ) -> Message | None:
        """A session message without buttons (quiet mode's moves); held when Telegram does not
        take it after every retry (see `undelivered`)."""
        with Sender.watch() as failed:
            message = await self._text(live.chat_id, text, notify=notify)
        self._held_if_lost(live, text, failed)
        live.last_send_at = now
        return message

    async def send_controls(
        self, live: LiveSession, text: str, now: float, *, notify: bool
    ) -> Message | None:
        """A session message with the controls (they live on it from now on); held when
        Telegram does not take it after every retry (see `undelivered`)."""
        with Sender.watch() as failed:
            message = await self._text(live.chat_id, text, self.controls(live), notify=notify)
        self._held_if_lost(live, text, failed)
        if message is not None:
            self._new_controls(live, message)
        live.last_send_at = now
        return message

    def picture_due(self, live: LiveSession, step: int) -> bool:
        """Whether step `step`'s message goes as its picture's caption: a picture exists and
        the step has not been shown with it yet."""
        return (
            self.pictures is not None
            and live.routine.steps[step - 1].where is not None
            and f"picture:{step}" not in live.notes
        )

    async def send_picture(
        self, live: LiveSession, step: int, text: str, now: float, *, notify: bool
    ) -> Message | None:
        """The step message as its picture's caption, with the controls (once per step)."""
        if self.pictures is None:
            return None
        live.notes.append(f"picture:{step}")
        inputs = live.record.plan
        message = await self.pictures.send(
            live.chat_id,
            live.routine,
            step - 1,
            text,
            length=str(inputs.get("length", "standard")),
            conditions=[str(name) for name in inputs.get("conditions") or []],
            keyboard=self.controls(live),
            notify=notify,
        )
        if message is not None:
            self._new_controls(live, message)
            live.last_send_at = now
        return message

    @staticmethod
    def _new_controls(live: LiveSession, message: Message) -> None:
        """The controls now live on this message; the superseded one keeps buttons that act on
        the session's current state (no call spent on removing them)."""
        live.record.controls_message_id = message.message_id
        live.fresh_controls = True

    async def _voice_or_text(
        self, live: LiveSession, step: int | None, text: str, now: float, *, notify: bool = False
    ) -> None:
        """A voice note with the text as caption, or the text alone; with the controls."""
        if live.voice and self.voice is not None:
            with Sender.watch() as failed:
                message = await self.voice.send_note(live, step, text, self.controls(live))
            if message is not None:
                self._new_controls(live, message)
                self._noted(live, step, message)
                live.last_send_at = now
                return
            if live.blocked or self._held_if_lost(live, text, failed):
                return  # Telegram did not take it: not a failure of speech
            await self._speech_failed(live)
        elif live.voice:
            await self._speech_failed(live)
        with Sender.watch() as failed:
            if step is not None and await self._step_picture(live, step, text, now):
                return
            if self._held_if_lost(live, text, failed):
                return
            await self._controls_message(live, text, now, notify=notify)
        self._held_if_lost(live, text, failed)

    async def _step_picture(self, live: LiveSession, step: int, text: str, now: float) -> bool:
        """The step message as the caption of where the step works (one sendPhoto), the first
        time the step is shown; False (send the text) when there is no picture or it is too long.
        """
        if f"picture:{step}" in live.notes or len(text) > CAPTION_LIMIT:
            return False
        return await self.send_picture(live, step, text, now, notify=True) is not None

    async def _speech_failed(self, live: LiveSession) -> None:
        live.record.speech_failed = True
        live.view = live.record.step_view = None  # "both": the quiet text takes over afresh
        await self.notice(live, texts.using(live.tr).SPEECH_UNAVAILABLE)

    async def rest(self, live: LiveSession, now: float) -> bool:
        """Voice mode: send the rest of the current step as a fresh note (after resume, +15 s)."""
        if not live.voice or self.voice is None:
            return False
        position = live.session.position(now)
        if position.step is None:
            return False
        step = live.routine.steps[position.step - 1]
        text = texts.using(live.tr).step_message(position.step, len(live.routine.steps), step)
        message = await self.voice.send_rest(live, text, self.controls(live))
        if message is None:
            return False
        self._new_controls(live, message)
        self._noted(live, position.step, message)
        live.last_send_at = now
        return True

    async def notice(self, live: LiveSession, text: str) -> None:
        """Say something once per session (e.g. that speech is unavailable)."""
        if text in live.notes:
            return
        live.notes.append(text)
        await self.sender.text(live.chat_id, text)

    async def acted(self, live: LiveSession, acted: Acted) -> None:
        """After Resume or +15 s a voice session gets the rest of the step as a fresh note (the
        note already sent no longer matches the timing); otherwise the buttons follow the state."""
        if live.hands_free:
            if acted.action == "report_due":
                await self._ask_report(live)
            return
        sent_new = live.fresh_controls
        if self.is_quiet(live):
            changed = live.session.state is not acted.before or acted.action == "add"
            if changed and not sent_new:  # the step message shows the state (and the buttons)
                await self.quiet.refresh(live, acted.now)
            return
        if acted.action in ("resume", "add") and not sent_new and await self.rest(live, acted.now):
            sent_new = True
        if live.session.state is not acted.before and not sent_new:
            if self.is_both(live):  # the caption shows the state (Paused) with the buttons
                await self.edit_note(live, acted.now)
            else:
                await self.refresh_controls(live)

    async def _ask_report(self, live: LiveSession) -> None:
        """Hands-free, a while after the track's end: ask once how it went (the buttons move
        from the audio message to this one)."""
        old = live.record.controls_message_id
        live.record.version += 1
        keyboard = keyboards.hands_free_report(
            live.record.session_id, live.record.version, tr=live.tr
        )
        message = await self.sender.text(
            live.chat_id, texts.using(live.tr).HANDS_FREE_ASK, keyboard
        )
        if message is None:
            return
        self._new_controls(live, message)
        if old is not None:
            await self.sender.edit_keyboard(live.chat_id, old, None)

    async def storage_trouble(self, live: LiveSession, trouble: str) -> None:
        """Storing fails: say so, and that the session goes on and nothing is lost yet."""
        text = texts.STORAGE_FULL if trouble == "full" else texts.STORAGE_FAILING
        if not live.session.state.closed:
            text = f"{text} {texts.STORAGE_SESSION_GOES_ON}"
        await self.sender.text(live.chat_id, text)

    async def speech_unavailable(self, live: LiveSession) -> None:
        """Speech failed at the start: say once that the session goes on in text."""
        await self.notice(live, texts.using(live.tr).SPEECH_UNAVAILABLE)

    async def ended(self, live: LiveSession, ended: Ended, *, notify: bool, ask_pain: bool) -> None:
        """The closing message asks for the pain rating. A step-by-step session's messages keep
        their buttons at no cost in calls (not even the last one's: a call per session):
        pressed, one says the session is over and loses its buttons
        (handlers/session_controls.py). Hands-free, Done / Stopped early go at once."""
        if not notify:
            return
        if live.hands_free and live.record.controls_message_id is not None:
            await self.sender.edit_keyboard(live.chat_id, live.record.controls_message_id, None)
        if ask_pain:
            text = texts.using(live.tr).closing(
                ended.completed, end_said=live.end_said, title=live.routine.title
            )
            # it notifies only when it says the end first (the user stopped it, or heard it)
            notify = bool(live.leftover.strip()) or (ended.completed and not live.end_said)
            if not ended.entry_id:  # the history entry is kept until it can be stored
                await self._text(live.chat_id, f"{live.leftover}{text}", notify=notify)
                return
            await self._text(
                live.chat_id,
                f"{live.leftover}{text}\n\n{texts.using(live.tr).PAIN_AFTER}",
                keyboards.pain_after(ended.entry_id, tr=live.tr),
                notify=notify,
            )

    async def restored_late(self, live: LiveSession) -> None:
        """A restart made the session late: say so before the missed cues."""
        await self.sender.text(live.chat_id, texts.using(live.tr).RESTART_CONTINUED)

    async def restored_paused(self, live: LiveSession, where: Position) -> None:
        """A restart paused the session: say where, with the controls (Resume)."""
        text = texts.using(live.tr).RESTART_PAUSED.format(
            title=texts.escape(live.routine.title),
            where=texts.using(live.tr).at_step(where.step, where.step_count),
        )
        message = await self.sender.text(live.chat_id, text, self.controls(live))
        if message is not None:
            self._new_controls(live, message)

    async def restored_lost(self, record: StoredSession) -> None:
        """A restart could not pick the session up: it is in the history as stopped."""
        title = texts.escape(record.routine_id)
        tr = translator(session_language(record.plan))
        await self.sender.text(record.chat_id, tr.t(texts.RESTART_LOST, title=title))

    async def refresh_controls(self, live: LiveSession) -> None:
        """Redraw the controls (Pause <-> Resume) on the session's current message."""
        message_id = live.record.controls_message_id
        if message_id is not None:
            await self.sender.edit_keyboard(live.chat_id, message_id, self.controls(live))
