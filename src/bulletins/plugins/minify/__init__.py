"""The theme's scripts and style sheets served minified (``bulletins.site.minify``)."""

from pelican import signals

from bulletins.plugins.minify import adapter


def register():
    signals.initialized.connect(adapter.initialized)
    signals.get_generators.connect(adapter.build_begins)
