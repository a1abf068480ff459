"""The pure core: routine models, the timeline planner and the session state machine.

Nothing here does I/O or imports telegram, apscheduler, gtts, av, sqlalchemy or yaml.
"""
