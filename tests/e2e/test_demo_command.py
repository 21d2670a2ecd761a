"""``gesture-pacman demo`` end to end, as a user runs it: headless JSON summary, screenshots, bad options."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pygame
import pytest

from game.core.simulate import DemoSummary
from game.render.layout import window_size

REPO_ROOT = Path(__file__).resolve().parents[2]
#: The JSON summary carries DemoSummary's fields (their list is pinned in tests/input/test_autopilot.py).
SUMMARY_KEYS = {field.name for field in dataclasses.fields(DemoSummary)}


def gesture_pacman(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    return subprocess.run(
        [sys.executable, "-m", "game", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.timeout(180)
def test_headless_demo_prints_the_summary_as_json_and_saves_a_screenshot(tmp_path: Path) -> None:
    png = tmp_path / "last.png"
    result = gesture_pacman(
        "demo", "--headless", "--json", "--seconds", "20", "--seed", "2", "--screenshot", str(png)
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(summary) == SUMMARY_KEYS
    assert summary["steps"] == 20 * 60 or summary["lives_lost"] == 3, "stops at the limit or at game over"
    assert summary["seconds_simulated"] == pytest.approx(summary["steps"] / 60)
    assert summary["dots_eaten"] > 0 and summary["score"] >= 10 * summary["dots_eaten"]
    assert summary["steps_per_second"] > 0
    image = pygame.image.load(str(png))
    assert image.get_size() == window_size(3)
    assert [p.name for p in tmp_path.iterdir()] == ["last.png"], "no temporary files left behind"


@pytest.mark.timeout(120)
def test_the_same_seed_plays_the_same_game(tmp_path: Path) -> None:
    runs = [gesture_pacman("demo", "--headless", "--json", "--seconds", "8", "--seed", "5") for _ in range(2)]
    summaries = [json.loads(r.stdout.strip().splitlines()[-1]) for r in runs]
    for summary in summaries:
        del summary["steps_per_second"]
    assert summaries[0] == summaries[1]


@pytest.mark.timeout(120)
def test_windowed_demo_plays_in_real_time_and_saves_its_last_frame(tmp_path: Path) -> None:
    png = tmp_path / "window.png"
    result = gesture_pacman("demo", "--seconds", "1.5", "--scale", "2", "--screenshot", str(png))
    assert result.returncode == 0, result.stderr
    assert pygame.image.load(str(png)).get_size() == window_size(2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--seconds", "0"), "--seconds must be positive"),
        (("--scale", "0"), "--scale must be between"),
        (("--screenshot", "/no/such/folder/x.png"), "does not exist"),
    ],
)
def test_bad_options_get_one_clear_message(args: tuple[str, ...], message: str) -> None:
    result = gesture_pacman("demo", "--headless", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_headless_demo_without_json_prints_one_readable_line() -> None:
    result = gesture_pacman("demo", "--headless", "--seconds", "2", "--seed", "5")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("autopilot, seed 5: 2.0 s simulated")


def test_headless_demo_line_counts_in_words() -> None:
    # Seed 1's minute loses one life and clears no level: "1 life lost", never "1 lives lost".
    result = gesture_pacman("demo", "--headless", "--seed", "1")
    assert result.returncode == 0, result.stderr
    assert "0 levels cleared, 1 life lost," in result.stdout, result.stdout
