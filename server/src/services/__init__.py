"""Report generation, the worker, webhook delivery and the callback URL guard. No FastAPI here."""
