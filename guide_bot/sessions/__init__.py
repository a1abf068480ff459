"""Timing on PTB's JobQueue: the step driver of sessions in progress (one job per session)."""
