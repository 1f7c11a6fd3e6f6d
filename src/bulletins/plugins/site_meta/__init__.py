"""Site metadata: Jinja helpers (Chinese dates, JSON-LD), sitemap.xml and robots.txt."""

from pelican import signals

from bulletins.plugins.site_meta import meta


def register():
    signals.initialized.connect(meta.configure)
    signals.generator_init.connect(meta.add_template_helpers)
    signals.get_generators.connect(meta.get_generators)
