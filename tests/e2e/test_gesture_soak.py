"""A shortened soak of gesture play: memory must not grow while the predictor and the game run on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.bench.soak import MEMORY_LIMIT_MB, STEPS_PER_MINUTE
from game.cli import main

MINUTES = 3


@pytest.mark.slow
def test_gesture_play_soak_keeps_memory_flat(
    signdigits: Path, imagenet_weights: Path, session_models_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "bench",
            "--suite",
            "soak",
            "--minutes",
            str(MINUTES),
            "--images",
            str(signdigits),
            "--models",
            str(session_models_dir),
            "--json",
        ]
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["frames"] == MINUTES * STEPS_PER_MINUTE
    assert result["game_steps"] == result["frames"]
    # The predictor ran throughout: predictions in every simulated minute, not a stalled thread.
    assert len(result["predictions_by_minute"]) == MINUTES
    assert all(n > 0 for n in result["predictions_by_minute"]), json.dumps(result)
    assert len(result["rss_mb_by_minute"]) == MINUTES + 1
    assert result["rss_growth_mb"] < MEMORY_LIMIT_MB
    assert result["memory_ok"] is True
