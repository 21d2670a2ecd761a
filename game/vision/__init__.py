"""Gesture recognition: frames -> preprocessing -> MobileNet features -> a small trained head.

Also what the calibration screen runs underneath (camera recorder, sample book, background
training and backbone jobs, profile persistence), so that no screen code is needed to use them.
Import the submodules directly (``game.vision.camera``, ``game.vision.preprocess``, ...); this
package imports nothing heavy so that windows appear before TensorFlow loads.
"""
