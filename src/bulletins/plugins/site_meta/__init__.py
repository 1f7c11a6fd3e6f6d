"""Site metadata: Jinja helpers (Chinese dates, JSON-LD), sitemap.xml and robots.txt."""

from pelican import signals

from bulletins.plugins.site_meta import generator


def register():
    signals.initialized.connect(generator.configure)
    signals.generator_init.connect(generator.add_template_helpers)
    signals.get_generators.connect(generator.get_generators)
