"""Two games on one profile at once: neither loses the other's corrections in the pending file.

Before, setting corrections aside replaced ``pending-corrections.npz`` whole, so the last game to
end lost the other's, and a keep or drop answer removed the file with corrections another game
had set aside meanwhile. Now the file is changed under a lock, read first, by batches.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from game.vision.corrections import Corrections, LearningSettings, NewSamples
from game.vision.head_arrays import DenseArrays, HeadArrays
from game.vision.learning_classifier import LearningClassifier
from game.vision.pending_corrections import (
    PENDING_FILE,
    ProfileIdentity,
    load_pending,
    read_pending,
)
from game.vision.play_learning import PlayLearning
from game.vision.variety import GateConfig

CLASSES = ["up", "down", "left", "right"]
IDENTITY = ProfileIdentity(tuple(CLASSES), "frame", "quarter-means", "0" * 64, (4,))
REPO = Path(__file__).resolve().parents[2]


def game(profile_dir: Path) -> PlayLearning:
    """A gesture game's learning on the profile in ``profile_dir``, pending file restored."""
    rng = np.random.default_rng(0)
    head = HeadArrays(
        "flatten", (DenseArrays(rng.normal(0, 0.5, (4, 4)).astype(np.float32), None, "softmax"),)
    )
    corrections = Corrections(
        CLASSES,
        head,
        rng.random((8, 4)).astype(np.float32),
        np.arange(8) % 4,
        LearningSettings(retrain_after=1000, gate=GateConfig(min_change=0.0, max_per_second=1000)),
    )
    learning = PlayLearning(
        LearningClassifier(lambda image: image.mean(axis=(0, 1))[:4], CLASSES, head),
        corrections,
        profile_dir,
        IDENTITY,
    )
    learning.restore_pending()
    return learning


def learn(learning: PlayLearning, values: list[float]) -> None:
    """Corrections steered in the game: one per value, the features all that value."""
    for i, value in enumerate(values):
        thumb = np.full((48, 48, 3), int(value) % 256, np.uint8)
        assert learning.corrections.offer("up", np.full(4, value, np.float32), thumb, float(i))


def values_of(samples: NewSamples | None) -> list[float]:
    return [] if samples is None else sorted(float(f[0]) for f in samples.features)


def test_two_games_setting_aside_on_one_profile_keep_both_sets(tmp_path: Path) -> None:
    first, second = game(tmp_path), game(tmp_path)
    learn(first, [1, 2, 3])
    learn(second, [11, 12])
    assert first.set_aside() is not None and second.set_aside() is not None
    assert values_of(load_pending(tmp_path, IDENTITY).samples) == [1, 2, 3, 11, 12]
    assert [p.name for p in tmp_path.iterdir()] == [PENDING_FILE]


def test_games_that_restored_the_same_file_add_only_what_they_learned(tmp_path: Path) -> None:
    earlier = game(tmp_path)
    learn(earlier, [1, 2])
    earlier.set_aside()
    first, second = game(tmp_path), game(tmp_path)  # both restore 1 and 2
    assert first.restored == second.restored == 2
    learn(first, [5])
    learn(second, [7, 8])
    first.set_aside()
    second.set_aside()
    # Nothing lost, nothing twice.
    assert values_of(load_pending(tmp_path, IDENTITY).samples) == [1, 2, 5, 7, 8]
    third = game(tmp_path)
    assert third.restored == 5
    third.drop()  # dropped: the file goes
    assert not (tmp_path / PENDING_FILE).exists()


def test_an_answer_in_one_game_leaves_what_another_set_aside_meanwhile(tmp_path: Path) -> None:
    earlier = game(tmp_path)
    learn(earlier, [1, 2])
    earlier.set_aside()
    first = game(tmp_path)  # restores 1 and 2
    second = game(tmp_path)
    learn(second, [9])
    second.set_aside()  # the file now holds 1, 2 and 9
    first.drop()  # the player dropped 1 and 2 (and what first learned): 9 is second's
    assert values_of(load_pending(tmp_path, IDENTITY).samples) == [9]


def test_a_damaged_file_in_the_way_is_moved_aside_not_lost(tmp_path: Path) -> None:
    (tmp_path / PENDING_FILE).write_bytes(b"not a zip")
    learning = game(tmp_path)  # moves it aside on restore
    (tmp_path / PENDING_FILE).write_bytes(b"damaged again")  # and another one turns up
    learn(learning, [4])
    assert learning.set_aside() is not None
    assert values_of(read_pending(tmp_path / PENDING_FILE, IDENTITY)) == [4]
    kept = sorted(p.read_bytes() for p in tmp_path.iterdir() if p.name != PENDING_FILE)
    assert kept == [b"damaged again", b"not a zip"]


CHILD = """
import sys
import numpy as np
from pathlib import Path
from game.vision.corrections import NewSamples
from game.vision.pending_corrections import ProfileIdentity, save_pending
folder, base = Path(sys.argv[1]), int(sys.argv[2])
identity = ProfileIdentity(("up", "down", "left", "right"), "frame", "quarter-means", "0" * 64, (4,))
for i in range(20):
    value = base + i
    save_pending(folder, identity, NewSamples(
        np.full((1, 4), value, np.float32), np.zeros(1, np.int64), np.zeros((1, 48, 48, 3), np.uint8)))
"""


def test_two_processes_setting_aside_at_once_lose_nothing(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    children = [
        subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path), str(base)], env=env)
        for base in (100, 200)
    ]
    assert [child.wait(120) for child in children] == [0, 0]
    expected = [float(v) for v in [*range(100, 120), *range(200, 220)]]
    assert values_of(read_pending(tmp_path / PENDING_FILE, IDENTITY)) == expected
