"""Soak: 10,000 frames through the per-frame path must not grow resident memory by 50 MB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.cli import main


@pytest.mark.slow
def test_per_frame_path_memory_is_flat(
    imagenet_weights: Path, session_models_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bench", "--suite", "memory", "--frames", "10000", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["frames"] == 10000
    assert figures["growth_mb"] < figures["limit_mb"] == 50.0
    assert figures["max_growth_mb"] < 50.0


def test_memory_bench_runs_briefly(
    imagenet_weights: Path, session_models_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bench", "--suite", "memory", "--frames", "200", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["frames"] == 200 and figures["rss_warm_mb"] > 0
