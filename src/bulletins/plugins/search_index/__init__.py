"""Search index: writes output/search/ (manifest, term shards, result data) after the pages."""

from pelican import signals

from bulletins.search import pelican_generator


def register():
    signals.get_generators.connect(pelican_generator.get_generators)
