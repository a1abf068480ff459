"""What things are called: complaints, areas, tools, lengths, modes, accents."""

from __future__ import annotations

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
    "tension-headache": "Tension headache",
    "neck-pain": "Neck pain",
    "shoulder-tension": "Tight shoulders",
    "lower-back-pain": "Lower back pain",
    "desk-posture": "Desk posture",
    "sore-legs": "Sore legs after sport",
    "stiffness": "General stiffness",
    "sleep": "Winding down for sleep",
    "relaxation": "Relaxation",
    "sciatica-like": "Buttock pain down the leg",
    "hip-pain": "Outer hip and thigh",
    "heel-arch-pain": "Heel and arch pain",
    "jaw-clenching": "Jaw clenching",
    "pregnancy": "Gentle, safe in pregnancy",
    "older-adults": "Chair-based, for older adults",
    "forearm-grip": "Forearms and grip",
    "warm-up": "Warm-up before sport",
    "micro-break": "2-minute desk break",
}
AREA_NAMES = {
    "head-jaw": "Head and jaw",
    "neck": "Neck",
    "shoulders-upper-back": "Shoulders and upper back",
    "chest": "Chest",
    "forearms-hands": "Forearms and hands",
    "lower-back": "Lower back",
    "hips-glutes": "Hips and glutes",
    "thighs": "Thighs",
    "calves-feet": "Calves and feet",
    "whole-body": "Whole body",
}
TOOL_NAMES = {
    "hands": "Hands only",
    "ball": "A ball (tennis or lacrosse)",
    "foam-roller": "Foam roller",
    "wall": "A wall",
    "strap": "Towel or strap",
    "chair": "A chair",
    "mat": "A mat",
}
LENGTH_NAMES = {
    "5": "Up to 5 minutes",
    "10": "5 to 10 minutes",
    "20": "10 to 20 minutes",
    "more": "Over 20 minutes",
}
TECHNIQUE_NAMES = {
    "compress": "press and hold",
    "stretch": "stretch",
    "roll": "roll",
    "breathe": "breathe",
    "move": "move",
}
MODE_NAMES = {
    "voice": "Voice notes",
    "text": "Text messages",
    "both": "Voice and text",
    "hands": "Hands-free audio",
}
LANGUAGE_NAMES = {
    "en": "English (US)",
    "en-gb": "English (UK)",
    "en-au": "English (Australia)",
    "en-in": "English (India)",
}
