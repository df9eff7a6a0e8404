"""Background jobs: work that runs beside a shell, such as reloading changed lexicon files."""
