"""A fingerprint of a game's state, for determinism checks and replays: ``state_hash(world)``."""

from __future__ import annotations

import hashlib

from game.core.state import World


def _state_text(world: World) -> str:
    pac = world.pacman
    parts = [
        f"t{world.tick} L{world.level} s{world.score} l{world.lives} {world.phase.value}{world.phase_steps}",
        f"r{world.seed}",
        f"m{world.mode.value}{world.mode_index}:{world.mode_steps}",
        f"f{world.fright_steps} c{world.ghost_chain}",
        f"h{world.global_counter_active}{world.global_dot_counter} i{world.idle_steps} e{world.elroy}",
        f"P{pac.x!r},{pac.y!r},{pac.direction.name},{pac.moving},{pac.eat_pause},{pac.requested}",
    ]
    for ghost in world.ghosts:
        parts.append(
            f"G{ghost.name.value},{ghost.x!r},{ghost.y!r},{ghost.direction.name},{ghost.mode.value},"
            f"{ghost.frightened},{ghost.dot_counter},{ghost.reverse_on_exit},{ghost.reverse_pending}"
        )
    if world.fruit is not None:
        parts.append(f"F{world.fruit.name},{world.fruit.time_left!r}")
    parts.append(world.edible_flags.hex())
    parts.append(repr(world.rng.getstate()))
    return "\n".join(parts)


def state_hash(world: World) -> str:
    """SHA-256 over everything that decides the rest of the game (positions, timers, dots, rng)."""
    return hashlib.sha256(_state_text(world).encode("utf-8")).hexdigest()
