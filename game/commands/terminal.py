"""What the commands show on the terminal besides their results: progress bars and log filtering.

* :func:`progress`: a tqdm bar (counts, rate, time left) on stderr, shown only when stderr is a
  terminal and the command was not asked for ``--json``; results always go to stdout.
* :func:`setup_logging`: unless ``--verbose``, TensorFlow's C++/absl log lines ("All log messages
  before absl::InitializeLog() ...", "I0000 ... cudart_stub.cc ...") are kept off the terminal.
  Some of them are printed while TensorFlow is imported, whatever ``TF_CPP_MIN_LOG_LEVEL`` says, so
  file descriptor 2 is routed through a filter that drops lines in absl's log format and passes
  everything else on; Python's ``sys.stderr`` keeps writing to the terminal directly.
"""

from __future__ import annotations

import atexit
import io
import logging
import os
import re
import sys
import threading
from typing import Any

#: absl's log line prefix (severity I/W/E, date, time, thread, file:line; before absl is set up
#: the "time" is 00:00:<epoch seconds>), its pre-init notice, LiteRT's note on XNNPACK, and SDL's
#: complaint while it looks for a Wayland display that is not there (the game says it in words).
#: Fatal lines (F...) and everything else are passed on.
NATIVE_LOG_LINE = re.compile(
    rb"^(WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    rb"|[IWE]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ [^\s:]+:\d+\] "
    rb"|INFO: Created TensorFlow Lite XNNPACK delegate"
    rb"|error: XDG_RUNTIME_DIR is invalid or not set in the environment)"
)

_filter_installed = False


def setup_logging(verbose: bool, filter_native: bool) -> None:
    """``verbose``: TensorFlow logs everything and the game logs at INFO. Otherwise TensorFlow's
    C++ lines are filtered out when ``filter_native`` (the real command line, not a test calling
    ``main`` in-process)."""
    if verbose:
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "0"
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    if filter_native:
        filter_native_logs()


def _keep(line: bytes) -> bool:
    return NATIVE_LOG_LINE.match(line) is None


def filter_native_logs() -> None:
    """Route file descriptor 2 through a thread that drops TensorFlow's absl log lines.

    Python's ``sys.stderr`` is re-opened on the original descriptor, so messages, tracebacks and
    progress bars reach the terminal at once (and ``isatty`` still tells a terminal); only what
    C/C++ code writes to descriptor 2 passes through the filter.
    """
    global _filter_installed
    if _filter_installed:
        return
    try:
        sys.stderr.flush()
        original = os.dup(2)
        read_end, write_end = os.pipe()
        os.dup2(write_end, 2)
        os.close(write_end)
    except OSError:
        return  # no usable descriptor 2 (e.g. a closed stderr): nothing to filter
    _filter_installed = True
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    sys.stderr = io.TextIOWrapper(
        io.FileIO(original, "w", closefd=False),
        encoding=encoding,
        errors="backslashreplace",
        line_buffering=True,
        write_through=True,
    )

    def pump() -> None:
        with io.FileIO(read_end, "r") as pipe:
            for line in io.BufferedReader(pipe):
                if _keep(line):
                    os.write(original, line)

    thread = threading.Thread(target=pump, name="native-log-filter", daemon=True)
    thread.start()

    def restore() -> None:
        # The pipe's only writer goes away, so the pump passes on what is left and ends.
        try:
            sys.stderr.flush()
            os.dup2(original, 2)
        except OSError:
            return
        thread.join(timeout=1.0)

    atexit.register(restore)


def bars_enabled(json_output: bool) -> bool:
    """Progress bars only for a person watching: stderr is a terminal and no ``--json``."""
    if json_output:
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def progress(total: int | None, desc: str, unit: str, enabled: bool, **kwargs: Any) -> Any:
    """A tqdm bar on stderr with counts, rate and time left; a silent no-op when not ``enabled``."""
    from tqdm import tqdm

    try:
        size = os.get_terminal_size(sys.stderr.fileno())
    except (AttributeError, ValueError, OSError):
        size = os.terminal_size((0, 0))
    # A terminal that reports no size (some pseudo-terminals) would make tqdm hide the bar.
    sizing: dict[str, Any] = {"dynamic_ncols": True} if size.columns > 0 else {"ncols": 100}
    if size.lines <= 0:
        sizing["nrows"] = 24
    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        file=sys.stderr,
        disable=not enabled,
        leave=True,
        **sizing,
        **kwargs,
    )
