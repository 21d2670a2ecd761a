"""Which frame source calibration and play read, by one rule: the ``--video`` file, the ``--camera``
index, or the first webcam that opens, starting with the one the profile was recorded with (so the
webcam found in calibration is the one play opens); ``C`` in calibration moves on to the next index.

It remembers every index that failed so that the no-camera screen can say exactly what was
tried, instead of a bare "no webcam" (users could not tell a missing camera from a blocked one).
Once every probed index has failed, the camera thread's retries try only the current index (a
webcam plugged in later takes the first free index), and ``C`` offers the next index not yet tried.
"""

from __future__ import annotations

from collections.abc import Callable

from game.vision.camera import CameraError, FrameSource, WebcamSource, open_source

#: Webcam indices probed when no ``--camera`` is given, and the range ``C`` cycles through.
PROBE_INDICES: tuple[int, ...] = (0, 1, 2)
CYCLE_LIMIT = 4

Opener = Callable[[], FrameSource]


class SourceChooser:
    """Builds the openers the camera thread calls; see the module docstring."""

    def __init__(
        self,
        camera: int | None,
        video: str | None,
        mirror: bool = True,
        override: Opener | None = None,
        *,
        preferred: int | None = None,
    ) -> None:
        self.video = video
        self.mirror = mirror
        self._override = override
        self._explicit = camera is not None
        # Without --camera, the webcam the profile was recorded with is tried first.
        first = preferred if preferred is not None else PROBE_INDICES[0]
        self.index = camera if camera is not None else first
        #: The webcam index that opened last (None: none yet, or not a webcam).
        self.opened: int | None = None
        #: Webcam indices that failed to open, in the order they were tried (no repeats).
        self.tried: list[int] = []
        self.last_error = ""

    @property
    def can_cycle(self) -> bool:
        return self._override is None and self.video is None

    def describe(self) -> str:
        if self._override is not None:
            return "the test source"
        if self.video is not None:
            return f"video {self.video}"
        return f"camera {self.index}"

    def opener(self) -> Opener:
        if self._override is not None:
            return self._override
        if self.video is not None:
            video = self.video
            return lambda: open_source(None, video)
        indices = (self.index,) if self._explicit else self._probe_order()
        return lambda: self._open_first(self._retry_order(indices))

    @property
    def next_index(self) -> int:
        """The webcam index ``C`` tries next: the next one not tried yet, else simply the next one."""
        order = [(self.index + step) % CYCLE_LIMIT for step in range(1, CYCLE_LIMIT + 1)]
        return next((i for i in order if i not in self.tried), order[0])

    def next_opener(self) -> Opener:
        """The opener for the next webcam index (after an explicit choice, probing stops)."""
        self.index = self.next_index
        self._explicit = True
        return self.opener()

    def _retry_order(self, indices: tuple[int, ...]) -> tuple[int, ...]:
        # Probing every index again each second only repeats the same failures.
        return (self.index,) if all(i in self.tried for i in indices) else indices

    def _probe_order(self) -> tuple[int, ...]:
        return (self.index, *(i for i in PROBE_INDICES if i != self.index))

    def _open_first(self, indices: tuple[int, ...]) -> FrameSource:
        for index in indices:
            try:
                source = WebcamSource(index, mirror=self.mirror)
            except CameraError as exc:
                self.last_error = str(exc)
                if index not in self.tried:
                    self.tried.append(index)
                continue
            self.index = self.opened = index
            return source
        tried = ", ".join(str(i) for i in self.tried)
        raise CameraError(f"No webcam opened (tried camera {tried}). {self.last_error}")
