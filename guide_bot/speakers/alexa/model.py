"""The skill's interaction model (interactionModels/custom/en-US.json), made from the library.

Deterministic: the same library gives byte-for-byte the same file, so the committed copy in
contrib/alexa/ can be checked against the library by a test and by `guide-bot alexa model
--check`.
"""

from __future__ import annotations

import json

from guide_bot.speakers.alexa.catalog import AlexaCatalog
from guide_bot.speakers.alexa.handlers import ROUTINE_SLOT, START_INTENT

DEFAULT_INVOCATION_NAME = "guide bot"
ROUTINE_SLOT_TYPE = "ROUTINE"

START_SAMPLES = (
    "start {routine}",
    "start the {routine} routine",
    "start a {routine} session",
    "play {routine}",
    "play the {routine} routine",
    "begin {routine}",
    "do {routine}",
    "do the {routine} routine",
    "let's do {routine}",
    "i want to do {routine}",
    "guide me through {routine}",
    "{routine}",
)

# AudioPlayer skills must have Pause and Resume and should handle the rest (Amazon's rules).
BUILT_IN_INTENTS = (
    "AMAZON.CancelIntent",
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.NavigateHomeIntent",
    "AMAZON.FallbackIntent",
    "AMAZON.PauseIntent",
    "AMAZON.ResumeIntent",
    "AMAZON.NextIntent",
    "AMAZON.PreviousIntent",
    "AMAZON.StartOverIntent",
    "AMAZON.RepeatIntent",
    "AMAZON.LoopOnIntent",
    "AMAZON.LoopOffIntent",
    "AMAZON.ShuffleOnIntent",
    "AMAZON.ShuffleOffIntent",
)


def interaction_model(
    catalog: AlexaCatalog, *, invocation_name: str = DEFAULT_INVOCATION_NAME
) -> dict[str, object]:
    """The en-US interaction model: StartRoutineIntent, its ROUTINE slot type, the built-ins."""
    intents: list[dict[str, object]] = [
        {
            "name": START_INTENT,
            "slots": [{"name": ROUTINE_SLOT, "type": ROUTINE_SLOT_TYPE}],
            "samples": list(START_SAMPLES),
        }
    ]
    intents.extend({"name": name, "samples": []} for name in BUILT_IN_INTENTS)
    values = [
        {
            "id": routine.id,
            "name": {"value": routine.title, "synonyms": list(routine.synonyms)},
        }
        for routine in catalog.routines
    ]
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": invocation_name,
                "intents": intents,
                "types": [{"name": ROUTINE_SLOT_TYPE, "values": values}],
            }
        }
    }


def interaction_model_json(
    catalog: AlexaCatalog, *, invocation_name: str = DEFAULT_INVOCATION_NAME
) -> str:
    """The model as the file's text: two-space indents, a final newline."""
    model = interaction_model(catalog, invocation_name=invocation_name)
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"
