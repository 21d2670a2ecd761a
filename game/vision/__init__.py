"""Gesture recognition: frames -> preprocessing -> MobileNet features -> a small trained head.

Import the submodules directly (``game.vision.camera``, ``game.vision.preprocess``, ...); this
package imports nothing heavy so that windows appear before TensorFlow loads.
"""
