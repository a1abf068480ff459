"""Timed work on PTB's JobQueue: session steps and reminders."""
