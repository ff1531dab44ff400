"""Pydantic bodies of the HTTP API: the contract that /docs shows."""
