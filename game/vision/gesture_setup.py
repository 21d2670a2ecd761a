"""Load what gesture play needs (profile, per-frame backbone, classifier) with one clear error on failure.

Shared by the windowed game, the headless run and the benchmarks, so that each reports a
missing profile or missing weights the same way. How predictions become intents
(``GestureSettings``) lives with the smoothing in ``game.input.gesture``. TensorFlow-backed
modules are imported inside the function: the window and ``--help`` appear before they load.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from game.config import models_dir

if TYPE_CHECKING:
    from game.vision.classifier import GestureClassifier


class GestureSetupError(RuntimeError):
    """Gesture play cannot start; the message says what is missing and how to fix it."""


def has_trained_profile(folder: Path) -> bool:
    """True when ``folder`` looks like a saved profile with a head (cheap: no TensorFlow): Keras's
    ``head.keras``, or ``head.npz`` alone (a head kept from learning while playing is saved so)."""
    from game.vision.profile_format import HEAD_ARRAYS_FILE, HEAD_FILE
    from game.vision.profile_store import find_profile

    found = find_profile(folder)  # recovers an interrupted save, as every loader does
    return found is not None and any((found / name).is_file() for name in (HEAD_FILE, HEAD_ARRAYS_FILE))


def live_inference_threads() -> int:
    """Threads for per-frame inference during play: all cores but one, which stays with the render loop.

    With every core busy in inference, the render thread waits for a core and misses frames.
    """
    return max(1, (os.cpu_count() or 1) - 1)


def load_gesture_classifier(
    profile_dir: Path,
    models: str | os.PathLike[str] | None = None,
    weights: str | os.PathLike[str] | None = None,
    threads: int | None = None,
) -> GestureClassifier:
    """The profile's classifier on the per-frame backbone; raises ``GestureSetupError``.

    ``threads`` defaults to :func:`live_inference_threads`.
    """
    from game.vision.classifier import GestureClassifier
    from game.vision.features import LiteRTBackbone, WeightsUnavailableError
    from game.vision.hand_features import HandFeatureExtractor
    from game.vision.hands import HandModelError
    from game.vision.profile import ProfileError, find_profile, load_profile
    from game.vision.recognizer import HAND

    if find_profile(profile_dir) is None and not os.path.lexists(profile_dir):
        raise GestureSetupError(
            f"No gesture profile at {profile_dir}. Run `gesture-pacman calibrate` to record your "
            "gestures, or `gesture-pacman train --images DIR` to train one from photos."
        )
    try:
        # The head's numpy form: play never imports TensorFlow (unless a profile predates head.npz).
        profile = load_profile(profile_dir, keras_head=False)
        threads = threads or live_inference_threads()
        if profile.recognizer == HAND:
            return GestureClassifier(profile, HandFeatureExtractor(num_threads=threads))
        backbone = LiteRTBackbone.load(models_dir(models), Path(weights) if weights else None, threads)
        return GestureClassifier(profile, backbone)
    except (ProfileError, WeightsUnavailableError, HandModelError) as exc:
        raise GestureSetupError(str(exc)) from None
    except OSError as exc:  # the converted backbone cannot be cached: read-only or full models folder
        where = exc.filename or models_dir(models)
        raise GestureSetupError(
            f"cannot write in {where} ({exc.strerror or exc}); free space or choose --models DIR"
        ) from None
