"""``gesture-pacman bench --suite hands`` on a small folder laid out like the room recordings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from game.bench.hands import CONFIGS, session_frames
from game.cli import main


def _rooms(signdigits: Path, root: Path) -> Path:
    """Two sessions of 3 shipped hand photos each, under <session>/<class>/."""
    for session, cls in (("a", "up"), ("b", "left")):
        folder = root / session / cls
        folder.mkdir(parents=True)
        for photo in sorted((signdigits / cls).iterdir())[:3]:
            shutil.copy(photo, folder / f"{session}_{photo.name}")
    return root


def test_session_frames_are_in_file_name_order_across_classes(tmp_path: Path) -> None:
    for cls, names in (("one", ["s_pic2.jpg", "s_pic0.jpg"]), ("fist", ["s_pic1.jpg"])):
        (tmp_path / "s" / cls).mkdir(parents=True)
        for name in names:
            (tmp_path / "s" / cls / name).write_bytes(b"")
    frames = session_frames(tmp_path)["s"]
    assert [(f.label, f.path.name) for f in frames] == [
        ("one", "s_pic0.jpg"), ("fist", "s_pic1.jpg"), ("one", "s_pic2.jpg"),
    ]  # fmt: skip


def test_hands_suite_reports_recall_and_cost_per_session_and_configuration(
    signdigits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _rooms(signdigits, tmp_path / "rooms")
    assert main(["bench", "--suite", "hands", "--images", str(root), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["overall"]) == set(CONFIGS) and set(out["per_session"]) == {"a", "b"}
    for modes in out["overall"].values():
        for mode in ("stream", "still"):
            assert modes[mode]["frames"] == 6
            assert 0.0 <= modes[mode]["recall"] <= 1.0
    assert out["overall"]["default"]["still"]["detector_frames"] == 1.0
    assert out["ratios"]["default"]["stream"]["frame_ms_mean"] > 0
    missed = out["missed"]["default"]["still"]
    assert len(missed) == 6 - out["overall"]["default"]["still"]["found"]
