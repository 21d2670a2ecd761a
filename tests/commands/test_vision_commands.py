"""The train, evaluate, doctor and bench commands end to end, in process, on real photos."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import pytest
from photo_support import labelled_subset

from game.cli import main
from game.vision.gesture_setup import live_inference_threads


@pytest.fixture(scope="module")
def trained_profile(signdigits: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cmd")
    images = labelled_subset(signdigits, root / "train", 0, 20)
    profile = root / "profile"
    argv = ["--recognizer", "frame", "--epochs", "30", "--json"]
    code = main(["train", "--images", str(images), "--profile", str(profile), *argv])
    assert code == 0
    return profile


def test_train_prints_a_json_summary_last(
    signdigits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    images = labelled_subset(signdigits, tmp_path / "imgs", 0, 12)
    argv = ["--epochs", "3", "--json", "--recognizer", "frame"]
    code = main(["train", "--images", str(images), "--profile", str(tmp_path / "p"), *argv])
    out, err = capsys.readouterr()
    assert code == 0
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["classes"] == ["up", "down", "left", "right"] and summary["samples"] == 48
    assert set(summary) >= {"profile", "classes", "samples", "val_accuracy", "seconds"}
    assert "computing features on" in err and "saved " in err
    assert "img/s" not in err and "epoch/s" not in err  # --json (and no terminal): no progress bars
    assert (tmp_path / "p" / "profile.json").is_file()


def test_evaluate_json_on_held_out_photos(
    trained_profile: Path, signdigits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    images = labelled_subset(signdigits, tmp_path / "test", 20, 15)
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
    images = labelled_subset(signdigits, tmp_path / "test", 40, 3)
    assert main(["evaluate", "--images", str(images), "--profile", str(trained_profile)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("accuracy ") and "rows: true class" in out


def test_evaluate_scores_a_folder_of_one_class(
    trained_profile: Path, signdigits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Checking one gesture (a folder of "up" photos, or of idle frames) is a fair question."""
    images = labelled_subset(signdigits, tmp_path / "test", 20, 10)
    for other in ("down", "left", "right"):
        shutil.rmtree(images / other)
    capsys.readouterr()
    assert main(["evaluate", "--images", str(images), "--profile", str(trained_profile), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 10 and sum(report["confusion"][0]) == 10
    assert sum(map(sum, report["confusion"][1:])) == 0
    assert report["accuracy"] == pytest.approx(report["confusion"][0][0] / 10)


def test_evaluate_with_a_corrupt_profile_is_one_message(
    trained_profile: Path, signdigits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "profile.json").write_text("{ not json")
    images = labelled_subset(signdigits, tmp_path / "test", 0, 2)
    assert main(["evaluate", "--images", str(images), "--profile", str(broken)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("gesture-pacman evaluate: ") and "damaged" in err and "Traceback" not in err


def test_evaluate_a_profile_whose_input_size_the_backbone_does_not_take_is_one_message(
    trained_profile: Path, signdigits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "odd"
    shutil.copytree(trained_profile, odd)
    meta = json.loads((odd / "profile.json").read_text())
    meta["preprocess"]["size"] = 100  # valid on its own, but the backbone takes 224x224
    (odd / "profile.json").write_text(json.dumps(meta))
    images = labelled_subset(signdigits, tmp_path / "test", 0, 2)
    capsys.readouterr()
    assert main(["evaluate", "--images", str(images), "--profile", str(odd)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("gesture-pacman evaluate: ") and "preprocesses to 100x100" in err
    assert "Traceback" not in err


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


def test_doctor_says_when_the_models_folder_is_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    models = tmp_path / "models.txt"
    models.write_text("not a folder")
    assert main(["doctor", "--models", str(models)]) == 0
    out = capsys.readouterr().out
    assert f"PROBLEM: the models directory {models} is not a folder; choose a folder with --models DIR" in out
    assert "Profile" not in out, "no profile line for a folder that cannot exist"


@pytest.mark.slow  # a whole vision bench: two recipes trained three times each on 400 samples
def test_bench_vision_reports_consistent_figures(
    signdigits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every figure is there and positive, and each ratio is the quotient of the figures it names.

    How the timings compare (the backbone against the whole frame, say) is what the bench
    measures and prints; it is not asserted here, where a busy machine could reorder them.
    """
    images = labelled_subset(signdigits, tmp_path / "imgs", 0, 10)
    assert main(["bench", "--suite", "vision", "--images", str(images), "--frames", "40", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    timed = (
        "frame_ms_p50",
        "frame_ms_p95",
        "frame_ms_p10",
        "frame_ms_p50_plain",
        "backbone_fp32_ms_p50",
        "backbone_fp32_ms_p10",
        "predict_ms_p50",
        "images_per_second",
        "train_seconds_400",
        "train_seconds_400_original",
    )
    for key in timed:
        assert figures[key] > 0, key
    # Percentiles of one set of frames are ordered whatever the machine does.
    assert figures["frame_ms_p10"] <= figures["frame_ms_p50"] <= figures["frame_ms_p95"]
    for ratio, over, under in (
        ("frame_to_backbone", "frame_ms_p50", "backbone_fp32_ms_p50"),
        ("frame_to_backbone_plain", "frame_ms_p50_plain", "backbone_fp32_ms_p50"),
        ("frame_to_backbone_p10", "frame_ms_p10", "backbone_fp32_ms_p10"),
    ):
        assert figures[ratio] == pytest.approx(figures[over] / figures[under], rel=0.01), ratio
    # speedup is rounded to one decimal, train_ratio_400 to two.
    assert figures["speedup"] == pytest.approx(figures["predict_ms_p50"] / figures["frame_ms_p50"], abs=0.06)
    assert figures["train_ratio_400"] == pytest.approx(
        figures["train_seconds_400"] / figures["train_seconds_400_original"], abs=0.01
    )
    parts = figures["frame_parts_ms_p50"]
    assert set(parts) == {"preprocess", "invoke", "head"} and min(parts.values()) > 0
    assert figures["threads"] == live_inference_threads() and figures["frame_shape"] == [480, 640, 3]
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
    assert main(["train", "--images", str(tmp_path / "missing"), "--models", str(a_file)]) == 2
    err = capsys.readouterr().err
    assert "models directory" in err and "is not a folder" in err and "Traceback" not in err


def test_negative_camera_index_is_refused_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    """OpenCV reads a negative index as "any camera": the command line refuses it instead."""
    from game.cli import build_parser

    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["play", "--camera", "-1"])
    assert exc.value.code == 2
    assert "--camera must be between 0 and 99, got -1" in capsys.readouterr().err


class _Terminal(io.StringIO):
    """A stderr that says it is a terminal, so that the commands draw their progress bars."""

    def isatty(self) -> bool:
        return True


def test_train_and_evaluate_show_progress_bars_on_a_terminal(
    signdigits: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    images = labelled_subset(signdigits, tmp_path / "imgs", 0, 12)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    argv = ["train", "--images", str(images), "--profile", str(tmp_path / "p"), "--epochs", "3"]
    assert main([*argv, "--recognizer", "frame"]) == 0
    err = terminal.getvalue()
    # Every slow step has a bar with its count and the time left (tqdm's "<" estimate).
    for step, count in (("loading MobileNet", "1/1"), ("features", "48/48"), ("training", "3/3")):
        assert any(step in line and count in line and "<" in line for line in err.split("\r")), step
    assert "refit on every sample" in err and "saving" in err and "2/2" in err
    assert "val_acc=" in err

    terminal.seek(0)
    terminal.truncate()
    held_out = labelled_subset(signdigits, tmp_path / "held", 40, 2)
    assert main(["evaluate", "--images", str(held_out), "--profile", str(tmp_path / "p")]) == 0
    err = terminal.getvalue()
    assert "loading profile, photos, MobileNet" in err and "3/3" in err
    assert any("features" in line and "8/8" in line for line in err.split("\r"))


def test_evaluate_of_a_hand_profile_does_not_say_it_loads_mobilenet(
    signdigits: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    images = labelled_subset(signdigits, tmp_path / "imgs", 0, 10)
    assert (
        main(["train", "--images", str(images), "--profile", str(tmp_path / "p"), "--epochs", "2", "--json"])
        == 0
    )
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    held_out = labelled_subset(signdigits, tmp_path / "held", 40, 2)
    assert main(["evaluate", "--images", str(held_out), "--profile", str(tmp_path / "p")]) == 0
    err = terminal.getvalue()
    assert "loading profile, photos" in err and "3/3" in err
    assert "MobileNet" not in err


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def test_train_into_a_profile_with_samples_needs_force_or_add(
    trained_profile: Path, signdigits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    images = labelled_subset(signdigits, tmp_path / "imgs", 30, 5)
    before = _files(trained_profile)
    capsys.readouterr()
    assert main(["train", "--images", str(images), "--profile", str(trained_profile)]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("gesture-pacman train: ") and "Traceback" not in captured.err
    # It says what is there, and how to go on.
    assert "80 recorded samples (up 20, down 20, left 20, right 20)" in captured.err
    assert "--force" in captured.err and "--add" in captured.err
    assert "computing features" not in captured.err  # refused before the slow work
    assert _files(trained_profile) == before


def test_train_into_a_profile_that_lost_its_profile_json_keeps_its_samples_without_force(
    trained_profile: Path, signdigits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The samples are the player's recording: a lost profile.json must not make them fair game."""
    damaged = tmp_path / "damaged"
    shutil.copytree(trained_profile, damaged)
    (damaged / "profile.json").unlink()
    before = _files(damaged)
    images = labelled_subset(signdigits, tmp_path / "imgs", 30, 5)
    capsys.readouterr()
    assert main(["train", "--images", str(images), "--profile", str(damaged)]) == 1
    err = capsys.readouterr().err
    assert "holds recorded samples (samples.npz) but no profile.json" in err and "--force" in err
    assert _files(damaged) == before, "nothing replaced"


def test_train_add_keeps_the_recorded_samples_and_force_replaces_them(
    trained_profile: Path, signdigits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from game.vision.profile import load_profile

    added = tmp_path / "added"
    shutil.copytree(trained_profile, added)
    images = labelled_subset(signdigits, tmp_path / "imgs", 30, 5)
    argv = ["train", "--images", str(images), "--epochs", "2", "--json", "--recognizer", "frame"]
    assert main([*argv, "--profile", str(added), "--add"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["samples"] == 100 and summary["added"] == 20
    profile = load_profile(added, load_head=False)
    assert profile.samples.counts(4) == [25, 25, 25, 25]
    original = load_profile(trained_profile, load_head=False)
    # The recorded samples are kept as they were, the new ones follow them.
    for label in range(4):
        kept = original.samples.features[original.samples.labels == label]
        now = profile.samples.features[profile.samples.labels == label]
        assert (now[: len(kept)] == kept).all()

    replaced = tmp_path / "replaced"
    shutil.copytree(trained_profile, replaced)
    assert main([*argv, "--profile", str(replaced), "--force"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["samples"] == 20
    assert load_profile(replaced, load_head=False).samples.counts(4) == [5, 5, 5, 5]


def test_train_force_repairs_a_profile_whose_profile_json_is_damaged(
    trained_profile: Path, signdigits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from game.vision.profile import load_profile

    damaged = tmp_path / "damaged"
    shutil.copytree(trained_profile, damaged)
    (damaged / "profile.json").write_bytes((damaged / "profile.json").read_bytes()[:100])
    images = labelled_subset(signdigits, tmp_path / "imgs", 30, 5)
    argv = ["train", "--images", str(images), "--epochs", "2", "--recognizer", "frame"]
    argv += ["--profile", str(damaged)]
    capsys.readouterr()
    assert main(argv) == 1  # without --force: what is wrong, and the way out
    err = capsys.readouterr().err
    assert "damaged" in err and "Pass --force to replace it." in err and len(err.strip().splitlines()) == 1
    assert main([*argv, "--force"]) == 0, capsys.readouterr().err
    assert load_profile(damaged, load_head=False).samples.counts(4) == [5, 5, 5, 5]


def _damaged_backbone_cache(models: Path) -> Path:
    """``models`` with its converted backbone cut short, as a crash or a full disk leaves it."""
    from game.vision.features import default_weights_path, file_sha256, litert_cache_path

    weights = default_weights_path()
    assert weights is not None
    cached = litert_cache_path(models, file_sha256(weights))
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"TFL3" + b"\0" * 996)
    return cached


def test_evaluate_and_play_get_past_a_damaged_converted_backbone(
    trained_profile: Path,
    signdigits: Path,
    session_models_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from game.vision import features
    from game.vision.photo_sets import video_from_photos

    good = next((session_models_dir / "backbones").glob("*.tflite")).read_bytes()
    monkeypatch.setattr(features, "convert_backbone", lambda backbone: good)  # the real one takes seconds
    images = labelled_subset(signdigits, tmp_path / "test", 20, 2)
    models = tmp_path / "models"
    cached = _damaged_backbone_cache(models)
    capsys.readouterr()
    argv = ["evaluate", "--images", str(images), "--profile", str(trained_profile), "--models", str(models)]
    assert main([*argv, "--json"]) == 0
    assert "Traceback" not in capsys.readouterr().err
    # A warning (on the terminal, without --verbose too: Python prints warnings when nothing is set up).
    assert "is damaged" in caplog.text and "converting again" in caplog.text
    assert cached.read_bytes() == good and len(list(cached.parent.glob("*.damaged-*"))) == 1

    order = ["up", "left"]
    video = video_from_photos(signdigits, tmp_path / "v.avi", order, photos_per_segment=2, video_from_rank=40)
    cached.write_bytes(b"TFL3" + b"\0" * 996)
    caplog.clear()
    argv = ["play", "--headless", "--video", str(video.path), "--profile", str(trained_profile)]
    assert main([*argv, "--models", str(models), "--seconds", "1"]) == 0
    assert "converting again" in caplog.text and cached.read_bytes() == good


def test_play_without_tensorflow_names_the_damaged_converted_backbone(
    trained_profile: Path,
    signdigits: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from game.vision import features
    from game.vision.photo_sets import video_from_photos

    monkeypatch.setattr(features, "_tensorflow_installed", lambda: False, raising=False)
    cached = _damaged_backbone_cache(tmp_path / "models")
    order = ["up"]
    video = video_from_photos(signdigits, tmp_path / "v.avi", order, photos_per_segment=2, video_from_rank=40)
    argv = ["play", "--headless", "--video", str(video.path), "--profile", str(trained_profile)]
    capsys.readouterr()
    assert main([*argv, "--models", str(tmp_path / "models"), "--seconds", "1"]) != 0
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and str(cached) in lines[0] and "delete that file" in lines[0], lines
    assert cached.read_bytes() == b"TFL3" + b"\0" * 996


def test_force_and_add_together_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--images", "x", "--force", "--add"]) == 2
    assert "not allowed with" in capsys.readouterr().err


def test_bench_floor_times_play_against_the_same_work_written_straight(
    signdigits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    images = labelled_subset(signdigits, tmp_path / "imgs", 0, 2)
    assert main(["bench", "--suite", "floor", "--images", str(images), "--frames", "20", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["floor_same_features"] is True, "the straight path does play's work, not less"
    assert figures["threads"] == live_inference_threads() and figures["frames"] == 20
    backbone = figures["backbone_ms_p50"]
    assert backbone > 0
    # Each variant is reported against the backbone; how they compare is measured, not asserted.
    for name in ("play", "floor", "floor_no_resize", "floor_no_scale", "small_camera"):
        assert figures[f"{name}_ms_p50"] > 0, name
        assert figures[f"{name}_to_backbone"] == pytest.approx(figures[f"{name}_ms_p50"] / backbone, rel=0.01)
