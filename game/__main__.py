"""Entry point for ``python -m game``; the same as the ``gesture-pacman`` command."""

from game.cli import main

raise SystemExit(main())
