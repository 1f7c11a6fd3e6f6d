"""Rebuilds skip pages whose inputs have not changed (a fingerprinting Pelican writer), pages
are rendered in batches over ``BULLETINS_WRITE_JOBS`` processes, and Pelican's content cache is
dropped when settings or code change."""

from pelican import signals

from bulletins.plugins.incremental import readcache, writer


def register():
    signals.initialized.connect(writer.configure)
    signals.initialized.connect(readcache.guard)
    signals.get_writer.connect(writer.get_writer)
    signals.article_generator_write_article.connect(writer.open_article_batch)
    signals.article_writer_finalized.connect(writer.close_article_batch)
    signals.finalized.connect(writer.save_cache)
