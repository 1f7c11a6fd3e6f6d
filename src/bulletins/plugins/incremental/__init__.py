"""Rebuilds skip pages whose inputs have not changed (a fingerprinting Pelican writer)."""

from pelican import signals

from bulletins.plugins.incremental import writer


def register():
    signals.initialized.connect(writer.configure)
    signals.get_writer.connect(writer.get_writer)
    signals.finalized.connect(writer.save_cache)
