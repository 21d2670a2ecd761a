"""The game's sounds, synthesised with numpy at start-up (no audio files), played from the core's events.

They are synthesised at the rate the mixer actually opened at (asked for 22,050 Hz, a device may
give 44,100 or 48,000): samples made for another rate would play at the wrong pitch and speed.
When no audio device can be opened the game runs silently: ``Audio.available`` is False and every
call does nothing. ``M`` toggles ``muted`` in the play scene. While the world stands still (paused,
or the window lost focus) the play scene ``pause``s every sound where it is and ``resume``s it when
the world runs again, so the start tune still fills the first READY! after a pause.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from enum import Enum

import numpy as np
import pygame

from game.core.events import Event
from game.core.levels import FIRST_READY_STEPS, STEPS_PER_SECOND
from game.core.state import Phase, World

log = logging.getLogger(__name__)

#: The rate the mixer is asked for, and the default of ``synthesize``.
SAMPLE_RATE = 22050
VOLUME = 0.22
#: Seconds into the death sequence when the death sound starts (after the freeze).
DEATH_SOUND_DELAY_S = 1.0


class Sound(Enum):
    WAKA_A = "waka_a"
    WAKA_B = "waka_b"
    FRIGHT = "fright"  # loops while ghosts are blue
    GHOST_EATEN = "ghost_eaten"
    FRUIT_EATEN = "fruit_eaten"
    DEATH = "death"
    START = "start"
    EXTRA_LIFE = "extra_life"


def _sweep(rate: int, f0: float, f1: float, seconds: float, shape: str = "triangle") -> np.ndarray:
    """A tone gliding from ``f0`` to ``f1`` Hz (exponentially) at ``rate`` samples a second, as a
    float array in [-1, 1]."""
    n = max(1, int(seconds * rate))
    freq = f0 * (f1 / f0) ** np.linspace(0.0, 1.0, n)
    phase = np.cumsum(freq) / rate
    frac = phase % 1.0
    if shape == "square":
        return np.where(frac < 0.5, 1.0, -1.0)
    return 4.0 * np.abs(frac - 0.5) - 1.0  # triangle, the Namco sound chip's favourite


def _note_freq(semitones_from_a4: int) -> float:
    return 440.0 * 2.0 ** (semitones_from_a4 / 12.0)


def _fade(rate: int, wave: np.ndarray, seconds: float = 0.004) -> np.ndarray:
    """Short ramps at both ends so sounds start and stop without clicks."""
    n = min(len(wave) // 2, int(seconds * rate))
    if n > 0:
        ramp = np.linspace(0.0, 1.0, n)
        wave = wave.copy()
        wave[:n] *= ramp
        wave[-n:] *= ramp[::-1]
    return wave


# The opening tune, as (semitones from A4, sixteenth notes); None is a rest.
_START_TUNE: tuple[tuple[int | None, int], ...] = (
    (2, 1), (14, 1), (9, 1), (6, 1), (14, 1), (9, 1), (6, 2),
    (3, 1), (15, 1), (10, 1), (7, 1), (15, 1), (10, 1), (7, 2),
    (2, 1), (14, 1), (9, 1), (6, 1), (14, 1), (9, 1), (6, 2),
    (6, 1), (7, 1), (8, 1), (8, 1), (9, 1), (10, 1), (10, 1), (11, 1), (12, 1), (14, 2),
)  # fmt: skip
#: The tune fills the game's first READY! exactly: the actors move as it ends.
_SIXTEENTH_S = FIRST_READY_STEPS / STEPS_PER_SECOND / sum(length for _, length in _START_TUNE)


def synthesize(sound: Sound, rate: int = SAMPLE_RATE) -> np.ndarray:
    """The samples of ``sound`` at ``rate`` samples a second (mono float, [-1, 1])."""
    if sound is Sound.WAKA_A:
        return _fade(rate, _sweep(rate, 480.0, 180.0, 0.11))
    if sound is Sound.WAKA_B:
        return _fade(rate, _sweep(rate, 180.0, 480.0, 0.11))
    if sound is Sound.FRIGHT:
        return np.concatenate([_sweep(rate, 250.0, 650.0, 0.13), _sweep(rate, 650.0, 250.0, 0.13)])
    if sound is Sound.GHOST_EATEN:
        return _fade(rate, _sweep(rate, 150.0, 1400.0, 0.45, "square") * 0.6)
    if sound is Sound.FRUIT_EATEN:
        return _fade(
            rate, np.concatenate([_sweep(rate, 400.0, 900.0, 0.08), _sweep(rate, 900.0, 400.0, 0.08)])
        )
    if sound is Sound.DEATH:
        t = np.linspace(0.0, 1.3, int(1.3 * rate))
        base = _sweep(rate, 900.0, 160.0, 1.3)
        wobble = 0.6 + 0.4 * np.sin(2 * np.pi * 9.0 * t)
        pops = [_sweep(rate, 300.0, 900.0, 0.09) for _ in range(2)]
        gap = np.zeros(int(0.05 * rate))
        return _fade(rate, np.concatenate([base * wobble, gap, pops[0], gap, pops[1]]))
    if sound is Sound.START:
        parts = []
        for semitones, length in _START_TUNE:
            seconds = length * _SIXTEENTH_S
            if semitones is None:
                parts.append(np.zeros(int(seconds * rate)))
                continue
            f = _note_freq(semitones)
            tone = (
                _sweep(rate, f, f, seconds * 0.85, "square") * 0.5
                + _sweep(rate, f / 2, f / 2, seconds * 0.85) * 0.5
            )
            parts.append(_fade(rate, np.concatenate([tone, np.zeros(int(seconds * 0.15 * rate))])))
        return np.concatenate(parts)
    if sound is Sound.EXTRA_LIFE:
        beep = _fade(rate, _sweep(rate, 1500.0, 1500.0, 0.07, "square") * 0.5)
        gap = np.zeros(int(0.05 * rate))
        return np.concatenate([beep, gap] * 6)
    raise ValueError(f"no recipe for {sound}")


class Audio:
    """Plays the synthesised sounds for the game's events; silent when no device can be opened."""

    def __init__(self, enabled: bool = True) -> None:
        self.muted = False
        #: Every sound is held where it was (``pause``) until ``resume``.
        self.paused = False
        self._sounds: dict[Sound, pygame.mixer.Sound] = {}
        self._waka_next = Sound.WAKA_A
        self._death_played = False
        self._siren: pygame.mixer.Channel | None = None
        self._waka: pygame.mixer.Channel | None = None
        self.available = enabled and self._open()

    def _open(self) -> bool:
        try:
            if pygame.mixer.get_init() is None:
                pygame.mixer.init(frequency=SAMPLE_RATE, size=-16, channels=2, buffer=512)
            init = pygame.mixer.get_init()
            if init is None:
                raise pygame.error("the mixer did not start")
            rate, _, channels = init
            for sound in Sound:
                self._sounds[sound] = self._make(synthesize(sound, rate), channels)
            pygame.mixer.set_reserved(2)
            self._siren, self._waka = pygame.mixer.Channel(0), pygame.mixer.Channel(1)
        except (pygame.error, NotImplementedError, ValueError) as exc:
            log.warning("no sound: cannot open an audio device (%s); the game runs silently", exc)
            self._sounds.clear()
            return False
        return True

    @staticmethod
    def _make(wave: np.ndarray, channels: int) -> pygame.mixer.Sound:
        samples = (np.clip(wave, -1.0, 1.0) * VOLUME * 32767).astype(np.int16)
        if channels > 1:
            samples = np.repeat(samples[:, None], channels, axis=1)
        return pygame.sndarray.make_sound(np.ascontiguousarray(samples))

    def toggle_mute(self) -> bool:
        self.muted = not self.muted
        if self.muted:
            self.stop()
        return self.muted

    def play(self, sound: Sound) -> None:
        if not self.available or self.muted:
            return
        self._sounds[sound].play()

    def on_events(self, events: Iterable[Event]) -> None:
        """Sounds for one step's events."""
        if not self.available or self.muted:
            return
        for event in events:
            if event in (Event.DOT, Event.ENERGIZER):
                self._chomp()
            elif event is Event.GHOST_EATEN:
                self.play(Sound.GHOST_EATEN)
            elif event is Event.FRUIT_EATEN:
                self.play(Sound.FRUIT_EATEN)
            elif event is Event.EXTRA_LIFE:
                self.play(Sound.EXTRA_LIFE)
            elif event is Event.DEATH:
                self.stop_loops()
                self._death_played = False

    def _chomp(self) -> None:
        if self._waka is not None and not self._waka.get_busy():
            self._waka.play(self._sounds[self._waka_next])
            self._waka_next = Sound.WAKA_B if self._waka_next is Sound.WAKA_A else Sound.WAKA_A

    def follow(self, world: World) -> None:
        """Keep the looping and delayed sounds in step with the world (call once per frame)."""
        if not self.available or self.muted or self._siren is None:
            return
        fright = world.phase is Phase.PLAYING and world.frightened_left > 0
        if fright and not self._siren.get_busy():
            self._siren.play(self._sounds[Sound.FRIGHT], loops=-1)
        elif not fright and self._siren.get_busy():
            self._siren.stop()
        if world.phase is Phase.DYING and world.phase_time >= DEATH_SOUND_DELAY_S and not self._death_played:
            self._death_played = True
            self.play(Sound.DEATH)

    @property
    def looping(self) -> bool:
        """A looping sound (the fright siren) is playing."""
        return self._siren is not None and self._siren.get_busy()

    def stop_loops(self) -> None:
        """Silence the looping sounds (the world is frozen); ``follow`` starts them again."""
        if self._siren is not None:
            self._siren.stop()

    def pause(self) -> None:
        """Hold every playing sound where it is (the world stands still); ``resume`` plays them on."""
        if self.available and not self.paused:
            pygame.mixer.pause()
            self.paused = True

    def resume(self) -> None:
        """Play on the sounds ``pause`` held, from where they were."""
        if self.paused:
            pygame.mixer.unpause()
            self.paused = False

    def stop(self) -> None:
        """Silence everything for good (mute, a new game, leaving the scene)."""
        self.paused = False
        if self.available:
            pygame.mixer.stop()
