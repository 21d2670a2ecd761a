"""The hand stage on the real MediaPipe models shipped in models/ (palm detection, landmarks, tracking).

Photos of rooms come from ``../shared/data/rooms``: the tests that need them use the
``shared_dir`` fixture (``needs_rooms``), which marks them ``shared``, so they run with
``pytest -m shared``; the models themselves are the repository's copies, so the rest runs
without ../shared.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from game.vision.hands import (
    DETECTOR_SIZE,
    LANDMARK_MODEL_FILE,
    PALM_MODEL_FILE,
    SHIPPED_MODELS_DIR,
    HandModelError,
    HandModels,
    HandTracker,
    Letterbox,
    Roi,
    decode_palms,
    landmarks_to_roi,
    palm_anchors,
)

ROOMS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "rooms"
#: For tests that read room photos: needs ../shared (see tests/conftest.py).
needs_rooms = pytest.mark.usefixtures("shared_dir")

# Palm boxes (x0, y0, x1, y1) in frame pixels, checked once by eye on drawn frames.
KNOWN_PALMS = {
    "2/five/2_pic00000.jpg": (208, 360, 343, 494),
    "996/three/996_pic00045.jpg": (127, 211, 254, 338),
    "55/one/55_pic00042.jpg": (107, 232, 190, 315),
}


@pytest.fixture(scope="module")
def models() -> HandModels:
    return HandModels()


def room_frame(name: str) -> np.ndarray:
    path = ROOMS / name
    if not path.is_file():  # callers are marked needs_rooms: ../shared is here, so this is a fault
        pytest.fail(f"{path} is missing from ../shared: the room photos live in ../shared/data/rooms")
    return cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)


def test_anchor_grid_matches_mediapipe_layout() -> None:
    anchors = palm_anchors()
    assert anchors.shape == (2016, 2)
    # 24x24 cells, two anchors each, row-major (x runs fastest).
    np.testing.assert_allclose(anchors[0], anchors[1])
    np.testing.assert_allclose(anchors[0], [0.5 / 24, 0.5 / 24])
    np.testing.assert_allclose(anchors[2], [1.5 / 24, 0.5 / 24])
    np.testing.assert_allclose(anchors[2 * 24], [0.5 / 24, 1.5 / 24])
    # Then 12x12 cells with six anchors each.
    np.testing.assert_allclose(anchors[1152 : 1152 + 6], np.tile([0.5 / 12, 0.5 / 12], (6, 1)))
    np.testing.assert_allclose(anchors[-1], [11.5 / 12, 11.5 / 12])


def test_decoding_places_a_box_relative_to_its_anchor() -> None:
    regressors = np.zeros((1, 2016, 18), dtype=np.float32)
    logits = np.full((1, 2016, 1), -10.0, dtype=np.float32)
    index = 1152 + 6 * (12 * 5 + 7) + 3  # stride-16 cell at column 7, row 5
    ax, ay = (7 + 0.5) / 12, (5 + 0.5) / 12
    regressors[0, index, :4] = [19.2, -9.6, 48.0, 96.0]  # dx, dy, w, h in input pixels
    regressors[0, index, 4:6] = [0.0, 38.4]  # keypoint 0 below the centre
    logits[0, index, 0] = 2.0
    scores, boxes, keypoints = decode_palms(regressors, logits)
    assert len(scores) == 1
    assert scores[0] == pytest.approx(1 / (1 + math.exp(-2.0)))
    cx, cy = ax + 0.1, ay - 0.05
    np.testing.assert_allclose(boxes[0], [cx - 0.125, cy - 0.25, cx + 0.125, cy + 0.25], atol=1e-6)
    np.testing.assert_allclose(keypoints[0, 0], [ax, ay + 0.2], atol=1e-6)
    np.testing.assert_allclose(keypoints[0, 1], [ax, ay], atol=1e-6)


def test_letterbox_maps_the_square_back_to_the_frame() -> None:
    lb = Letterbox.for_frame(640, 480)
    assert (lb.content_w, lb.content_h, lb.pad_x, lb.pad_y) == (192, 144, 0, 24)
    corners = lb.to_frame(np.array([[0.0, 24 / DETECTOR_SIZE], [1.0, 168 / DETECTOR_SIZE]]))
    np.testing.assert_allclose(corners, [[0, 0], [640, 480]], atol=1e-9)


def test_roi_crop_matrix_puts_the_crop_centre_on_the_roi_centre() -> None:
    roi = Roi(cx=300.0, cy=200.0, width=100.0, height=100.0, rotation=math.pi / 2)
    corners = roi.corners()
    np.testing.assert_allclose(corners.mean(axis=0), [300, 200])
    # Rotated a quarter turn clockwise: the crop's top edge lies on the right side of the frame box.
    np.testing.assert_allclose(corners[0], [350, 150], atol=1e-9)
    np.testing.assert_allclose(corners[1], [350, 250], atol=1e-9)


@needs_rooms
@pytest.mark.parametrize("name", sorted(KNOWN_PALMS))
def test_detection_finds_the_known_palm(models: HandModels, name: str) -> None:
    palm = models.detect(room_frame(name))
    assert palm is not None
    assert palm.score > 0.5
    np.testing.assert_allclose(palm.box, KNOWN_PALMS[name], atol=12)


@needs_rooms
def test_detection_follows_the_frame_into_a_larger_letterboxed_canvas(models: HandModels) -> None:
    frame = room_frame("996/three/996_pic00045.jpg")
    canvas = np.zeros((720, 960, 3), dtype=np.uint8)
    dx, dy = 250, 180
    canvas[dy : dy + 480, dx : dx + 640] = frame
    palm, moved = models.detect(frame), models.detect(canvas)
    assert palm is not None and moved is not None
    shifted = np.array(palm.box) + np.array([dx, dy, dx, dy])
    size = palm.box[2] - palm.box[0]
    np.testing.assert_allclose(moved.box, shifted, atol=0.12 * size)
    np.testing.assert_allclose(moved.keypoints, palm.keypoints + np.array([dx, dy]), atol=0.12 * size)


@needs_rooms
def test_landmarks_lie_on_the_hand_and_the_crop_points_the_fingers_up(models: HandModels) -> None:
    frame = room_frame("996/three/996_pic00045.jpg")  # an upright hand, three fingers up
    result = HandTracker(models).still(frame)
    assert result.found and result.landmarks is not None and result.roi is not None
    assert result.presence > 0.9
    x0, y0, x1, y1 = KNOWN_PALMS["996/three/996_pic00045.jpg"]
    wrist, middle_tip = result.landmarks[0], result.landmarks[12]
    assert x0 - 20 < wrist[0] < x1 + 20 and y0 < wrist[1] < y1 + 40
    assert middle_tip[1] < y0  # fingers above the palm
    assert abs(result.roi.rotation) < math.radians(30)


@needs_rooms
def test_a_frame_without_a_hand_is_no_hand(models: HandModels) -> None:
    frame = room_frame("996/three/996_pic00045.jpg")[:, 300:]  # the face and the room, not the hand
    frame = cv2.resize(frame, (640, 480))
    tracker = HandTracker(models)
    result = tracker.process(frame)
    assert not result.found and result.landmarks is None and result.box is None
    assert result.detected


def test_blank_frame_is_no_hand(models: HandModels) -> None:
    frame = np.full((480, 640, 3), 128, dtype=np.uint8)
    assert not HandTracker(models).process(frame).found


def _moving_hand_video(path: Path, frame: np.ndarray, steps: int) -> list[tuple[float, float]]:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 15.0, (640, 480))
    assert writer.isOpened()
    shifts = []
    for i in range(steps):
        dx, dy = -120 + 240 * i / (steps - 1), 40 * math.sin(i / 4)
        m = np.float32([[1, 0, dx], [0, 1, dy]])
        moved = cv2.warpAffine(frame, m, (640, 480), borderMode=cv2.BORDER_REPLICATE)
        writer.write(cv2.cvtColor(moved, cv2.COLOR_RGB2BGR))
        shifts.append((dx, dy))
    writer.release()
    return shifts


@needs_rooms
def test_tracking_follows_a_moving_hand_and_mostly_skips_the_detector(
    models: HandModels, tmp_path: Path
) -> None:
    frame = room_frame("996/three/996_pic00045.jpg")
    video = tmp_path / "moving_hand.avi"
    shifts = _moving_hand_video(video, frame, steps=30)
    first = HandTracker(models).still(frame)
    assert first.found and first.landmarks is not None
    tracker = HandTracker(models)
    capture = cv2.VideoCapture(str(video))
    found = detected = 0
    errors = []
    for dx, dy in shifts:
        ok, bgr = capture.read()
        assert ok
        result = tracker.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        detected += result.detected
        if result.found and result.landmarks is not None:
            found += 1
            expected = first.landmarks[0, :2] + np.array([dx, dy])
            errors.append(float(np.linalg.norm(result.landmarks[0, :2] - expected)))
    capture.release()
    assert found >= 28, f"hand lost in {30 - found} of 30 frames"
    assert detected <= 3, f"the detector ran on {detected} of 30 frames"
    assert np.median(errors) < 15, f"the wrist is {np.median(errors):.1f} px from where the hand moved"


@needs_rooms
def test_tracking_drops_to_no_hand_when_the_hand_leaves(models: HandModels) -> None:
    frame = room_frame("996/three/996_pic00045.jpg")
    empty = cv2.resize(frame[:, 300:], (640, 480))
    tracker = HandTracker(models)
    assert tracker.process(frame).found
    assert tracker.tracking
    gone = tracker.process(empty)
    assert not gone.found and gone.detected
    assert not tracker.tracking


# Room frames in which the letterboxed whole frame shows no palm (nor the frame zoomed out) but a
# half or a quarter of it does (hands at the frame's edge, dark, or far), with a point on the
# palm (x, y in frame pixels, read by eye off the frames).
EDGE_HANDS = {
    "3/one/3_pic00043.jpg": (480, 290),
    "3/fist/3_pic00067.jpg": (440, 330),
    "2/four/2_pic00191.jpg": (340, 320),
    "15/four/15_pic00010.jpg": (180, 330),
}


@needs_rooms
@pytest.mark.parametrize("name", sorted(EDGE_HANDS))
def test_a_photo_whose_whole_frame_shows_no_palm_is_found_in_a_part_of_it(
    models: HandModels, name: str
) -> None:
    frame = room_frame(name)
    assert not HandTracker(models, second_looks=(None,)).still(frame).found  # whole, zoomed out: no
    result = HandTracker(models).still(frame)
    assert result.found and result.box is not None
    x0, y0, x1, y1 = result.box
    x, y = EDGE_HANDS[name]
    assert x0 < x < x1 and y0 < y < y1, f"landmarks at {result.box}, not on the palm at {(x, y)}"
    assert max(x1 - x0, y1 - y0) < 400  # a hand at arm's length, not the whole frame


# Frames whose whole frame shows the hand but the frame zoomed out does not.
WHOLE_FRAME_HANDS = ("15/two/15_pic00017.jpg", "2/four/2_pic00184.jpg", "2/fist/2_pic00469.jpg")


@needs_rooms
def test_a_stream_looks_at_the_whole_frame_every_time_it_lost_the_hand(models: HandModels) -> None:
    """After a frame without a hand, the next frame's hand is found when the whole frame shows it
    (the detector does not spend that frame on a zoomed-out look instead)."""
    empty = np.full((480, 640, 3), 128, dtype=np.uint8)
    tracker = HandTracker(models)
    for name in WHOLE_FRAME_HANDS:
        assert not tracker.process(empty).found
        assert tracker.process(room_frame(name)).found, name


def test_a_stream_without_a_hand_takes_one_second_look_every_other_frame(
    models: HandModels, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cost of a frame without a hand: the whole frame, plus one second look on every other
    frame, each look once in turn."""
    looks: list[tuple[int, int]] = []
    detect = models.detect

    def counting(frame: np.ndarray, threshold: float = 0.5) -> object:
        looks.append(frame.shape[:2])
        return detect(frame, threshold)

    monkeypatch.setattr(models, "detect", counting)
    tracker = HandTracker(models)
    frames = 2 * len(tracker.second_looks)
    blank = np.full((480, 640, 3), 128, dtype=np.uint8)
    for _ in range(frames):
        result = tracker.process(blank)
        assert result.detected and not result.found
    assert len(looks) == frames + frames // 2
    second = [shape for shape in looks if shape != (480, 640)]
    assert second == [(960, 1280), (480, 384), (480, 384), (288, 384), (288, 384), (288, 384), (288, 384)]


