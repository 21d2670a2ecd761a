"""The terminal a new player meets: --version, --help defaults, no display, TensorFlow's log lines.

Run as the player runs them (``python -m game ...`` in a subprocess) where the process matters:
the display check, the exit status and what reaches stderr.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

import game
from game.cli import HAND_TRAIN_DEFAULTS, TRAIN_DEFAULTS, HelpFormatter, build_parser
from game.commands.terminal import NATIVE_LOG_LINE

REPO = Path(__file__).resolve().parents[1]


def _run(
    *argv: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "game", *argv],
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)) if env is None else env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_version_prints_the_package_version() -> None:
    done = _run("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"gesture-pacman {game.__version__}"
    # The package's version is read from game.__version__ too: one source for both.
    pyproject = (REPO / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject and 'version = { attr = "game.__version__" }' in pyproject


def _parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    parser = build_parser()
    found = [("gesture-pacman", parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found += sorted(action.choices.items())
    return found


@pytest.mark.parametrize(("name", "parser"), _parsers(), ids=[name for name, _ in _parsers()])
def test_help_shows_every_default(name: str, parser: argparse.ArgumentParser) -> None:
    formatter = HelpFormatter(name)
    for action in parser._actions:
        if not action.option_strings or action.required or action.dest in ("help", "version"):
            continue  # a required option has no default
        if isinstance(action, argparse._SubParsersAction):
            continue
        text = formatter._get_help_string(action) or ""
        assert "default" in text, f"{name} {action.option_strings[0]}: {text!r}"
    # and what --help really prints has them
    assert "(default:" in parser.format_help()


def test_train_help_defaults_are_the_training_recipes() -> None:
    from game.vision.training import DEFAULT, HAND_DEFAULT

    for config, shown in ((DEFAULT, TRAIN_DEFAULTS), (HAND_DEFAULT, HAND_TRAIN_DEFAULTS)):
        recipe = {
            "epochs": config.epochs,
            "lr": config.learning_rate,
            "hidden": config.hidden_units,
            "batch_fraction": config.batch_fraction,
        }
        assert recipe == shown
    done = _run("train", "--help")
    assert done.returncode == 0
    flat = " ".join(done.stdout.split())
    assert f"(default: {HAND_DEFAULT.epochs} for hand profiles, {DEFAULT.epochs} for frame ones)" in flat
    assert "(default: 0.001 for hand profiles, 0.0003 for frame ones)" in flat


def _no_display_env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    for name in ("SDL_VIDEODRIVER", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    return env


@pytest.mark.parametrize("argv", [[], ["demo"], ["calibrate"], ["play", "--keyboard"]])
def test_no_display_is_one_line_and_a_failure_not_a_hang(argv: list[str]) -> None:
    # A start that waited for a display would hit the timeout (subprocess.TimeoutExpired).
    done = _run(*argv, env=_no_display_env(), timeout=60)
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert "no display" in lines[0] and "desktop session" in lines[0] and "demo --headless" in lines[0]
    assert done.stdout == ""


def test_an_explicit_video_driver_is_honoured() -> None:
    """SDL_VIDEODRIVER set by the user (tests use dummy, a user may want offscreen) still runs."""
    env = dict(_no_display_env(), SDL_VIDEODRIVER="offscreen", SDL_AUDIODRIVER="dummy")
    done = _run("demo", "--seconds", "0.5", env=env)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "line",
    [
        b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n",
        b"I0000 00:00:1796031573.977821   14968 port.cc:153] oneDNN custom operations are on.\n",
        b"I0000 00:00:1796031573.978225   14968 cudart_stub.cc:31] Could not find cuda drivers\n",
        b"E1130 09:30:02.123456   14968 cuda_dnn.cc:8310] Unable to register cuDNN factory\n",
        b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n",
    ],
)
def test_native_log_lines_are_recognised(line: bytes) -> None:
    assert NATIVE_LOG_LINE.match(line)


@pytest.mark.parametrize(
    "line",
    [
        b"error: The MobileNet weights are not available\n",
        b"Traceback (most recent call last):\n",
        b"F0000 00:00:1796031573.977821   14968 check.cc:1] Check failed: fatal\n",
        b"saved /tmp/p (validation accuracy 0.9)\n",
    ],
)
def test_other_lines_pass(line: bytes) -> None:
    assert not NATIVE_LOG_LINE.match(line)


def test_tensorflow_log_lines_only_with_verbose(tmp_path: Path) -> None:
    """doctor loads TensorFlow: its C++ lines reach the terminal with --verbose only."""
    env = dict(os.environ, PYTHONPATH=str(REPO), GESTURE_PACMAN_MODELS=str(tmp_path))
    quiet = _run("doctor", env=env, timeout=180)
    loud = _run("doctor", "--verbose", env=env, timeout=180)
    assert quiet.returncode == 0 and loud.returncode == 0
    # The guard: TensorFlow does print such lines here, so their absence below means something.
    assert any(NATIVE_LOG_LINE.match(line.encode() + b"\n") for line in loud.stderr.splitlines())
    assert quiet.stderr.strip() == "", quiet.stderr
    assert quiet.stdout.splitlines()[0].startswith("Python")


#: A window whose scene sends the process ``sys.argv[2]`` on its fifth frame; its clean-up (the
#: scene's exit, as Ctrl-C runs it) writes ``sys.argv[1]``. Run through the real command line's
#: signal set-up and status mapping.
_SIGNALLED_GAME = """
import os, signal, sys
from pathlib import Path
from game.app import run_app
from game.commands.signals import end_like_ctrl_c
from game.scenes.base import Scene

