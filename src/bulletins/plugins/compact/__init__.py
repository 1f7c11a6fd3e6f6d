"""One copy of what articles repeat: once the articles are read, equal metadata keys and short
values, tags and categories are shared between articles, and the readers' copy of every
article's metadata, already saved to the content cache, is let go; once every generator has
made its context, each article keeps in its own dict only what is its own (``slim``; an
article the article cache gives, as it is read). Large blocks are mapped apart, at a fixed
threshold (``heap``). Nothing built changes."""

from pelican import signals

from bulletins.plugins.compact import heap, sharing, slim


def register():
    signals.initialized.connect(heap.configure)
    signals.article_generator_init.connect(slim.begin)
    signals.article_generator_finalized.connect(sharing.compact_articles)
    signals.all_generators_finalized.connect(slim.slim_articles)
