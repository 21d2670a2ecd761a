"""One module per subcommand, each with ``run(args) -> int`` (the exit status); ``play_headless``
is ``play --headless``."""
