"""Hand-edited headers never stop the build: a broken article is skipped, a bad field dropped."""

from pelican import signals

from bulletins.plugins.article_headers import prefetch, reader


def register():
    signals.initialized.connect(prefetch.configure)
    signals.readers_init.connect(reader.use_checked_reader)
    signals.article_generator_preread.connect(prefetch.prefetch)
    signals.article_generator_context.connect(reader.report)
    signals.page_generator_context.connect(reader.report)