def test_landmarks_to_roi_of_an_upright_hand_is_upright_and_shifted_up() -> None:
    # An idealised hand: wrist at the bottom, finger bases above it, fingers pointing up.
    lm = np.zeros((21, 3))
    lm[0, :2] = [100, 200]
    for k, x in zip((1, 5, 9, 13, 17), (60, 80, 100, 120, 140), strict=True):
        for j in range(4):
            lm[k + j, :2] = [x, 150 - 20 * j]
    roi = landmarks_to_roi(lm)
    assert roi.rotation == pytest.approx(0.0, abs=1e-9)
    assert roi.width == roi.height
    assert roi.cy < 200 - 25  # centre of the palm/finger-base box, moved towards the fingers
    assert roi.width == pytest.approx(2.0 * (200 - 110), rel=1e-6)


def test_missing_model_gives_one_clear_message(tmp_path: Path) -> None:
    shutil.copy(SHIPPED_MODELS_DIR / PALM_MODEL_FILE, tmp_path / PALM_MODEL_FILE)
    with pytest.raises(HandModelError, match=f"Hand model not found: .*{LANDMARK_MODEL_FILE}"):
        HandModels(tmp_path)


def test_damaged_model_gives_one_clear_message(tmp_path: Path) -> None:
    (tmp_path / PALM_MODEL_FILE).write_bytes(b"not a model" * 100)
    shutil.copy(SHIPPED_MODELS_DIR / LANDMARK_MODEL_FILE, tmp_path / LANDMARK_MODEL_FILE)
    with pytest.raises(HandModelError, match="is not a valid LiteRT model"):
        HandModels(tmp_path)


