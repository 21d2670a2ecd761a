"""Gesture recognition: frames -> features -> a small trained head.

A profile's recognizer says which features: ``hand`` (the default) finds the hand with a palm
detector and a hand-landmark model on LiteRT and turns its 21 landmarks into features;
``frame`` (``--recognizer frame``) preprocesses the whole frame and takes MobileNet features.

Also what the calibration screen runs underneath (camera recorder, sample book, background
training and backbone jobs, profile persistence), so that no screen code is needed to use them.
Import the submodules directly (``game.vision.camera``, ``game.vision.preprocess``, ...); this
package imports nothing heavy so that windows appear before TensorFlow loads.
"""
