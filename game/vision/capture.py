"""The one camera thread: keep the newest frame, retry when the camera is lost, and never close a
capture that a read still uses.

Both the live predictor (gesture play) and the calibration recorder read the camera through a
``CaptureThread``. It reads as fast as the camera delivers and hands each frame to ``on_frame``
at once, so a webcam's own buffer never fills with stale frames; what to keep (the newest frame
only) is the consumer's choice. When the camera fails (unplugged, taken by another program) the
state becomes ``LOST`` with the camera's message, the capture is closed and reopened every
``retry_interval`` seconds, and frames resume by themselves. A finite source that runs out is
``ENDED``: the thread then stops, or, with ``stop_at_end=False``, keeps polling it (the
calibration screen may ``switch`` to another camera).

Releasing a capture while another thread is inside ``read`` can crash the camera backend, so
``stop`` closes the source only when the thread has finished; a thread stuck in a slow read
closes it itself on its way out.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from game.vision.camera import CameraError, Frame, FrameSource
from game.vision.types import CameraState

RETRY_INTERVAL_S = 1.0
#: Longest a clean stop waits for the thread; a webcam read is itself bounded by a stall timeout.
JOIN_TIMEOUT_S = 5.0

Opener = Callable[[], FrameSource]


class CaptureThread:
    """Reads ``source`` on a daemon thread; see the module docstring.

    ``source`` is an open ``FrameSource`` or a zero-argument opener (such as
    ``lambda: open_source(camera, video)``). Only with an opener can a lost camera be reopened;
    an opener that raises ``CameraError`` leaves the thread ``LOST`` and retrying, not failing.
    ``on_frame`` runs on the capture thread for every frame; ``on_state`` is called there with
    each ``LOST`` or ``ENDED`` and its message; ``on_exit`` when the thread ends.
    """

    def __init__(
        self,
        source: FrameSource | Opener,
        on_frame: Callable[[Frame], None],
        *,
        name: str = "camera-capture",
        retry_interval: float = RETRY_INTERVAL_S,
        stop_at_end: bool = True,
        on_state: Callable[[CameraState, str], None] | None = None,
        on_exit: Callable[[], None] | None = None,
    ) -> None:
        if isinstance(source, FrameSource):
            self._source: FrameSource | None = source
            self._opener: Opener | None = None
        else:
            self._source = None
            self._opener = source
        self._on_frame = on_frame
        self._on_state = on_state
        self._on_exit = on_exit
        self._name = name
        self._retry_interval = retry_interval
        self._stop_at_end = stop_at_end
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._reopen = threading.Event()
        self._thread: threading.Thread | None = None
        self._state = CameraState.OPENING
        self._message = ""
        self._frames = 0

    # -- owner side --------------------------------------------------------------------------

    def start(self) -> CaptureThread:
        if self._thread is not None:
            raise RuntimeError("capture already started")
        self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
        self._thread.start()
        return self

    def request_stop(self) -> None:
        """Ask the thread to end after its current read, without waiting for it."""
        self._stop.set()

    def stop(self) -> None:
        """End the thread, wait for it (up to ``JOIN_TIMEOUT_S``) and release the camera.

        Safe to call twice. An ``ENDED`` source stays ``ENDED``; anything else becomes ``STOPPED``.
        """
        self._stop.set()
        if self._thread is not None:
            self._thread.join(JOIN_TIMEOUT_S)
        if not self.alive:
            # A thread still inside a slow read closes the source itself on its way out.
            self._close()
        if self._state is not CameraState.ENDED:
            self._state = CameraState.STOPPED

    def switch(self, opener: Opener) -> None:
        """Close the current source and open another with ``opener`` (cycling cameras)."""
        with self._lock:
            self._opener = opener
            self._state, self._message = CameraState.OPENING, ""
        self._reopen.set()

    @property
    def stopping(self) -> bool:
        """A stop was asked for (long work on the capture thread should end early)."""
        return self._stop.is_set()

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def state(self) -> CameraState:
        return self._state

    @property
    def message(self) -> str:
        """Why the camera is ``LOST`` or ``ENDED``; empty otherwise."""
        return self._message

    @property
    def frames(self) -> int:
        """Frames delivered since the start; 0 means no camera has worked yet."""
        return self._frames

    # -- capture thread ----------------------------------------------------------------------

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                if self._reopen.is_set():
                    self._reopen.clear()
                    self._close()
                source = self._source if self._source is not None else self._open()
                if source is None:
                    continue
                try:
                    frame = source.read()
                except CameraError as exc:
                    self._lose(str(exc))
                    continue
                if frame is None:
                    self._set_state(CameraState.ENDED, f"{source.description or 'the source'} ended")
                    if self._stop_at_end:
                        return
                    self._stop.wait(self._retry_interval)
                    continue
                self._frames += 1
                if self._state is not CameraState.RUNNING:
                    self._state, self._message = CameraState.RUNNING, ""
                self._on_frame(frame)
        finally:
            self._close()
            if self._on_exit is not None:
                self._on_exit()

    def _open(self) -> FrameSource | None:
        if self._opener is None:
            # Defensive only: a source handed over already open is never closed on failure, so
            # the loop reads it again after each retry interval and does not come here.
            self._stop.wait(self._retry_interval)
            return None
        try:
            source = self._opener()
        except CameraError as exc:
            self._set_state(CameraState.LOST, str(exc))
            self._stop.wait(self._retry_interval)
            return None
        with self._lock:
            self._source = source
        return source

    def _lose(self, message: str) -> None:
        self._set_state(CameraState.LOST, message)
        if self._opener is not None:
            self._close()
        self._stop.wait(self._retry_interval)

    def _set_state(self, state: CameraState, message: str) -> None:
        self._state, self._message = state, message
        if self._on_state is not None:
            self._on_state(state, message)

    def _close(self) -> None:
        with self._lock:
            source, self._source = self._source, None
        if source is not None:
            source.close()
