"""Search index: writes output/search/ (manifest, term shards, result data) after the pages,
or in a rebuild beside them, in a fork of the build (``generator.begin_beside_pages``)."""

from pelican import signals

from bulletins.plugins import statuses_settled
from bulletins.plugins.search_index import generator


def register():
    signals.initialized.connect(generator.configure)
    signals.get_generators.connect(generator.get_generators)
    signals.get_writer.connect(generator.begin_beside_pages)
    statuses_settled.connect(generator.begin_when_settled)
