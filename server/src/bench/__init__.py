"""The sync-versus-async load generator, its callback receiver and the command line (`python -m src.bench`)."""
