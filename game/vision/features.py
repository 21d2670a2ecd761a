"""MobileNet v1 0.25/224 features (7x7x256 at ``conv_pw_13_relu``) in two runtimes.

* :func:`load_backbone` / :func:`extract_features`: TensorFlow, batched, for training from images
  (a compiled function on the GPU when there is one).
* :class:`LiteRTBackbone`: the per-frame runtime. The cut backbone is converted once to a float32
  LiteRT file, cached under ``<models>/backbones/`` keyed by the weights' hash and the TensorFlow
  version, and run with XNNPACK. No Keras ``predict`` on the per-frame path. A cached file that
  LiteRT cannot open is renamed ``<name>.damaged-<time>`` and converted again.

TensorFlow is imported lazily so that windows and ``doctor`` appear before it loads.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from game import files
from game.config import backbones_dir, shipped_dir
from game.files import write_bytes
from game.vision.preprocess import DEFAULT_PREPROCESS, PreprocessConfig, preprocess, preprocess_batch

log = logging.getLogger(__name__)

T = TypeVar("T")

WEIGHTS_FILE = "mobilenet_2_5_224_tf_no_top.h5"
ALPHA = 0.25
INPUT_SIZE = 224
CUT_LAYER = "conv_pw_13_relu"
FEATURE_SHAPE: tuple[int, int, int] = (7, 7, 256)
BACKBONE_NAME = f"mobilenet_v1_{ALPHA}_{INPUT_SIZE}/{CUT_LAYER}"
#: The copy of the weights shipped in the source checkout's ``models/`` (Apache-2.0; see the
#: notice in ``models/README.md``), used when Keras's cache lacks the file, so that the first run
#: needs no network.
SHIPPED_WEIGHTS = shipped_dir("models") / WEIGHTS_FILE
WEIGHTS_URL = f"https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/{WEIGHTS_FILE}"


class WeightsUnavailableError(RuntimeError):
    """The MobileNet weights are neither cached nor downloadable; the message says where to put them."""


class BackboneCacheError(WeightsUnavailableError):
    """The cached per-frame backbone cannot be opened and cannot be converted again here; the
    message names the file. A kind of :class:`WeightsUnavailableError`, so every caller that
    reports missing weights in one line reports this too."""


def keras_cache_dirs() -> list[Path]:
    """Where Keras looks for cached weights, in the order it uses them."""
    dirs: list[Path] = []
    home = os.environ.get("KERAS_HOME")
    if home:
        dirs.append(Path(home).expanduser() / "models")
    dirs.append(Path("~/.keras/models").expanduser())
    # Keras falls back to /tmp/.keras when the home directory is not writable.
    dirs.append(Path(tempfile.gettempdir()) / ".keras" / "models")
    return dirs


def cached_weights_path() -> Path | None:
    """The cached ImageNet weights file Keras will use, or None when it would have to download it."""
    for folder in keras_cache_dirs():
        candidate = folder / WEIGHTS_FILE
        if candidate.is_file():
            return candidate
    return None


def shipped_weights_path() -> Path | None:
    """The weights file shipped with the source checkout, or None (e.g. an install without it)."""
    return SHIPPED_WEIGHTS if SHIPPED_WEIGHTS.is_file() else None


def default_weights_path() -> Path | None:
    """The weights file used when no ``--weights`` is given: Keras's cache first, else the shipped copy."""
    return cached_weights_path() or shipped_weights_path()


def _unavailable_message(cause: BaseException | str) -> str:
    where = keras_cache_dirs()[0]
    return (
        f"The MobileNet weights are not available and could not be downloaded ({cause}; is there "
        f"a network?). Put {WEIGHTS_FILE} into {where}/ (or ~/.keras/models/, or set $KERAS_HOME "
        f"so that $KERAS_HOME/models/ holds it), or pass --weights /path/to/{WEIGHTS_FILE}. "
        f"A source checkout ships it as models/{WEIGHTS_FILE}."
    )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Backbone:
    """The cut TensorFlow backbone and where its weights came from."""

    model: Any  # keras.Model; typed loosely because Keras is imported lazily
    weights_path: Path
    weights_sha256: str

    @property
    def backbone_id(self) -> str:
        """What a profile records so that a head is only used with the features it was trained on."""
        return f"{BACKBONE_NAME}@{self.weights_sha256[:16]}"


