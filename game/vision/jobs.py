"""Background threads yield the CPU to the window: a lower scheduling priority for the threads
that load MobileNet and train the head, and one lock around TensorFlow's first import.

On a two-core laptop the window, the camera thread, TensorFlow's training threads and the rest of
the desktop compete for the cores; without this, the training threads win often enough that the
window misses its frame budget. Linux applies ``nice`` per thread, and threads TensorFlow starts
from a lowered thread inherit its priority. Elsewhere this does nothing.
"""

from __future__ import annotations

import os
import sys
import threading
from types import ModuleType

#: How far below normal priority the background threads run (Linux nice steps).
BACKGROUND_NICE = 10

_tensorflow_import = threading.Lock()


def import_tensorflow() -> ModuleType:
    """``import tensorflow``, one thread at a time.

    Two threads importing TensorFlow for the first time at once (the backbone loader and a training
    job started by an early key press) can hand one of them a partially initialised module, which
    then fails with an ``AttributeError``; once one import has finished the others are instant.
    """
    with _tensorflow_import:
        import tensorflow

    return tensorflow


def lower_current_thread_priority(step: int = BACKGROUND_NICE) -> bool:
    """Lower the calling thread's priority by ``step``; True when the system applied it."""
    if not sys.platform.startswith("linux") or not hasattr(os, "setpriority"):
        return False
    tid = threading.get_native_id()
    try:
        current = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(19, current + step))
    except OSError:
        return False
    return True
