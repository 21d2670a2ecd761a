"""Sounds: synthesised from numpy, played for the core's events, and silence when there is no device."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pygame
import pytest

from game.audio import SAMPLE_RATE, Audio, Sound, synthesize
from game.core.events import Event
from game.core.levels import STEPS_PER_SECOND
from game.core.types import Intent
from game.core.world import new_world, step

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_every_sound_is_a_distinct_non_silent_wave_in_range() -> None:
    waves = {sound: synthesize(sound) for sound in Sound}
    for sound, wave in waves.items():
        assert wave.ndim == 1 and len(wave) > 100, sound
        assert np.abs(wave).max() <= 1.0 and np.abs(wave).max() > 0.1, sound
    fingerprints = {(len(w), round(float(np.abs(w).mean()), 6)) for w in waves.values()}
    assert len(fingerprints) == len(waves)


def test_events_play_on_the_dummy_device_and_mute_silences() -> None:
    audio = Audio()
    assert audio.available, "SDL's dummy audio driver should open"
    world = new_world(1)
    audio.on_events([Event.DOT, Event.ENERGIZER, Event.GHOST_EATEN, Event.EXTRA_LIFE, Event.DEATH])
    audio.follow(world)
    assert audio.toggle_mute() is True
    audio.on_events([Event.DOT])
    assert not pygame.mixer.get_busy()
    audio.toggle_mute()
    audio.stop()


def test_no_audio_device_means_silence_with_one_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_device(*args: object, **kwargs: object) -> None:
        raise pygame.error("Couldn't open audio device")

    pygame.mixer.quit()
    monkeypatch.setattr(pygame.mixer, "init", no_device)
    with caplog.at_level(logging.WARNING, logger="game.audio"):
        audio = Audio()
    assert not audio.available
    assert "runs silently" in caplog.text
    audio.play(Sound.START)
    audio.on_events([Event.DOT, Event.DEATH])
    audio.follow(new_world(1))
    audio.toggle_mute()
    audio.stop()


def test_a_missing_audio_driver_gives_no_traceback() -> None:
    code = "from game.audio import Audio\nprint('available', Audio().available)\n"
    env = {**os.environ, "SDL_AUDIODRIVER": "no-such-driver"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert "available False" in result.stdout
    assert "Traceback" not in result.stderr


def test_the_start_tune_ends_as_the_games_first_ready_does() -> None:
    world = new_world(1)
    steps = 1
    while Event.START not in step(world, Intent()):
        steps += 1
    ready_s = steps / STEPS_PER_SECOND
    tune_s = len(synthesize(Sound.START)) / SAMPLE_RATE
    assert ready_s - 0.1 <= tune_s <= ready_s, "the ghosts would chase during the tune, or wait after it"


@pytest.mark.parametrize("rate", [44100, 48000])
def test_sounds_keep_their_length_and_pitch_when_the_mixer_opens_at_another_rate(rate: int) -> None:
    pygame.mixer.quit()
    pygame.mixer.init(frequency=rate, size=-16, channels=2, buffer=512)
    try:
        init = pygame.mixer.get_init()
        assert init is not None
        audio = Audio()
        assert audio.available
        for sound in Sound:
            # Sound.get_length reads the samples at the mixer's rate: as long as made means the
            # same pitch too (samples made at 22,050 Hz played at 44,100 are half as long, an
            # octave up).
            made_s = len(synthesize(sound)) / SAMPLE_RATE
            assert audio._sounds[sound].get_length() == pytest.approx(made_s, rel=0.01), sound
        assert len(synthesize(Sound.WAKA_A, init[0])) == pytest.approx(
            len(synthesize(Sound.WAKA_A)) * init[0] / SAMPLE_RATE, abs=2
        )
    finally:
        pygame.mixer.quit()
