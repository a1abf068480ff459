"""The progress features' handler modules, for `build_application(extra=PROGRESS)`."""

from __future__ import annotations

from guide_bot.telegram.progress import history, mydata, myroutines, stats
from guide_bot.telegram.services import Register

PROGRESS: tuple[Register, ...] = (
    history.register,
    stats.register,
    mydata.register,
    myroutines.register,
)
