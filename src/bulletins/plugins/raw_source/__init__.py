"""Copy each article's raw source (file, or collection record) into the output."""

from pelican import signals

from bulletins.plugins.raw_source import copy


def register():
    signals.initialized.connect(copy.configure)
    signals.get_generators.connect(copy.get_generators)
