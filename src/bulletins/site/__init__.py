"""Pure building blocks of the archive site: slugs, entity grouping, dates, timeline, JSON-LD,
sitemap. No Pelican imports here; the plugins in ``bulletins.plugins`` adapt them."""