def backbone_id(sha256: str) -> str:
    return f"{BACKBONE_NAME}@{sha256[:16]}"


def load_backbone(weights: Path | None = None) -> Backbone:
    """MobileNet cut at ``conv_pw_13_relu``: ImageNet weights from ``weights``, else from Keras's
    cache (Keras's own ``weights="imagenet"`` loading), else from the copy shipped in ``models/``.

    Raises :class:`WeightsUnavailableError` when no weights can be found or downloaded.
    """
    import keras

    if weights is None and cached_weights_path() is None:
        weights = shipped_weights_path()
        if weights is not None:
            log.info("Keras's cache has no %s; using the shipped copy %s", WEIGHTS_FILE, weights)
    if weights is not None:
        weights = Path(weights).expanduser()
        if not weights.is_file():
            raise WeightsUnavailableError(f"Weights file not found: {weights} (expected {WEIGHTS_FILE}).")
        base = keras.applications.MobileNet(
            alpha=ALPHA, include_top=False, weights=None, input_shape=(INPUT_SIZE, INPUT_SIZE, 3)
        )
        try:
            base.load_weights(str(weights))
        except Exception as exc:  # h5py/keras raise many types for a foreign or damaged file
            raise WeightsUnavailableError(
                f"Cannot load weights from {weights}: {exc}. Expected the Keras file {WEIGHTS_FILE}."
            ) from exc
        path = weights
    else:
        try:
            base = keras.applications.MobileNet(
                alpha=ALPHA, include_top=False, weights="imagenet", input_shape=(INPUT_SIZE, INPUT_SIZE, 3)
            )
        except Exception as exc:  # the download raises URL/OS/HTTP errors depending on the failure
            raise WeightsUnavailableError(_unavailable_message(exc)) from exc
        found = cached_weights_path()
        if found is None:
            raise WeightsUnavailableError(_unavailable_message("not in the Keras cache after loading"))
        path = found
    model = keras.Model(base.input, base.get_layer(CUT_LAYER).output, name="mobilenet_features")
    return Backbone(model=model, weights_path=path, weights_sha256=file_sha256(path))


