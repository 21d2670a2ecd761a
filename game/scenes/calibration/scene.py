"""The calibration scene: record gestures from the webcam, train the head, inspect it, save it.

The player holds a class's key (arrows, ``I`` for idle) or presses and holds its panel; every
camera frame meanwhile becomes a sample. Train is disabled with the reason on screen until each
class has enough samples; training runs in the background with a live chart; afterwards the
screen shows per-class validation accuracy, the confusion matrix and live confidence bars.
``S`` saves the profile (samples included) and ``P`` starts the game with it.

Leaving with unsaved work asks first, whether by Esc, by the window's close button or by ``P``:
unsaved samples (or an unsaved trained head), frames recorded while the recognizer loads, which are
not samples yet, and a training under way, which leaving stops. It is the same warning every way,
naming what would be lost; for a close it says that ``S`` saves and then quits and that closing
again quits without saving (as gesture play's keep/drop question does). ``P`` saves the samples
before it asks, so its warning names only what a save cannot keep, and a second ``P`` plays with
the saved head. The warning in force is the one on screen: a second Esc, close or ``P`` only drops
what it said it would. ``S`` under the close warning quits only when the save leaves nothing
unsaved. A calibration ended without asking (Ctrl-C in the terminal, a logout) saves its unsaved
samples to a new profile folder beside the player's, ``<profile>.unsaved-<time>``, leaves the
player's as it was, and says on the terminal how to go on with them.

All slow work is off the UI thread (``game.vision.recorder``, ``game.vision.backbone_loader``,
``game.vision.training_job``); this module only turns input into calls on them and keeps the state
that ``game.scenes.calibration.view`` draws.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Literal

import pygame

from game.render import palette
from game.render.widgets import Button
from game.scenes.base import Scene
from game.scenes.calibration.buttons import Buttons
from game.scenes.calibration.layout import Layout
from game.scenes.calibration.modes import Flash, FlashKind, Mode
from game.scenes.calibration.options import CalibrationOptions
from game.scenes.calibration.settings import SETTINGS, adjust
from game.scenes.calibration.view import CalibrationView
from game.vision.backbone_loader import BackboneLoader, LoadState
from game.vision.calibration_profile import (
    ProfileError,
    SavedCalibration,
    classes_without_head,
    make_classifier,
    save_calibration,
)
from game.vision.camera import FrameSource
from game.vision.profile import remembered_camera
from game.vision.recorder import CameraWorker, ClassifierLike
from game.vision.samples import SampleBook
from game.vision.sources import SourceChooser
from game.vision.training import DEFAULT, MIN_SAMPLES_FOR_VALIDATION, HeadConfig, TrainResult, default_recipe
from game.vision.training_job import JobState, TrainingJob
from game.vision.types import IDLE_CLASS, CameraState
from game.vision.variety import Variety, VarietyMeter

#: Enough per class for the validation split, so accuracy and the confusion matrix mean something.
MIN_SAMPLES = MIN_SAMPLES_FOR_VALIDATION
#: Seconds a message stays on screen; a warning about unsaved work is in force as long as it is.
FLASH_S = 4.0

CLASS_KEYS: dict[int, str] = {
    pygame.K_UP: "up",
    pygame.K_DOWN: "down",
    pygame.K_LEFT: "left",
    pygame.K_RIGHT: "right",
    pygame.K_i: IDLE_CLASS,
}


PlayFactory = Callable[[Path], Scene]
#: What the unsaved-work warning answers: Esc (leave), the window's close button, or P (play).
Leaving = Literal["esc", "close", "play"]


class CalibrationScene(Scene):
    """See the module docstring. ``source`` replaces the webcam/video (tests, benchmarks)."""

    def __init__(
        self,
        options: CalibrationOptions,
        *,
        source: Callable[[], FrameSource] | None = None,
        play_factory: PlayFactory | None = None,
        no_camera_play: Callable[[], Scene] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.options = options
        self.sources = SourceChooser(
            options.camera,
            options.video,
            options.mirror,
            override=source,
            preferred=remembered_camera(options.profile_dir),
        )
        self.backbone = BackboneLoader(
            options.models, options.weights, profile_dir=options.profile_dir, recognizer=options.recognizer
        )
        # Frames recorded while the recognizer loads are kept, preprocessed as the backbone will
        # (whole, for the hand stage).
        self.camera = CameraWorker(self.sources.opener(), preprocess_config=self.backbone.preprocess_config)
        self.camera.keep_whole_frames = self.backbone.recognizer == "hand"
        self.book = SampleBook(MIN_SAMPLES)
        self.variety = VarietyMeter()
        self.config: HeadConfig = DEFAULT
        self.mode = Mode.RECORD
        self.job: TrainingJob | None = None
        self.result: TrainResult | None = None
        self.classifier: ClassifierLike | None = None
        #: Sample counts the current result was trained on; differs from now once the player records more.
        self.trained_counts: dict[str, int] = {}
        #: The counts a training under way was started with: the result's once it finishes.
        self._training_counts: dict[str, int] = {}
        self.show_advanced = False
        self.saved_path: Path | None = None
        self.flash: Flash | None = None
        self.recording: str | None = None
        self.profile_loaded: SavedCalibration | None = None
        self.profile_error = ""
        self._burst = 0
        self._key_held: int | None = None
        self._mouse_held: str | None = None
        #: The player left through a warning, so what it named is dropped, not saved aside.
        self._drop_confirmed = False
        #: The unsaved-work warning Esc gave; while it is on screen, a second Esc leaves.
        self._esc_warning: Flash | None = None
        #: The unsaved-samples warning shown for a window close; while it is on screen, S saves and
        #: quits and a second close quits without saving.
        self._close_warning: Flash | None = None
        #: The warning P gave about work it would drop; while it is on screen, P plays.
        self._play_warning: Flash | None = None
        self._clock = clock
        self._play_factory = play_factory
        self._no_camera_play = no_camera_play
        self._started = False
        self._profile_pending = True
        self.view: CalibrationView | None = None
        self.layout: Layout | None = None
        self.buttons: Buttons | None = None
        self.elapsed = 0.0

    # -- lifecycle -------------------------------------------------------------------------

    def enter(self) -> None:
        if not self._started:
            self._started = True
            self.camera.start()
            self.backbone.start()
        self.layout_changed()

    def layout_changed(self) -> None:
        """Rectangles, fonts and buttons for the window's present size and scale."""
        if self._mouse_held is not None:
            # The pressed button moves with the new layout: its release would never be seen.
            self._stop_recording()
        self.layout = Layout.for_surface(self.manager.surface, self.manager.scale)
        self.view = CalibrationView(self.manager.scale)
        self.buttons = Buttons.for_layout(self.layout)

    def exit(self) -> None:
        self.backbone.cancel()
        if self.job is not None:
            self.job.cancel()
        self._stop_recording()
        self.camera.stop()
        self._collect_samples()
        if self.book.dirty and not self._drop_confirmed:
            self._save_aside()

    def _save_aside(self) -> None:
        """Calibration ended without asking (Ctrl-C, a logout): the unsaved samples (and head) go to
        a new profile folder beside the player's, which stays as it was, and the terminal says where."""
        folder = self.options.profile_dir
        aside = folder.with_name(f"{folder.name}.unsaved-{time.strftime('%Y%m%d-%H%M%S')}")
        n = self.book.total()
        # A head that does not know every class with samples is left out: the samples matter more.
        result = None if classes_without_head(self.book, self.result) else self.result
        try:
            path = save_calibration(
                aside,
                self.book,
                result,
                self.backbone.backbone,
                self.config,
                camera=self.sources.opened,
                preprocess=self.backbone.preprocess_config,
            )
        except ProfileError as exc:
            message = f"gesture-pacman calibrate: {n} unsaved samples could not be kept ({exc})."
            print(message, file=sys.stderr)
            return
        self.book.dirty = False
        print(
            f"gesture-pacman calibrate: calibration ended without asking, so its unsaved work ({n} "
            f"samples) was saved to {path}; {folder} is unchanged. To go on with it: gesture-pacman "
            f"calibrate --profile {path}",
            file=sys.stderr,
        )

    def close_requested(self) -> bool:
        """The window's close button: at once with nothing unsaved, else the Esc warning first."""
        self._collect_samples()  # samples the camera thread finished since the last frame count too
        if not self.unsaved_work or self._on_screen(self._close_warning):
            # Nothing to lose, or closed again while the warning says so: what it named is dropped.
            self._drop_confirmed = True
            return True
        self._warn_unsaved("close")
        return False

    # -- state the view reads --------------------------------------------------------------

    @property
    def no_camera(self) -> bool:
        """True while no frame source has ever delivered a frame and the last try failed."""
        return self.camera.frames_seen == 0 and self.camera.state is CameraState.LOST

    @property
    def can_play_keyboard(self) -> bool:
        return self._no_camera_play is not None

    @property
    def camera_lost(self) -> bool:
        return self.camera.frames_seen > 0 and self.camera.state in (CameraState.LOST, CameraState.ENDED)

    @property
    def training(self) -> bool:
        """A training job is running (its head is lost, and the job stopped, if the scene is left)."""
        return self.job is not None and self.job.state is JobState.RUNNING

    @property
    def train_reason(self) -> str:
        """Why Train is disabled, or "" when it is enabled."""
        if self.training:
            return "training…"
        if not self.backbone.ready:
            loading = self.backbone.state is LoadState.LOADING
            what = self._backbone_name
            return f"{what} is still loading" if loading else f"{what} did not load"
        missing = self.book.missing()
        if missing:
            others = len(missing) - 1
            more = f" (and {others} more class{'es' if others > 1 else ''})" if others else ""
            return missing[0] + more
        return ""

    @property
    def train_waiting(self) -> bool:
        """Train waits for something under way (the recognizer loading, a training running): not an
        error, so its reason is shown in the normal colour."""
        return self.training or self.backbone.state is LoadState.LOADING

    @property
    def _backbone_name(self) -> str:
        """What the recorded frames wait for, as the screen names it."""
        return "the hand finder" if self.backbone.recognizer == "hand" else "MobileNet"

    @property
    def unsaved_work(self) -> list[str]:
        """What leaving now would lose, for the leave/close warning; empty when nothing would be.

        Unsaved samples (``book.dirty``, which a new trained head sets too); frames recorded while
        the backbone loads: they become samples once it is loaded, so until then they are not in
        the book (a backbone that failed will never turn them into anything); and a training under
        way, whose head exists only once it finishes (``exit`` stops it).
        """
        work = ["unsaved samples"] if self.book.dirty else []
        waiting = self.camera.pending if self.backbone.state is not LoadState.FAILED else 0
        if waiting:
            work.append(
                f"{waiting} frame{'s' if waiting != 1 else ''} still waiting for {self._backbone_name}"
            )
        if self.training:
            work.append("training in progress")
        return work

    def variety_of(self, label: str) -> Variety:
        """How varied ``label``'s samples are (the meter on its panel; recomputed only on change)."""
        return self.variety.variety(label, self.book.thumbnails(label), self.book.thumbnail_kinds(label))

    @property
    def stale_result(self) -> bool:
        """The samples changed since the shown result was trained."""
        counts = {name: self.book.count(name) for name in self.book.active_classes}
        return self.result is not None and counts != self.trained_counts

    def flash_message(self, text: str, kind: FlashKind = FlashKind.INFO) -> None:
        self.flash = Flash(text, kind, self._clock() + FLASH_S)

    # -- input -----------------------------------------------------------------------------

    def handle_event(self, event: pygame.event.Event) -> None:
        if self.buttons is not None and event.type in (
            pygame.MOUSEMOTION,
            pygame.MOUSEBUTTONDOWN,
            pygame.MOUSEBUTTONUP,
        ):
            self._handle_mouse(event, self.buttons)
        elif event.type == pygame.KEYDOWN:
            self._key_down(event)
        elif event.type == pygame.KEYUP and event.key == self._key_held:
            self._stop_recording()
        elif event.type == pygame.WINDOWFOCUSLOST and self.recording is not None:
            # The key-up would go to another window: without this, recording would never stop.
            self._stop_recording()
            self.flash_message("Recording stopped: the window lost focus")

    def _key_down(self, event: pygame.event.Event) -> None:
        key = event.key
        if key == pygame.K_ESCAPE and self.show_advanced and not self.no_camera:
            self.show_advanced = False  # Esc closes the Tune panel first, as it would a dialog
        elif key == pygame.K_ESCAPE:
            self._leave()
        elif self.no_camera:
            self._no_camera_key(key)
        elif key in CLASS_KEYS:
            label = CLASS_KEYS[key]
            if event.mod & pygame.KMOD_SHIFT:
                self._clear(label)
            elif key != self._key_held:  # a key-repeat while held is the same hold, not a new burst
                self._start_recording(label, key=key)
        elif key in (pygame.K_BACKSPACE, pygame.K_u):
            self._undo()
        elif key == pygame.K_t:
            self._train()
        elif key == pygame.K_s:
            self._save_pressed()
        elif key == pygame.K_p:
            self._play()
        elif key == pygame.K_o:
            self._toggle_idle()
        elif key == pygame.K_a:
            self.show_advanced = not self.show_advanced
        elif key == pygame.K_c:
            self._cycle_camera()
        elif self.show_advanced and pygame.K_1 <= key <= pygame.K_8:
            index = key - pygame.K_1
            self._adjust(SETTINGS[index // 2].name, +1 if index % 2 else -1)

    def _no_camera_key(self, key: int) -> None:
        if key == pygame.K_c:
            self._cycle_camera()
        elif key in (pygame.K_RETURN, pygame.K_KP_ENTER) and self._no_camera_play is not None:
            self.manager.replace(self._no_camera_play())

    def _handle_mouse(self, event: pygame.event.Event, buttons: Buttons) -> None:
        if self.no_camera:
            return
        for label, button in buttons.classes.items():
            was_held = button.held
            button.handle_event(event)
            if button.held and not was_held:
                self._start_recording(label, mouse=True)
            elif was_held and not button.held and self._mouse_held == label:
                self._stop_recording()
        actions: list[tuple[Button, Callable[[], None]]] = [
            (buttons.train, self._train),
            (buttons.save, self._save_pressed),
            (buttons.play, self._play),
            (buttons.undo, self._undo),
            (buttons.idle, self._toggle_idle),
            (buttons.advanced, self._toggle_advanced),
        ]
        actions += [(b, partial(self._clear, name)) for name, b in buttons.clear.items()]
        if self.show_advanced:
            actions += [(b, partial(self._adjust, n, -1)) for n, b in buttons.minus.items()]
            actions += [(b, partial(self._adjust, n, +1)) for n, b in buttons.plus.items()]
        for button, action in actions:
            if button.handle_event(event):
                action()

    # -- actions ---------------------------------------------------------------------------

    def _start_recording(self, label: str, key: int | None = None, mouse: bool = False) -> None:
        if label == IDLE_CLASS and not self.book.use_idle:
            self.book.use_idle = True
            self.flash_message("Idle class on: record a relaxed hand or no hand (O turns it off)")
        if self.backbone.state is LoadState.FAILED:
            failed = f"The {self.backbone.recognizer} recognizer could not be loaded: nothing to record with"
            self.flash_message(failed, FlashKind.ERROR)
            return
        if not self.backbone.ready:
            self.flash_message(
                f"Recording: these frames become samples as soon as {self._backbone_name} is loaded"
            )
        if self.camera.state is not CameraState.RUNNING:
            self.flash_message("No camera picture: cannot record right now", FlashKind.ERROR)
            return
        self._stop_recording()
        self._burst += 1
        self.recording = label
        self._key_held = key
        self._mouse_held = label if mouse else None
        self.camera.set_recording(label, self._burst)

    def _stop_recording(self) -> None:
        self.camera.set_recording(None)
        self._collect_samples()
        self.recording = None
        self._key_held = None
        self._mouse_held = None

    def _collect_samples(self) -> None:
        for sample in self.camera.drain_samples():
            self.book.add(sample.label, sample.features, sample.thumbnail, sample.burst_id, sample.kind)

    def _undo(self) -> None:
        self._stop_recording()
        waiting = self.camera.last_pending_burst()
        if waiting is not None:  # the newest burst still waits for the recognizer: it goes first
            label, burst_id = waiting
            n = self.camera.discard_pending(burst_id=burst_id)
            self.flash_message(f"Removed the last {n} {label} frames")
            return
        burst = self.book.undo()
        if burst is None:
            self.flash_message("Nothing to undo")
        else:
            self.camera.gate.forget(burst.label)  # its next frame is compared with nothing undone
            self.flash_message(f"Removed the last {burst.count} {burst.label} samples")

    def _clear(self, label: str) -> None:
        if self.recording == label:
            self._stop_recording()
        n = self.book.clear(label) + self.camera.discard_pending(label)
        self.camera.gate.forget(label)
        self.flash_message(f"Cleared {n} {label} samples" if n else f"{label} has no samples")

    def _toggle_idle(self) -> None:
        self.book.use_idle = not self.book.use_idle
        idle = self.book.count(IDLE_CLASS)
        if self.book.use_idle:
            state = "on: hold I to record it"
        elif idle:
            # A profile's classes are the head's: while idle is off, a save leaves its samples out.
            state = f"off: its {idle} samples stay here, but a save leaves them out while it is off"
        else:
            state = "off"
        self.flash_message(f"Idle class {state}")

    def _toggle_advanced(self) -> None:
        self.show_advanced = not self.show_advanced

    def _adjust(self, name: str, step: int) -> None:
        self.config = adjust(self.config, name, step)

    def _train(self) -> None:
        reason = self.train_reason
        if reason:
            kind = FlashKind.INFO if self.train_waiting else FlashKind.ERROR
            self.flash_message(f"Cannot train yet: {reason}", kind)
            return
        self._stop_recording()
        features, labels, classes = self.book.arrays()
        self._training_counts = {name: self.book.count(name) for name in classes}
        self.camera.set_classifier(None)  # the live test resumes with the new head
        self.job = TrainingJob(features, labels, classes, self.config).start()
        self.mode = Mode.TRAINING

    def _save(self) -> None:
        self._stop_recording()
        if self.book.total() == 0 and self.result is None:
            self.flash_message("Nothing to save yet: record some samples first", FlashKind.ERROR)
            return
        try:
            path = save_calibration(
                self.options.profile_dir,
                self.book,
                self.result,
                self.backbone.backbone,
                self.config,
                camera=self.sources.opened,
                preprocess=self.backbone.preprocess_config,
            )
        except ProfileError as exc:
            self.flash_message(f"Not saved: {exc}. Your samples are still here.", FlashKind.ERROR)
            return
        self.book.dirty = False
        self.saved_path = path
        self.flash_message(f"Saved to {path}")

    def _save_pressed(self) -> None:
        """S or the Save button; under the close warning, a save that worked then closes the window
        (a failed one says why and stays, its message replacing the warning, as does a save that
        leaves other work unsaved, which the next close asks about)."""
        closing = self._on_screen(self._close_warning)
        self._save()
        if closing and not self.unsaved_work:  # waiting frames or a training under way keep it open
            self.manager.quit()

    def _play(self) -> None:
        """P or the Play button: save what is unsaved, then hand over to gesture play with the saved
        profile. Work a save cannot keep (a training under way, which leaving stops; frames still
        waiting for the recognizer) is warned about first, as Esc does; a second P while that
        warning is on screen plays."""
        if self.result is None:
            self.flash_message("Train first (T), then play with your gestures", FlashKind.ERROR)
            return
        if self._play_factory is None:
            self.flash_message("Gesture play is not available in this build", FlashKind.ERROR)
            return
        confirmed = self._on_screen(self._play_warning)  # before the save's message replaces it
        if self.book.dirty or self.saved_path is None:
            self._save()
            if self.book.dirty:
                return  # the save failed and said why; do not play with a profile that is not on disk
        if self.unsaved_work and not confirmed:
            self._warn_unsaved("play")
            return
        self.camera.stop()  # the game opens the camera itself
        self.manager.replace(self._play_factory(self.options.profile_dir))

    def _cycle_camera(self) -> None:
        if not self.sources.can_cycle:
            self.flash_message(f"Using {self.sources.describe()}; C cycles webcams only")
            return
        self._stop_recording()
        self.camera.switch(self.sources.next_opener())
        self.flash_message(f"Trying {self.sources.describe()}…")

    def _leave(self) -> None:
        if self.unsaved_work and not self._on_screen(self._esc_warning):
            self._warn_unsaved("esc")
            return
        self._drop_confirmed = True
        self.manager.pop()

    def _warn_unsaved(self, leaving: Leaving) -> None:
        """The unsaved-work warning, for Esc, the window's close button or P: what would be lost
        (``unsaved_work``), what S saves, and what a second Esc, close or P does. Showing one
        withdraws the others, so a second Esc, close or P only does what the warning on screen
        says. P saves before it warns, so its warning has nothing for S to save."""
        closing = leaving == "close"
        work = self.unsaved_work
        if len(work) > 1:
            what = ", ".join(work[:-1]) + " and " + work[-1]
        else:
            what = work[0] if work else "unsaved samples"
        if not self.book.dirty:
            save = ""  # nothing S could save now
        elif len(work) > 1:
            save = "S saves the samples, "  # and no more: the rest stays unsaved, so no quitting
        else:
            save = "S saves them and quits, " if closing else "S saves them, "
        if leaving == "play":
            again = "P again plays with the saved head"  # P has just saved what S could
        else:
            verb = "close again quits" if closing else "Esc again leaves"
            again = f"{verb} {'without saving' if self.book.dirty else 'anyway'}"
        text = f"{what[0].upper()}{what[1:]}: {save}{again}"
        self.flash_message(text, FlashKind.ERROR)
        self._close_warning = self.flash if closing else None
        self._play_warning = self.flash if leaving == "play" else None
        self._esc_warning = self.flash if leaving == "esc" else None

    def _on_screen(self, warning: Flash | None) -> bool:
        """``warning`` is on screen now (not replaced by another message, not expired)."""
        return warning is not None and self.flash is warning and self._clock() <= warning.until

    # -- per frame -------------------------------------------------------------------------

    def update(self, dt: float) -> None:
        self.elapsed += dt
        if self.backbone.ready and not self._has_features:
            # A hand profile's samples show (and the variety meter measures) the hand crop.
            seen = self.backbone.last_crop if self.backbone.recognizer == "hand" else None
            self.camera.set_features(self.backbone.features, seen)
            self.camera.set_look(self.backbone.look)
            if self.config == DEFAULT:  # not changed by the player: the recognizer's own recipe
                self.config = default_recipe(self.backbone.recognizer)
            self._has_features = True
        if self._profile_pending and self.backbone.ready:
            self._profile_pending = False
            self._load_profile()
        self._collect_samples()
        if self.recording is not None and self.camera.recording is None:
            # The camera thread stopped recording: the camera was lost or the backbone failed.
            self.recording, self._key_held, self._mouse_held = None, None, None
            self.flash_message(
                "Recording stopped: the camera picture was lost. Samples are kept.", FlashKind.ERROR
            )
        if self.job is not None and self.mode is Mode.TRAINING and self.job.state is not JobState.RUNNING:
            self._training_finished(self.job)
        if self.flash is not None and self._clock() > self.flash.until:
            self.flash = None
        if self.buttons is not None:
            self._refresh_buttons(self.buttons)

    _has_features = False

    def _training_finished(self, job: TrainingJob) -> None:
        """Take over a finished job's head. A stopped job's is not taken: its run was cut short
        (the job keeps what the run returned), so the head from before, if any, stays, with its
        live test and the sample counts it was trained on."""
        if job.state is not JobState.DONE or job.result is None:
            self.camera.set_classifier(self.classifier)
        if job.state is JobState.CANCELLED:
            self.mode = Mode.RESULTS if self.result is not None else Mode.RECORD
            kept = ": the head from before is kept" if self.result is not None else ""
            self.flash_message(f"Training stopped{kept}")
            return
        if job.state is JobState.FAILED or job.result is None:
            self.mode = Mode.RESULTS if self.result is not None else Mode.RECORD
            self.flash_message(job.message or "training failed", FlashKind.ERROR)
            return
        self.result = job.result
        self.trained_counts = self._training_counts
        self.book.dirty = True  # a new head is a change to save even when the samples are not
        self.mode = Mode.RESULTS
        try:
            self.classifier = make_classifier(
                self.backbone.backbone, job.result, preprocess=self.backbone.preprocess_config
            )
        except ProfileError as exc:
            self.flash_message(f"Live test unavailable: {exc}", FlashKind.ERROR)
            return
        self.camera.set_classifier(self.classifier)

    def _load_profile(self) -> None:
        """Take over what the loader thread read from the profile directory (samples, head, results)."""
        if self.backbone.profile_error:
            self.profile_error = self.backbone.profile_error
            self.flash_message(f"Profile not loaded: {self.profile_error}", FlashKind.ERROR)
            return
        saved = self.backbone.saved
        if saved is None:
            return
        self.profile_loaded = saved
        for label, (feats, thumbs, kinds) in saved.samples.items():
            if len(feats):
                self.book.load(label, feats, thumbs, kinds)
        self.book.use_idle = IDLE_CLASS in saved.classes or self.book.count(IDLE_CLASS) > 0
        if saved.config is not None:
            self.config = saved.config
        self.saved_path = self.options.profile_dir
        if saved.result is not None:
            self.result = saved.result
            # A head updated in play shows the figures of the training before the samples learned
            # there: as for samples recorded since, the panel says "new samples: T retrains".
            trained = {name: self.book.count(name) for name in saved.result.classes}
            self.trained_counts = {} if saved.updated_in_play else trained
            self.mode = Mode.RESULTS
            try:
                self.classifier = make_classifier(self.backbone.backbone, saved.result, saved.profile)
                self.camera.set_classifier(self.classifier)
            except ProfileError as exc:
                self.flash_message(f"Saved head not usable: {exc}. Retrain (T).", FlashKind.ERROR)
        self.flash_message(f"Loaded {self.book.total()} samples from {self.options.profile_dir}")

    # -- buttons ---------------------------------------------------------------------------

    def _refresh_buttons(self, buttons: Buttons) -> None:
        training = self.training
        reason = self.train_reason
        buttons.train.enabled = not reason
        buttons.train.reason = "" if training else reason
        buttons.train.reason_color = palette.TEXT_DIM if self.train_waiting else palette.BAD
        buttons.train.label = "Training…" if training else "Train  [T]"
        buttons.save.enabled = self.book.total() > 0 or self.result is not None
        buttons.save.reason = "" if buttons.save.enabled else "no samples yet"
        buttons.play.enabled = self.result is not None and self._play_factory is not None
        buttons.play.reason = "train first" if self.result is None else "not available"
        buttons.undo.enabled = self.book.can_undo
        buttons.idle.active = self.book.use_idle
        buttons.idle.label = "Idle: on [O]" if self.book.use_idle else "Idle: off [O]"
        buttons.advanced.active = self.show_advanced
        for name, button in buttons.classes.items():
            button.active = self.recording == name
            button.enabled = name != IDLE_CLASS or self.book.use_idle
            buttons.clear[name].enabled = self.book.count(name) > 0

    # -- drawing ---------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        if self.view is not None and self.layout is not None and self.buttons is not None:
            self.view.draw(surface, self, self.layout, self.buttons)
