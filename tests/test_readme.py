"""The README's command table against the real parser: every option it shows exists, and every
option a command has is shown (beside the ones the README's text gives every command)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from game.cli import build_parser

README = Path(__file__).resolve().parents[1] / "README.md"
#: Said once in the text under the table, for every command that has them.
SHARED = {"-h", "--help", "--version", "-v", "--verbose", "--scale", "--fullscreen", "--models", "--weights"}


def _table() -> dict[str, set[str]]:
    """Options per command in the table's rows (a command may have several rows)."""
    shown: dict[str, set[str]] = {}
    for row in re.findall(r"^\| `gesture-pacman ([^`]*)` \|", README.read_text(), re.MULTILINE):
        words = row.split()
        command = words[0] if words and not words[0].startswith("[") else ""
        shown.setdefault(command, set()).update(re.findall(r"(?<![\w-])--?[a-z][\w-]*", row))
    return shown


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    found = {"": parser}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {s for action in parser._actions for s in action.option_strings}


def test_the_command_table_matches_the_parser() -> None:
    shown, parsers = _table(), _commands()
    assert set(parsers) - {""} <= set(shown), "a command missing from the README's table"
    # Plain `gesture-pacman` takes play's options (cli.main parses it as `play`): one set for both.
    shown["play"] |= shown.pop("")
    for command, options in shown.items():
        real = _options(parsers[command]) | (_options(parsers[""]) if command == "play" else set())
        assert options <= real, (
            f"{command}: the README shows {sorted(options - real)}, which it does not take"
        )
        # --mirror/--no-mirror and the like: the README shows the form that changes something.
        missing = {o for o in real - SHARED - options if "--no-" + o[2:] not in options}
        missing = {o for o in missing if not (o.startswith("--no-") and "--" + o[5:] in options)}
        assert not missing, f"{command}: the README's table does not show {sorted(missing)}"
