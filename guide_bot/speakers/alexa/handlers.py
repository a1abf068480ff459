"""What the skill does for each kind of Alexa request (routing.py maps requests to these).

Amazon's rules shape the answers: a Play directive ends the session; AudioPlayer requests
(PlaybackStarted, ...) and PlaybackController requests (device buttons) get no speech, card,
reprompt or shouldEndSession, and PlaybackStopped and SessionEndedRequest get nothing at all.
Where a person is comes from the request's context.AudioPlayer (token and offset), with the
in-memory PositionStore as the fallback for requests without it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model.intent_request import IntentRequest
from ask_sdk_model.interfaces.audioplayer.audio_item import AudioItem
from ask_sdk_model.interfaces.audioplayer.audio_item_metadata import AudioItemMetadata
from ask_sdk_model.interfaces.audioplayer.play_behavior import PlayBehavior
from ask_sdk_model.interfaces.audioplayer.play_directive import PlayDirective
from ask_sdk_model.interfaces.audioplayer.player_activity import PlayerActivity
from ask_sdk_model.interfaces.audioplayer.stop_directive import StopDirective
from ask_sdk_model.interfaces.audioplayer.stream import Stream
from ask_sdk_model.response import Response
from ask_sdk_model.slu.entityresolution.status_code import StatusCode

from guide_bot.speakers.alexa import texts
from guide_bot.speakers.alexa.catalog import AlexaCatalog, SpokenRoutine
from guide_bot.speakers.alexa.playback import (
    Position,
    PositionStore,
    StreamToken,
    next_step_offset,
    previous_step_offset,
)
from guide_bot.speakers.alexa.ports import ALEXA_TRACK_FORMAT, TrackLinks

logger = logging.getLogger(__name__)

ROUTINE_SLOT = "routine"
START_INTENT = "StartRoutineIntent"


def empty_answer(handler_input: HandlerInput) -> Response:
    return handler_input.response_builder.response


def _describe(request: object) -> str:
    """The error type and message Alexa sent (its words, not the user's)."""
    error = getattr(request, "error", None)
    kind = getattr(error, "object_type", None)
    return f"{getattr(kind, 'value', kind)}: {getattr(error, 'message', None)}"


def _ids(handler_input: HandlerInput) -> tuple[str, str]:
    """(user id, device id): whose position this is."""
    context = handler_input.request_envelope.context
    system = context.system if context else None
    user = system.user.user_id if system and system.user else None
    device = system.device.device_id if system and system.device else None
    return user or "", device or ""


class SkillActions:
    """The skill's behaviour; each public method answers one kind of request."""

    def __init__(self, catalog: AlexaCatalog, links: TrackLinks, positions: PositionStore) -> None:
        self._catalog = catalog
        self._links = links
        self._positions = positions
        self._warned_plain_http = False

    # -- conversation ------------------------------------------------------------------------

    def launch(self, handler_input: HandlerInput) -> Response:
        examples = self._catalog.examples()
        builder = handler_input.response_builder
        return builder.speak(texts.welcome(examples)).ask(texts.which_routine(examples)).response

    def start_routine(self, handler_input: HandlerInput) -> Response:
        examples = self._catalog.examples()
        builder = handler_input.response_builder
        heard, routine = self._routine_from_slot(handler_input)
        if routine is None:
            speech = (
                texts.unknown_routine(heard, examples) if heard else texts.which_routine(examples)
            )
            return builder.speak(speech).ask(texts.which_routine(examples)).response
        token = StreamToken.new(routine.id)
        return self._play(handler_input, routine, token, 0)

    def help(self, handler_input: HandlerInput) -> Response:
        examples = self._catalog.examples()
        builder = handler_input.response_builder
        return builder.speak(texts.help_text(examples)).ask(texts.which_routine(examples)).response

    def fallback(self, handler_input: HandlerInput) -> Response:
        examples = self._catalog.examples()
        builder = handler_input.response_builder
        return builder.speak(texts.fallback(examples)).ask(texts.which_routine(examples)).response

    def not_available(self, handler_input: HandlerInput) -> Response:
        builder = handler_input.response_builder
        return builder.speak(texts.NOT_AVAILABLE).set_should_end_session(True).response

    def stop(self, handler_input: HandlerInput) -> Response:
        self._remember_context(handler_input)
        builder = handler_input.response_builder
        return builder.add_directive(StopDirective()).set_should_end_session(True).response

    def session_ended(self, handler_input: HandlerInput) -> Response:
        return empty_answer(handler_input)  # no answer is allowed beyond an empty one

    # -- playback by voice -------------------------------------------------------------------

    def pause(self, handler_input: HandlerInput) -> Response:
        return self.stop(handler_input)

    def resume(self, handler_input: HandlerInput) -> Response:
        return self._jump(handler_input, lambda _starts, offset: offset, speak=True)

    def next_step(self, handler_input: HandlerInput) -> Response:
        return self._jump(handler_input, next_step_offset, speak=True)

    def previous_step(self, handler_input: HandlerInput) -> Response:
        return self._jump(handler_input, previous_step_offset, speak=True)

    def start_over(self, handler_input: HandlerInput) -> Response:
        return self._jump(handler_input, lambda _starts, _offset: 0, speak=True)

    # -- device buttons (PlaybackController): directives only --------------------------------

    def button_play(self, handler_input: HandlerInput) -> Response:
        return self._jump(handler_input, lambda _starts, offset: offset, speak=False)

    def button_pause(self, handler_input: HandlerInput) -> Response:
        self._remember_context(handler_input)
        return handler_input.response_builder.add_directive(StopDirective()).response

    def button_next(self, handler_input: HandlerInput) -> Response:
        return self._jump(handler_input, next_step_offset, speak=False)

    def button_previous(self, handler_input: HandlerInput) -> Response:
        return self._jump(handler_input, previous_step_offset, speak=False)

    # -- AudioPlayer and System notices: no speech, no shouldEndSession ----------------------

    def player_event(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        request_type = getattr(request, "object_type", None)
        token = StreamToken.parse(getattr(request, "token", None))
        user, device = _ids(handler_input)
        if request_type == "AudioPlayer.PlaybackFailed":
            logger.warning("Alexa could not play a track: %s", _describe(request))
        elif token is not None:  # a failure carries no offset: the last one known stays
            if request_type == "AudioPlayer.PlaybackFinished":
                self._positions.forget(user, device)
            else:
                offset = int(getattr(request, "offset_in_milliseconds", 0) or 0)
                self._positions.put(user, device, Position(token=token, offset_ms=offset))
        return empty_answer(handler_input)

    def system_exception(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        logger.warning("Alexa reported an error in the skill's answer: %s", _describe(request))
        return empty_answer(handler_input)

    # -- helpers -----------------------------------------------------------------------------

    def _routine_from_slot(self, handler_input: HandlerInput) -> tuple[str, SpokenRoutine | None]:
        """What was heard, and the routine it names (entity resolution first, then the words)."""
        request = handler_input.request_envelope.request
        slots = (
            request.intent.slots if isinstance(request, IntentRequest) and request.intent else None
        )
        slot = (slots or {}).get(ROUTINE_SLOT)
        if slot is None:
            return "", None
        resolutions = slot.resolutions.resolutions_per_authority if slot.resolutions else None
        for authority in resolutions or []:
            if authority.status is None or authority.status.code != StatusCode.ER_SUCCESS_MATCH:
                continue
            for wrapper in authority.values or []:
                value_id = wrapper.value.id if wrapper.value else None
                found = self._catalog.get(value_id) if value_id else None
                if found is not None:
                    return slot.value or found.title, found
        heard = slot.value or ""
        return heard, self._catalog.match(heard)

    def _position(self, handler_input: HandlerInput) -> tuple[Position | None, bool]:
        """Where playback is: the request's AudioPlayer context, else the stored position.

        The second value says whether the track had played to its end.
        """
        context = handler_input.request_envelope.context
        player = context.audio_player if context else None
        if player is not None:
            token = StreamToken.parse(player.token)
            if token is not None:
                finished = player.player_activity == PlayerActivity.FINISHED
                offset = int(player.offset_in_milliseconds or 0)
                return Position(token=token, offset_ms=offset), finished
        return self._positions.get(*_ids(handler_input)), False

    def _remember_context(self, handler_input: HandlerInput) -> None:
        position, finished = self._position(handler_input)
        if position is not None and not finished:
            self._positions.put(*_ids(handler_input), position)

    def _jump(
        self,
        handler_input: HandlerInput,
        where: Callable[[list[int], int], int | None],
        *,
        speak: bool,
    ) -> Response:
        """Play the current stream again from the offset `where` picks (None: stay put)."""
        builder = handler_input.response_builder
        examples = self._catalog.examples()
        position, finished = self._position(handler_input)
        routine = self._catalog.get(position.token.routine_id) if position else None
        if position is None or finished or routine is None:
            if not speak:
                return empty_answer(handler_input)
            if position is None:
                speech = texts.nothing_to_resume(examples)
            else:
                speech = texts.SESSION_FINISHED if finished else texts.ROUTINE_GONE
            return builder.speak(speech).set_should_end_session(True).response
        offset = where(self._links.step_offsets_ms(routine.id), position.offset_ms)
        if offset is None:
            if not speak:
                return empty_answer(handler_input)
            return builder.speak(texts.LAST_STEP).set_should_end_session(True).response
        return self._play(handler_input, routine, position.token, offset, end_session=speak)

    def _play(
        self,
        handler_input: HandlerInput,
        routine: SpokenRoutine,
        token: StreamToken,
        offset_ms: int,
        *,
        end_session: bool = True,
    ) -> Response:
        url = self._links.track_url(routine.id, ALEXA_TRACK_FORMAT)
        if not url.startswith("https://") and not self._warned_plain_http:
            self._warned_plain_http = True
            logger.warning(
                "Alexa plays only HTTPS track URLs (port 443, a trusted certificate); this one "
                "is not: set GUIDE_BOT_PUBLIC_URL to the server's https:// address"
            )
        directive = PlayDirective(
            play_behavior=PlayBehavior.REPLACE_ALL,
            audio_item=AudioItem(
                stream=Stream(
                    token=str(token),
                    url=url,
                    offset_in_milliseconds=offset_ms,
                ),
                metadata=AudioItemMetadata(title=routine.title, subtitle=texts.SKILL_NAME),
            ),
        )
        self._positions.put(*_ids(handler_input), Position(token=token, offset_ms=offset_ms))
        builder = handler_input.response_builder.add_directive(directive)
        if end_session:  # PlaybackController answers must not carry shouldEndSession
            builder.set_should_end_session(True)
        return builder.response
