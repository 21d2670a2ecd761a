"""``gesture-pacman bench``: run one benchmark suite and print its figures, a JSON object last.

Each suite is a module ``game/bench/<suite>.py`` with ``run(args, log) -> dict``; ``log`` prints
progress lines (suppressed with ``--json``). Figures are reported against a baseline measured in
the same run, never against a number written in the code.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys


def run(args: argparse.Namespace) -> int:
    module = importlib.import_module(f"game.bench.{args.suite}")

    def log(message: str) -> None:
        if not args.json:
            print(message, file=sys.stderr, flush=True)

    result = module.run(args, log)
    print(json.dumps(result))
    return 0
