"""Copy each article's raw source (file, or collection record) into the output."""

from pelican import signals

from bulletins.plugins.raw_source import generator


def register():
    signals.initialized.connect(generator.configure)
    signals.get_generators.connect(generator.get_generators)
