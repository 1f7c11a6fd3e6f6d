"""List pages: home, persons, documents, tags, categories, year/month archives, with our own ASCII slugs."""

from pelican import signals

from bulletins.plugins.list_pages import generator


def register():
    signals.initialized.connect(generator.configure)
    signals.article_generator_pretaxonomy.connect(generator.prepare_articles)
    signals.article_generator_finalized.connect(generator.take_over_taxonomy_pages)
    signals.get_generators.connect(generator.get_generators)
