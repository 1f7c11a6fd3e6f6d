"""Article URLs fixed once, while reading, instead of on every access; one page per URL."""

from pelican import signals

from bulletins.plugins.article_urls import generator


def register():
    signals.article_generator_context.connect(generator.fix_url_early)
    signals.article_generator_pretaxonomy.connect(generator.fix_urls)
