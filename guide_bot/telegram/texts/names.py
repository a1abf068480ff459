"""What things are called: complaints, areas, tools, lengths, modes, accents."""

from __future__ import annotations

from guide_bot.domain.wording import N_

__all__ = [
    "AREA_NAMES",
    "COMPLAINT_NAMES",
    "LANGUAGE_NAMES",
    "LENGTH_NAMES",
    "MODE_NAMES",
    "TECHNIQUE_NAMES",
    "TOOL_NAMES",
]

# --- names of things -----------------------------------------------------------------------

COMPLAINT_NAMES = {
    "tension-headache": N_("Tension headache"),
    "neck-pain": N_("Neck pain"),
    "shoulder-tension": N_("Tight shoulders"),
    "lower-back-pain": N_("Lower back pain"),
    "desk-posture": N_("Desk posture"),
    "sore-legs": N_("Sore legs after sport"),
    "stiffness": N_("General stiffness"),
    "sleep": N_("Winding down for sleep"),
    "relaxation": N_("Relaxation"),
    "sciatica-like": N_("Buttock pain down the leg"),
    "hip-pain": N_("Outer hip and thigh"),
    "heel-arch-pain": N_("Heel and arch pain"),
    "jaw-clenching": N_("Jaw clenching"),
    "pregnancy": N_("Gentle, safe in pregnancy"),
    "older-adults": N_("Chair-based, for older adults"),
    "forearm-grip": N_("Forearms and grip"),
    "warm-up": N_("Warm-up before sport"),
    "micro-break": N_("2-minute desk break"),
}
AREA_NAMES = {
    "head-jaw": N_("Head and jaw"),
    "neck": N_("Neck"),
    "shoulders-upper-back": N_("Shoulders and upper back"),
    "chest": N_("Chest"),
    "forearms-hands": N_("Forearms and hands"),
    "lower-back": N_("Lower back"),
    "hips-glutes": N_("Hips and glutes"),
    "thighs": N_("Thighs"),
    "calves-feet": N_("Calves and feet"),
    "whole-body": N_("Whole body"),
}
TOOL_NAMES = {
    "hands": N_("Hands only"),
    "ball": N_("A ball (tennis or lacrosse)"),
    "foam-roller": N_("Foam roller"),
    "wall": N_("A wall"),
    "strap": N_("Towel or strap"),
    "chair": N_("A chair"),
    "mat": N_("A mat"),
}
LENGTH_NAMES = {
    "5": N_("Up to 5 minutes"),
    "10": N_("5 to 10 minutes"),
    "20": N_("10 to 20 minutes"),
    "more": N_("Over 20 minutes"),
}
TECHNIQUE_NAMES = {
    "compress": N_("press and hold"),
    "stretch": N_("stretch"),
    "roll": N_("roll"),
    "breathe": N_("breathe"),
    "move": N_("move"),
}
MODE_NAMES = {
    "voice": N_("Voice notes"),
    "text": N_("Text messages"),
    "both": N_("Voice and text"),
    "hands": N_("Hands-free audio"),
}
LANGUAGE_NAMES = {
    "en": N_("English (US)"),
    "en-gb": N_("English (UK)"),
    "en-au": N_("English (Australia)"),
    "en-in": N_("English (India)"),
}
