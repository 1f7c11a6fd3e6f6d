"""Gazette: issue contents pages, meeting series, document lifecycle (效力状态) and relations."""

from pelican import signals

from bulletins.plugins.gazette import generator


def register():
    signals.initialized.connect(generator.configure)
    signals.get_generators.connect(generator.get_generators)