def test_swapped_models_are_refused(tmp_path: Path) -> None:
    shutil.copy(SHIPPED_MODELS_DIR / LANDMARK_MODEL_FILE, tmp_path / PALM_MODEL_FILE)
    shutil.copy(SHIPPED_MODELS_DIR / PALM_MODEL_FILE, tmp_path / LANDMARK_MODEL_FILE)
    with pytest.raises(HandModelError, match="is not MediaPipe's"):
        HandModels(tmp_path)


def test_rejects_a_non_rgb_frame(models: HandModels) -> None:
    with pytest.raises(ValueError, match="HxWx3 uint8"):
        HandTracker(models).process(np.zeros((480, 640), dtype=np.uint8))


def test_tracking_a_shipped_hand_photo_needs_no_shared_data(models: HandModels, signdigits: Path) -> None:
    """The same tracking check on a photo shipped in tests/data, drifting in a 640x480 frame."""
    from game.bench.hand_path import drifting, hand_photo
    from game.vision.hand_features import HandFeatureExtractor
    from game.vision.images import load_labelled_folder

    extractor = HandFeatureExtractor()
    photo = hand_photo(load_labelled_folder(signdigits).images, extractor)
    assert photo is not None and photo.shape == (480, 640, 3)
    tracker = HandTracker(models)
    results = [tracker.process(drifting(photo, i)) for i in range(30)]
    assert sum(r.found for r in results) >= 28
    assert sum(r.detected for r in results) <= 3
