"""Hand-edited headers never stop the build: a broken article is skipped, a bad field dropped."""

from pelican import signals

from bulletins.plugins.article_headers import reader


def register():
    signals.readers_init.connect(reader.use_checked_reader)
    signals.article_generator_context.connect(reader.report)
    signals.page_generator_context.connect(reader.report)
