"""Pelican plugins of the archive. Each ``register()`` only connects signals."""
