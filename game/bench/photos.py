"""``bench --suite photos``: peak resident memory of ``evaluate`` over a folder of big photos.

Builds, in a temporary folder, ``--frames`` (default 50) twelve-megapixel JPEGs (4000x3000) made
from real photos (``--images DIR``, else ``../shared/data/rooms``) upscaled with a little noise,
so they compress like camera photos (a few MB each), filed under the gesture class folders. A
profile with an untrained head for those classes is saved beside them. Then ``gesture-pacman
evaluate`` runs twice in a child process, once on the big photos and once on the same photos at
their original size (the baseline: the backbone, the head and the libraries), and the child reports
its own peak resident memory (``VmHWM`` of ``/proc/self/status``) as it exits. ``wait4``'s
``ru_maxrss`` cannot be used: a child's starts at the parent's resident size when it is spawned
(this process has imported TensorFlow to build the profile, about 700 MiB), so it can never read
lower than that, and an ``evaluate`` that no longer loads TensorFlow would still look as large.
Evaluating big photos must stay under 1 GB resident.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from game.config import REPO_ROOT

Log = Callable[[str], None]

LIMIT_MB = 1024.0
BIG = (4000, 3000)  # width, height: 12 megapixels
CLASSES = ("up", "down", "left", "right")


class PhotosBenchError(RuntimeError):
    """The suite cannot run (no photos, no weights); the message says what is missing."""


def _sources(images: str | None) -> list[Path]:
    from game.vision.camera import list_images

    root = Path(images).expanduser() if images else REPO_ROOT.parent / "shared" / "data" / "rooms"
    if not root.is_dir():
        raise PhotosBenchError(f"no photos to build from: {root} is not a folder (give --images DIR)")
    found = sorted(
        p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in (".jpg", ".jpeg", ".png")
    )
    files = [p for p in found if p in set(list_images(p.parent))]
    if not files:
        raise PhotosBenchError(f"no JPEG or PNG photos under {root}")
    return files


def _build(sources: list[Path], count: int, folder: Path, size: tuple[int, int] | None) -> int:
    """``count`` photos in ``folder/<class>/``, each upscaled to ``size`` (None: as they are).

    Returns the bytes written.
    """
    import cv2

    rng = np.random.default_rng(0)
    written = 0
    step = max(1, len(sources) // count)
    for i in range(count):
        image = cv2.imread(str(sources[(i * step) % len(sources)]), cv2.IMREAD_COLOR)
        if image is None:
            continue
        if size is not None:
            image = cv2.resize(image, size, interpolation=cv2.INTER_CUBIC)
            noise = np.asarray(rng.normal(0.0, 3.0, image.shape), dtype=np.float32)
            image = np.clip(image.astype(np.float32) + noise, 0, 255).astype(np.uint8)
        path = folder / CLASSES[i % len(CLASSES)] / f"photo{i:03d}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 92])
        if not ok:
            raise PhotosBenchError(f"OpenCV could not encode {path}")
        path.write_bytes(data.tobytes())
        written += len(data)
    return written


def _profile(folder: Path, weights: str | None) -> None:
    from game.vision.features import backbone_id, cached_weights_path, file_sha256
    from game.vision.profile import Profile, save_profile
    from game.vision.training import DEFAULT, build_head

    path = Path(weights).expanduser() if weights else cached_weights_path()
    if path is None or not path.is_file():
        raise PhotosBenchError("MobileNet weights not found: give --weights FILE")
    sha = file_sha256(path)
    head = build_head(len(CLASSES), DEFAULT, seed=0)
    save_profile(Profile(list(CLASSES), backbone_id(sha), sha, head=head), folder)


#: Runs ``python -m game ARGS`` and, as the process exits, writes its peak resident memory (KiB,
#: from ``/proc/self/status``) to the file named by ``$GESTURE_PACMAN_PEAK_FILE``.
_PEAK_WRAPPER = """
import atexit, os, runpy, sys

def _peak():
    with open("/proc/self/status") as status:
        kib = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["GESTURE_PACMAN_PEAK_FILE"], "w") as out:
        out.write(kib)

atexit.register(_peak)
sys.argv = ["game", *sys.argv[1:]]
runpy.run_module("game", run_name="__main__", alter_sys=True)
"""


def _peak_rss_mb(argv: list[str]) -> tuple[float, float, str]:
    """(peak resident MiB, seconds, stdout) of ``python -m game ARGV`` in a child process."""
    if not Path("/proc/self/status").is_file():
        raise PhotosBenchError("this suite reads peak memory from /proc/self/status (Linux only)")
    with tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]),
            "GESTURE_PACMAN_PEAK_FILE": str(peak_file),
        }
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _PEAK_WRAPPER, *argv], capture_output=True, text=True, env=env, check=False
        )
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            tail = done.stderr.strip().splitlines()[-1:]
            raise PhotosBenchError(f"evaluate failed ({done.returncode}): {' '.join(tail)}")
        return int(peak_file.read_text()) / 1024, seconds, done.stdout


def run(args: argparse.Namespace, log: Log) -> dict[str, Any]:
    import json

    count = args.frames or 50
    sources = _sources(args.images)
    with tempfile.TemporaryDirectory(prefix="gesture-pacman-photos-") as tmp:
        root = Path(tmp)
        log(f"building {count} photos of {BIG[0]}x{BIG[1]} from {len(sources)} real photos")
        big_bytes = _build(sources, count, root / "big", BIG)
        _build(sources, count, root / "small", None)
        try:
            _profile(root / "profile", args.weights)
        except Exception as exc:
            if isinstance(exc, PhotosBenchError):
                raise
            raise PhotosBenchError(f"cannot build the test profile ({type(exc).__name__}: {exc})") from None
        common = ["--profile", str(root / "profile"), "--json"]
        if args.weights:
            common += ["--weights", str(args.weights)]
        results = {}
        for name in ("small", "big"):
            log(f"evaluate on the {name} photos ...")
            peak, seconds, stdout = _peak_rss_mb(["evaluate", "--images", str(root / name), *common])
            report = json.loads(stdout.strip().splitlines()[-1])
            results[name] = (peak, seconds, report)
            log(
                f"  peak RSS {peak:.0f} MiB, {seconds:.1f} s, "
                f"{report['n']} photos, {report['skipped']} skipped"
            )
    (small_peak, _, _), (big_peak, big_seconds, big_report) = results["small"], results["big"]
    return {
        "photos": count,
        "photo_size": f"{BIG[0]}x{BIG[1]}",
        "photo_mb_on_disk": round(big_bytes / count / 2**20, 2),
        "evaluated": big_report["n"],
        "skipped": big_report["skipped"],
        "peak_rss_mb": round(big_peak, 1),
        "baseline_peak_rss_mb": round(small_peak, 1),
        "extra_for_big_photos_mb": round(big_peak - small_peak, 1),
        "evaluate_seconds": round(big_seconds, 1),
        "limit_mb": LIMIT_MB,
        "within_limit": big_peak < LIMIT_MB,
    }
