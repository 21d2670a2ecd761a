"""The train, evaluate, doctor and bench commands end to end, in process, on real photos."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.cli import main
from game.vision.images import KNOWN_CLASSES


def _subset(signdigits: Path, target: Path, first: int, count: int) -> Path:
    """A labelled folder linking ``count`` photos per class, starting at the ``first``-th by name."""
    for folder in sorted(p for p in signdigits.iterdir() if p.name in KNOWN_CLASSES):
        (target / folder.name).mkdir(parents=True)
        for photo in sorted(folder.iterdir())[first : first + count]:
            (target / folder.name / photo.name).symlink_to(photo)
    return target


@pytest.fixture(scope="module")
def trained_profile(signdigits: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cmd")
    images = _subset(signdigits, root / "train", 0, 20)
    profile = root / "profile"
    code = main(["train", "--images", str(images), "--profile", str(profile), "--epochs", "30", "--json"])
    assert code == 0
    return profile


def test_train_prints_a_json_summary_last(
    signdigits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    images = _subset(signdigits, tmp_path / "imgs", 0, 12)
    code = main(
        ["train", "--images", str(images), "--profile", str(tmp_path / "p"), "--epochs", "3", "--json"]
    )
    out, err = capsys.readouterr()
    assert code == 0
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["classes"] == ["up", "down", "left", "right"] and summary["samples"] == 48
    assert set(summary) >= {"profile", "classes", "samples", "val_accuracy", "seconds"}
    assert "epoch   3/3" in err and "computing features on" in err
    assert (tmp_path / "p" / "profile.json").is_file()


def test_evaluate_json_on_held_out_photos(
    trained_profile: Path, signdigits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    images = _subset(signdigits, tmp_path / "test", 20, 15)
    capsys.readouterr()
    assert main(["evaluate", "--images", str(images), "--profile", str(trained_profile), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 60 and len(report["confusion"]) == 4
    assert sum(map(sum, report["confusion"])) == 60
    assert report["accuracy"] >= 0.8
    assert report["accuracy"] == pytest.approx(sum(report["confusion"][i][i] for i in range(4)) / 60)


def test_evaluate_table(
    trained_profile: Path, signdigits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    images = _subset(signdigits, tmp_path / "test", 40, 3)
    assert main(["evaluate", "--images", str(images), "--profile", str(trained_profile)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("accuracy ") and "rows: true class" in out


def test_evaluate_with_a_corrupt_profile_is_one_message(
    trained_profile: Path, signdigits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "profile.json").write_text("{ not json")
    images = _subset(signdigits, tmp_path / "test", 0, 2)
    assert main(["evaluate", "--images", str(images), "--profile", str(broken)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "damaged" in err and "Traceback" not in err


def test_train_on_a_folder_of_non_images(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("up", "down"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.txt").write_text("text")
    assert main(["train", "--images", str(tmp_path), "--profile", str(tmp_path / "p")]) == 1
    assert "no usable image" in capsys.readouterr().err


def test_doctor_reports_each_part(capsys: pytest.CaptureFixture[str], session_models_dir: Path) -> None:
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    for label in ("Python", "TensorFlow", "LiteRT", "OpenCV", "GPUs", "Cameras", "Weights", "Models"):
        assert label in out
    assert str(session_models_dir) in out and "$GESTURE_PACMAN_MODELS" in out


def test_bench_vision_reports_consistent_figures(
    signdigits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    images = _subset(signdigits, tmp_path / "imgs", 0, 10)
    assert main(["bench", "--suite", "vision", "--images", str(images), "--frames", "40", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert 0 < figures["frame_ms_p50"] <= figures["frame_ms_p95"]
    assert figures["speedup"] == pytest.approx(figures["predict_ms_p50"] / figures["frame_ms_p50"], rel=0.01)
    assert figures["images_per_second"] > 0 and figures["train_seconds_400"] > 0
    assert figures["train_samples"] == 40


def test_train_refuses_a_profile_path_that_is_not_a_profile_before_reading_images(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    occupied = tmp_path / "notes"
    occupied.mkdir()
    (occupied / "todo.txt").write_text("keep me")
    # No images folder at all: the profile target must be rejected before the images are looked at.
    assert main(["train", "--images", str(tmp_path / "missing"), "--profile", str(occupied)]) == 1
    err = capsys.readouterr().err
    assert "Refusing to overwrite" in err and "Traceback" not in err
    assert (occupied / "todo.txt").read_text() == "keep me"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--suite", "vision", "--weights", "/nonexistent/weights.h5"], "Weights file not found"),
    ],
)
def test_bench_bad_options_get_one_message(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bench", *argv, "--json"]) == 1
    captured = capsys.readouterr()
    assert expected in captured.err and "Traceback" not in captured.err
    assert captured.out == ""


def test_train_with_a_models_path_that_is_a_file_fails_before_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "models.txt"
    a_file.write_text("not a folder")
    assert main(["train", "--images", str(tmp_path / "missing"), "--models", str(a_file)]) == 1
    err = capsys.readouterr().err
    assert "is a file, not a folder" in err and "Traceback" not in err


def test_negative_camera_index_is_refused_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    """OpenCV reads a negative index as "any camera": the command line refuses it instead."""
    from game.cli import build_parser

    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["play", "--camera", "-1"])
    assert exc.value.code == 2
    assert "--camera must be between 0 and 99, got -1" in capsys.readouterr().err
