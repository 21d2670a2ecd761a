"""``bench --suite photos`` reads the child's own peak memory, not one inherited from the bench."""

from __future__ import annotations

import numpy as np

from game import __version__
from game.bench.photos import _peak_rss_mb


def test_a_small_child_reads_small_however_large_the_parent() -> None:
    ballast = np.ones(400 * 2**20 // 8)  # 400 MiB resident in this process while the child runs
    peak, seconds, stdout = _peak_rss_mb(["--version"])
    assert ballast.sum() > 0
    assert __version__ in stdout and seconds > 0
    # wait4's ru_maxrss would give at least this process's size (400 MiB and more) here.
    assert 5 < peak < 300, peak
