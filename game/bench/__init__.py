"""Benchmark suites behind ``gesture-pacman bench --suite NAME``; each has ``run(args, log) -> dict``."""
