"""Rebuilds skip pages whose inputs have not changed (a fingerprinting Pelican writer), pages
are rendered in batches over ``BULLETINS_WRITE_JOBS`` processes, unchanged articles are taken
whole from the last build (``articlecache``) and many new ones read ahead by forks
(``preread``), a rebuild's files are read into the kernel's caches by a fork ahead of it
(``warm``), the content caches are dropped when settings or code change and written only when
an article was read anew, and the objects a build holds to its end are kept out of the cycle
collector's scans."""

from pelican import signals

from bulletins.plugins.incremental import collector, forked, preread, readcache, sourcepaths, warm, writer


def register():
    signals.initialized.connect(writer.configure)
    signals.initialized.connect(warm.start)
    signals.initialized.connect(collector.initialized)
    signals.initialized.connect(forked.initialized)
    signals.generator_init.connect(collector.generator_init)
    signals.initialized.connect(readcache.guard)
    signals.readers_init.connect(readcache.save_when_read)
    signals.article_generator_init.connect(preread.init)
    signals.article_generator_init.connect(sourcepaths.init)
    signals.page_generator_init.connect(sourcepaths.init)
    signals.all_generators_finalized.connect(sourcepaths.release)
    signals.page_generator_init.connect(readcache.skip_unused_layer)
    signals.get_writer.connect(writer.get_writer)
    signals.article_generator_write_article.connect(writer.open_article_batch)
    signals.article_writer_finalized.connect(writer.close_article_batch)
    signals.finalized.connect(writer.save_cache)
    signals.finalized.connect(warm.stop)
