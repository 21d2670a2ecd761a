"""Property tests (hypothesis): any value in any ``profile.json`` field loads or is one ProfileError,
and any text given to a numeric option parses to a finite value within its limits or is refused
with one line and status 2.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.cli import build_parser
from game.vision.features import FEATURE_SHAPE
from game.vision.profile import PROFILE_FILE, Profile, ProfileError, load_profile, save_profile
from game.vision.profile_format import FIELDS, HEAD_FIELDS, LIMITS, METRICS, PREPROCESS_FIELDS

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)

#: (section, field) for every row of the table; section "" is the top level.
PLACES = (
    [("", f.name) for f in FIELDS]
    + [("head", f.name) for f in HEAD_FIELDS]
    + [("preprocess", f.name) for f in PREPROCESS_FIELDS]
    + [("metrics", f.name) for f in METRICS]
)


@pytest.fixture(scope="module")
def profile_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        profile = Profile(classes=["up", "down", "left"], backbone_id="test", weights_sha256="0" * 64)
        rng = np.random.default_rng(0)
        for label in range(3):
            profile.samples = profile.samples.add(label, rng.standard_normal((2, *FEATURE_SHAPE)))
        profile.metrics = {"val_accuracy": 0.5, "confusion": [[1, 0, 0], [0, 1, 0], [0, 0, 1]]}
        yield save_profile(profile, Path(tmp) / "me")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(place=st.sampled_from(PLACES), value=JSON, drop=st.booleans())
def test_any_value_in_any_field_loads_or_is_one_profile_error(
    profile_dir: Path, place: tuple[str, str], value: Any, drop: bool
) -> None:
    meta_path = profile_dir / PROFILE_FILE
    original = meta_path.read_text()
    meta = json.loads(original)
    section, name = place
    target = meta.setdefault(section, {}) if section else meta
    if drop:
        target.pop(name, None)
    elif isinstance(target, dict):
        target[name] = value
    try:
        meta_path.write_text(json.dumps(meta))
        try:
            loaded = load_profile(profile_dir, load_head=False)
        except ProfileError as exc:
            assert "\n" not in str(exc) and str(exc)
            return
        # What loads is sane: the classes match the samples, the head settings are usable.
        assert len(loaded.classes) >= 2 and int(loaded.samples.labels.max()) < len(loaded.classes)
        assert 1 <= loaded.head_config.epochs <= LIMITS["epochs"][1]
        assert math.isfinite(loaded.head_config.learning_rate)
        assert 16 <= loaded.preprocess.size <= 1024
    finally:
        meta_path.write_text(original)


NUMERIC = [
    (["play"], "--seconds", "seconds"),
    (["play"], "--seed", "seed"),
    (["play"], "--smoothing", "smoothing"),
    (["play"], "--threshold", "threshold"),
    (["play"], "--scale", "scale"),
    (["play"], "--camera", "camera"),
    (["demo"], "--seconds", "seconds"),
    (["train", "--images", "x"], "--epochs", "epochs"),
    (["train", "--images", "x"], "--lr", "lr"),
    (["train", "--images", "x"], "--hidden", "hidden"),
    (["train", "--images", "x"], "--batch-fraction", "batch_fraction"),
    (["train", "--images", "x"], "--seed", "seed"),
    (["bench"], "--frames", "frames"),
    (["bench"], "--minutes", "minutes"),
]

NUMBER_TEXT = st.one_of(
    st.text(max_size=12),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["nan", "inf", "-inf", "1e400", "1_000", " 5 ", "0x1f", "1e3", "-0", "+7"]),
)


@settings(max_examples=300, deadline=None)
@given(option=st.sampled_from(NUMERIC), text=NUMBER_TEXT)
def test_numeric_options_parse_to_finite_values_or_one_line(
    option: tuple[list[str], str, str], text: str
) -> None:
    command, flag, dest = option
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            args = build_parser().parse_args([*command, f"{flag}={text}"])
        except SystemExit as exc:
            assert exc.code == 2
            lines = err.getvalue().strip().splitlines()
            assert len(lines) == 1 and flag in lines[0], err.getvalue()
            return
    value = getattr(args, dest)
    assert isinstance(value, (int, float)) and not isinstance(value, bool)
    assert math.isfinite(value)
    limits = {
        "seconds": (0, 7 * 24 * 3600),
        "seed": (0, 2**32 - 1),
        "smoothing": (1, 600),
        "threshold": (0, 1),
        "scale": (1, 8),
        "camera": (0, 99),
        "epochs": LIMITS["epochs"],
        "lr": LIMITS["learning_rate"],
        "hidden": LIMITS["hidden_units"],
        "batch_fraction": LIMITS["batch_fraction"],
        "frames": (1, 10_000_000),
        "minutes": (0, 24 * 60),
    }[dest]
    assert limits[0] <= value <= limits[1]
    if dest in ("seconds", "minutes", "lr", "batch_fraction"):
        assert value > 0
