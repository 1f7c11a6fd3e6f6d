"""Ingest: sources/ -> content/ (read -> decode -> clean -> metadata -> article writer)."""
