"""Which request goes to which action: ask-sdk request handlers, in the order they are tried."""

from __future__ import annotations

import logging
from collections.abc import Callable

from ask_sdk_core.dispatch_components.exception_components import AbstractExceptionHandler
from ask_sdk_core.dispatch_components.request_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils.predicate import is_intent_name, is_request_type
from ask_sdk_core.utils.request_util import get_request_type
from ask_sdk_model.response import Response

from guide_bot.speakers.alexa import texts
from guide_bot.speakers.alexa.handlers import START_INTENT, SkillActions, empty_answer

logger = logging.getLogger(__name__)

PLAYER_EVENTS = (
    "AudioPlayer.PlaybackStarted",
    "AudioPlayer.PlaybackFinished",
    "AudioPlayer.PlaybackStopped",
    "AudioPlayer.PlaybackNearlyFinished",
    "AudioPlayer.PlaybackFailed",
)
SILENT_PREFIXES = ("AudioPlayer.", "PlaybackController.", "System.", "SessionEndedRequest")

Action = Callable[[HandlerInput], Response]
Predicate = Callable[[HandlerInput], bool]


class Route(AbstractRequestHandler):
    """One request handler: a predicate and the action it leads to."""

    def __init__(self, matches: Predicate, act: Action) -> None:
        self._matches = matches
        self._act = act

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return self._matches(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return self._act(handler_input)


class AnswerErrors(AbstractExceptionHandler):
    """Anything unexpected: an apology where speech is allowed, an empty answer elsewhere."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request_type = str(get_request_type(handler_input))
        logger.error("Alexa %s failed", request_type, exc_info=exception)
        if request_type.startswith(SILENT_PREFIXES):
            return empty_answer(handler_input)
        builder = handler_input.response_builder
        return builder.speak(texts.SOMETHING_WENT_WRONG).set_should_end_session(True).response


def routes(actions: SkillActions) -> list[Route]:
    """Every request handler, in the order ask-sdk tries them."""

    def intent(*names: str) -> Predicate:
        return lambda hi: any(is_intent_name(name)(hi) for name in names)

    def request(*types: str) -> Predicate:
        return lambda hi: any(is_request_type(kind)(hi) for kind in types)

    return [
        Route(request("LaunchRequest"), actions.launch),
        Route(intent("AMAZON.NavigateHomeIntent"), actions.launch),
        Route(intent(START_INTENT), actions.start_routine),
        Route(intent("AMAZON.PauseIntent"), actions.pause),
        Route(intent("AMAZON.ResumeIntent"), actions.resume),
        Route(intent("AMAZON.NextIntent"), actions.next_step),
        Route(intent("AMAZON.PreviousIntent"), actions.previous_step),
        Route(intent("AMAZON.StartOverIntent"), actions.start_over),
        Route(intent("AMAZON.StopIntent", "AMAZON.CancelIntent"), actions.stop),
        Route(intent("AMAZON.HelpIntent"), actions.help),
        Route(
            intent(
                "AMAZON.LoopOnIntent",
                "AMAZON.LoopOffIntent",
                "AMAZON.ShuffleOnIntent",
                "AMAZON.ShuffleOffIntent",
                "AMAZON.RepeatIntent",
            ),
            actions.not_available,
        ),
        Route(request("IntentRequest"), actions.fallback),  # FallbackIntent and any other
        Route(request("SessionEndedRequest"), actions.session_ended),
        Route(request(*PLAYER_EVENTS), actions.player_event),
        Route(request("PlaybackController.PlayCommandIssued"), actions.button_play),
        Route(request("PlaybackController.PauseCommandIssued"), actions.button_pause),
        Route(request("PlaybackController.NextCommandIssued"), actions.button_next),
        Route(request("PlaybackController.PreviousCommandIssued"), actions.button_previous),
        Route(request("System.ExceptionEncountered"), actions.system_exception),
    ]
