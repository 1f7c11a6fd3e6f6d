"""Build progress on a terminal: one updating line per phase (read, write, search index, open
data, manifest), nothing when stderr is no terminal or BULLETINS_PROGRESS is False."""

from pelican import signals

from bulletins.plugins.progress import tracker


def register():
    signals.initialized.connect(tracker.initialized)
    signals.generator_init.connect(tracker.generator_init)
