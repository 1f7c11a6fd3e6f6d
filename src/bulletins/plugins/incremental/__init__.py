"""Rebuilds skip pages whose inputs have not changed (a fingerprinting Pelican writer), and
Pelican's content cache is dropped when settings or code change."""

from pelican import signals

from bulletins.plugins.incremental import readcache, writer


def register():
    signals.initialized.connect(writer.configure)
    signals.initialized.connect(readcache.guard)
    signals.get_writer.connect(writer.get_writer)
    signals.finalized.connect(writer.save_cache)