def tensorflow_device() -> str:
    """The device TensorFlow computes on: the first GPU's name, else "CPU"."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "CPU"
    try:
        details = tf.config.experimental.get_device_details(gpus[0])
        return f"GPU {details.get('device_name', gpus[0].name)}"
    except (RuntimeError, ValueError):
        return f"GPU {gpus[0].name}"


class FeatureExtractor:
    """Batched TensorFlow features for training: one compiled function, reused for every batch."""

    def __init__(self, backbone: Backbone, batch_size: int = 64) -> None:
        import tensorflow as tf

        self.backbone = backbone
        self.batch_size = batch_size
        self.device = tensorflow_device()
        model = backbone.model
        self._fn = tf.function(
            lambda x: model(x, training=False),
            input_signature=[tf.TensorSpec([None, INPUT_SIZE, INPUT_SIZE, 3], tf.float32)],
            reduce_retracing=True,
        )
        log.info("feature extraction on %s", self.device)

    def __call__(self, images: np.ndarray) -> np.ndarray:
        """float32 (N, 224, 224, 3) in [-1, 1] -> float32 (N, 7, 7, 256)."""
        if images.ndim != 4 or images.shape[1:] != (INPUT_SIZE, INPUT_SIZE, 3):
            raise ValueError(f"expected (N, {INPUT_SIZE}, {INPUT_SIZE}, 3) images, got {images.shape}")
        out = np.empty((images.shape[0], *FEATURE_SHAPE), dtype=np.float32)
        for start in range(0, images.shape[0], self.batch_size):
            batch = np.ascontiguousarray(images[start : start + self.batch_size], dtype=np.float32)
            out[start : start + len(batch)] = self._fn(batch).numpy()
        return out

    def from_images(
        self,
        images_rgb: Sequence[np.ndarray],
        config: PreprocessConfig = DEFAULT_PREPROCESS,
        on_batch: Callable[[int], object] | None = None,
    ) -> np.ndarray:
        """RGB ``uint8`` frames of any size -> float32 (N, 7, 7, 256), preprocessing one batch at a time
        (so memory stays at one batch of 224x224 inputs however many images there are).
        ``on_batch(n)`` hears how many images each finished batch held (a progress bar)."""
        out = np.empty((len(images_rgb), *FEATURE_SHAPE), dtype=np.float32)
        for start in range(0, len(images_rgb), self.batch_size):
            chunk = preprocess_batch(images_rgb[start : start + self.batch_size], config)
            out[start : start + len(chunk)] = self._fn(chunk).numpy()
            if on_batch is not None:
                on_batch(len(chunk))
        return out


def extract_features(backbone: Backbone, images: np.ndarray, batch_size: int = 64) -> np.ndarray:
    """float32 (N, 224, 224, 3) -> float32 (N, 7, 7, 256) through TensorFlow, in batches."""
    return FeatureExtractor(backbone, batch_size)(images)


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(path, data)


def tensorflow_version() -> str:
    """The installed TensorFlow version, read from package metadata so TensorFlow is not imported."""
    try:
        return metadata.version("tensorflow")
    except metadata.PackageNotFoundError:
        import tensorflow as tf

        return str(tf.__version__)


def litert_cache_path(models: Path, weights_sha256: str) -> Path:
    """Keyed by converter version too: a TensorFlow upgrade converts afresh instead of reusing old output."""
    return backbones_dir(models) / f"{weights_sha256[:16]}-tf{tensorflow_version()}.tflite"


def convert_backbone(backbone: Backbone) -> bytes:
    """The cut backbone as a float32 LiteRT flatbuffer (no quantization: it must agree with TensorFlow)."""
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_keras_model(backbone.model)
    converter.optimizations = []
    # Keras's export prints a summary of the saved graph; keep stdout clean for --json output.
    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter):
        flatbuffer = bytes(converter.convert())
    log.debug("converter output: %s", chatter.getvalue())
    return flatbuffer


def move_aside_damaged(path: Path) -> Path:
    """Rename the damaged cache file ``path`` to an unused ``<name>.damaged-<time>[-k]`` beside it
    (a cache, but never deleted: it may be looked at); raises ``OSError``."""
    return files.move_aside(path, "damaged")


def _tensorflow_installed() -> bool:
    """Whether TensorFlow can be imported (found without importing it: that takes seconds)."""
    return importlib.util.find_spec("tensorflow") is not None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class LiteRTBackbone:
    """The per-frame feature runtime: a LiteRT interpreter with XNNPACK on every CPU core.

    An interpreter is not thread-safe: call :meth:`features` from one thread (the predictor's).
    """

    def __init__(self, model_path: Path, weights_sha256: str, num_threads: int | None = None) -> None:
        from ai_edge_litert.interpreter import Interpreter

        self.model_path = model_path
        self.weights_sha256 = weights_sha256
        self.num_threads = num_threads or os.cpu_count() or 1
        self._interpreter = Interpreter(model_path=str(model_path), num_threads=self.num_threads)
        self._interpreter.allocate_tensors()
        details = self._interpreter.get_input_details()[0]
        self._input = details["index"]
        self.input_shape: tuple[int, ...] = tuple(int(n) for n in details["shape"])
        output = self._interpreter.get_output_details()[0]
        self._output = output["index"]
        shapes = (self.input_shape, tuple(int(n) for n in output["shape"]))
        if shapes != ((1, INPUT_SIZE, INPUT_SIZE, 3), (1, *FEATURE_SHAPE)):
            raise ValueError(f"it maps {shapes[0]} to {shapes[1]}, not a frame to MobileNet features")
        # Functions giving numpy views of the interpreter's own buffers; a view must not outlive
        # the call that uses it (the interpreter refuses to run while one exists).
        self._input_view = self._interpreter.tensor(self._input)
        self._output_view = self._interpreter.tensor(self._output)

    @property
    def backbone_id(self) -> str:
        return backbone_id(self.weights_sha256)

    @classmethod
    def from_backbone(
        cls, backbone: Backbone, models: Path, num_threads: int | None = None
    ) -> LiteRTBackbone:
        """Load the cached conversion of ``backbone`` or convert it once and cache it (atomic write).

        A cached file LiteRT cannot open is moved aside (:func:`move_aside_damaged`) and converted again.
        """
        path = litert_cache_path(models, backbone.weights_sha256)
        if path.is_file():
            cached = cls._open_cached(path, backbone.weights_sha256, num_threads, have_tensorflow=True)
            if cached is not None:
                return cached
        log.info("converting the backbone for the per-frame runtime (once): %s", path)
        _atomic_write_bytes(path, convert_backbone(backbone))
        try:
            return cls(path, backbone.weights_sha256, num_threads)
        except (ValueError, RuntimeError) as exc:
            raise BackboneCacheError(
                f"LiteRT cannot open the backbone just converted into {path} ({_first_line(exc)})."
            ) from None

    @classmethod
    def load(
        cls, models: Path, weights: Path | None = None, num_threads: int | None = None
    ) -> LiteRTBackbone:
        """The per-frame backbone for the weights Keras (or ``weights``) provides, converting only if needed.

        When the converted file is already cached, TensorFlow's backbone is not built at all. A
        cached file LiteRT cannot open is moved aside and converted again (with TensorFlow; without
        it, :class:`BackboneCacheError` names the file).
        """
        path = Path(weights).expanduser() if weights is not None else default_weights_path()
        if path is not None and path.is_file():
            sha = file_sha256(path)
            cached = litert_cache_path(models, sha)
            if cached.is_file():
                runtime = cls._open_cached(cached, sha, num_threads)
                if runtime is not None:
                    return runtime
        return cls.from_backbone(load_backbone(weights), models, num_threads)

    @classmethod
    def _open_cached(
        cls, path: Path, weights_sha256: str, num_threads: int | None, have_tensorflow: bool = False
    ) -> LiteRTBackbone | None:
        """The cached conversion at ``path``, or None when it is damaged and has been moved aside to
        be converted again; raises :class:`BackboneCacheError` when it cannot be (no TensorFlow)
        and ``OSError`` when it cannot be moved."""
        try:
            return cls(path, weights_sha256, num_threads)
        except (ValueError, RuntimeError) as exc:  # "The model is not a valid Flatbuffer buffer", ...
            why = _first_line(exc)
        if not (have_tensorflow or _tensorflow_installed()):
            raise BackboneCacheError(
                f"The converted backbone {path} is damaged ({why}) and TensorFlow, which converts it "
                "again, is not installed: delete that file and install TensorFlow, or use --models "
                "with a folder that holds a good copy."
            )
        moved = move_aside_damaged(path)
        log.warning(
            "the converted backbone %s is damaged (%s): moved it to %s, converting again", path, why, moved
        )
        return None

    def run(self, fill: Callable[[np.ndarray], object], read: Callable[[np.ndarray], T]) -> T:
        """One frame without copies: ``fill`` writes the (1, 224, 224, 3) input in place, the backbone
        runs, and ``read`` gets the (1, 7, 7, 256) output in place and returns what to keep.

        Neither callback may keep the array it is given (it is the interpreter's own memory).
        """
        self.fill_input(fill)
        self._interpreter.invoke()
        return self.read_output(read)

    def fill_input(self, fill: Callable[[np.ndarray], object]) -> None:
        """The first step of :meth:`run` alone (the bench times the steps one by one)."""
        fill(self._input_view())

    def read_output(self, read: Callable[[np.ndarray], T]) -> T:
        """The last step of :meth:`run` alone: ``read`` gets the output of the last invoke, in place."""
        return read(self._output_view())

    def invoke(self) -> None:
        """Run the backbone on whatever its input holds (the bench times the bare invoke with it)."""
        self._interpreter.invoke()

    def from_images(
        self,
        images_rgb: Sequence[np.ndarray],
        config: PreprocessConfig = DEFAULT_PREPROCESS,
        on_image: Callable[[int], object] | None = None,
    ) -> np.ndarray:
        """Features of separate RGB images, one at a time, preprocessed as ``config`` says: what
        :class:`FeatureExtractor` computes (to float rounding), without TensorFlow."""
        out = np.empty((len(images_rgb), *FEATURE_SHAPE), dtype=np.float32)
        size = self.input_shape[1]
        work = np.empty((size, size, 3), dtype=np.uint8)
        for i, image in enumerate(images_rgb):

            def fill(x: np.ndarray, image: np.ndarray = image) -> None:
                preprocess(image, config, out=x[0], work=work)

            def keep(f: np.ndarray, row: np.ndarray = out[i]) -> None:
                row[...] = f[0]

            self.run(fill, keep)
            if on_image is not None:
                on_image(1)
        return out

    def features(self, x: np.ndarray) -> np.ndarray:
        """float32 (1, 224, 224, 3) -> float32 (1, 7, 7, 256). The result is a fresh array."""
        self._interpreter.set_tensor(self._input, x)
        self._interpreter.invoke()
        return self._interpreter.get_tensor(self._output)
