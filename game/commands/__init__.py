"""One module per subcommand, each with ``run(args) -> int`` (the exit status)."""
