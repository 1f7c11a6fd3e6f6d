"""Citations: every article's Highwire/Dublin Core head tags and 引用 block, its .bib, .ris and
.json (CSL-JSON) files beside the page, and the archive's data/bulletins-csl.json."""

from pelican import signals

from bulletins.plugins.citations import generator


def register():
    signals.initialized.connect(generator.configure)
    signals.get_generators.connect(generator.get_generators)
