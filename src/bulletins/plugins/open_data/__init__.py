"""Open data and fixity: data/ (JSONL, CSV, SQLite with full-text search), the data page, and
manifest-sha256.txt over every file of the site, written last."""

from pelican import signals

from bulletins.plugins.open_data import generator, manifest


def register():
    signals.initialized.connect(generator.configure)
    signals.get_generators.connect(generator.get_generators)
    signals.article_generator_finalized.connect(generator.begin_early)
    signals.get_generators.connect(manifest.begin_manifest_walk)
    signals.finalized.connect(manifest.write_manifest)
