"""Ending the program from outside: SIGTERM (logout, shutdown, ``kill``) and SIGHUP (the terminal
closed) end it the way Ctrl-C does, so the scenes' clean-up runs as it does for Ctrl-C: the high
score is saved, learned corrections are kept aside, cameras and threads are released.

The first such signal raises :class:`Terminated` (a ``KeyboardInterrupt``, so every clean-up for
Ctrl-C applies) in the main thread; a second one of the same kind ends the process at once, as it
would have without this module, so a clean-up that hangs can still be stopped.
"""

from __future__ import annotations

import signal
from types import FrameType


class Terminated(KeyboardInterrupt):
    """The program was asked to end by a signal; ``status`` is the exit status (128 + its number)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.status = 128 + signum


def _stop(signum: int, _frame: FrameType | None) -> None:
    signal.signal(signum, signal.SIG_DFL)  # a second one ends the process at once
    raise Terminated(signum)


def end_like_ctrl_c() -> None:
    """Install the handlers (from the main thread, for the real command line only)."""
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)  # SIGHUP does not exist on Windows
        if number is not None:
            signal.signal(number, _stop)