class Signalled(Scene):
    frames = 0
    def update(self, dt):
        self.frames += 1
        if self.frames == 5:
            os.kill(os.getpid(), getattr(signal, sys.argv[2]))
    def draw(self, surface):
        pass
    def exit(self):
        Path(sys.argv[1]).write_text(f"clean-up ran after {self.frames} frames")

end_like_ctrl_c()
try:
    run_app(Signalled)
except KeyboardInterrupt as exc:
    sys.exit(getattr(exc, "status", 130))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM and SIGHUP cannot be caught on Windows")
@pytest.mark.parametrize(("name", "number"), [("SIGTERM", 15), ("SIGHUP", 1)])
def test_sigterm_and_sighup_end_the_game_through_its_clean_up(tmp_path: Path, name: str, number: int) -> None:
    """A logout, a closed terminal or ``kill`` ends the program as Ctrl-C does: the scenes' clean-up
    runs (it saves the high score and keeps learned corrections aside), and the exit status says
    which signal it was."""
    marker = tmp_path / "clean-up"
    env = dict(os.environ, PYTHONPATH=str(REPO), SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    done = subprocess.run(
        [sys.executable, "-c", _SIGNALLED_GAME, str(marker), name],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 128 + number and "Traceback" not in done.stderr, done.stderr
    assert marker.read_text() == "clean-up ran after 5 frames"


def test_the_command_line_returns_the_status_a_signal_asks_for(monkeypatch: pytest.MonkeyPatch) -> None:
    from game.cli import main
    from game.commands import doctor
    from game.commands.signals import Terminated

    def killed(_args: object) -> int:
        raise Terminated(15)

    monkeypatch.setattr(doctor, "run", killed)
    assert main(["doctor"]) == 143


@pytest.mark.parametrize(
    ("argv", "prefix"), [([], "gesture-pacman: "), (["play", "--keyboard"], "gesture-pacman play: ")]
)
def test_no_display_names_the_command_typed(argv: list[str], prefix: str) -> None:
    # Plain `gesture-pacman` (the README's first command) opens the title, not `play`.
    done = _run(*argv, env=_no_display_env(), timeout=60)
    assert done.stderr.startswith(prefix + "no display"), done.stderr


def test_train_help_says_a_default_shared_by_both_recognizers_once() -> None:
    from game.vision.training import DEFAULT, HAND_DEFAULT

    assert HAND_DEFAULT.batch_fraction == DEFAULT.batch_fraction  # else this test has nothing to check
    help_text = " ".join(dict(_parsers())["train"].format_help().split())
    assert f"(default: {DEFAULT.batch_fraction})" in help_text
    assert f"{DEFAULT.batch_fraction} for hand profiles" not in help_text
