"""The ``shenhe`` command (Typer + Rich): screen texts and files, serve the API, check lexicons.

Every command builds its screener through the composition root (`shenhe.bootstrap`) from the
same settings the HTTP API reads, so a text gets the same verdict from either.
"""
