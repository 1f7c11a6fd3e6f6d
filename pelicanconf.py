"""Pelican settings for the bulletin archive (settings only; logic lives in src/bulletins)."""

import os

SITENAME = "公报档案"
SITEURL = ""
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"

PATH = "content"
ARTICLE_PATHS = ["bulletins"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = []
THEME = "theme"
OUTPUT_PATH = "output"
DELETE_OUTPUT_DIRECTORY = False

# Only our Markdown reader: the rst reader warns "no localization for 'zh'" and breaks --fatal.
READERS = {"rst": None, "html": None}
# Bodies are escaped plain paragraphs: no Markdown extension is needed, and none may
# reinterpret source text (tables, footnotes, attribute lists...).
MARKDOWN = {
    "extension_configs": {"markdown.extensions.meta": {}},
    "output_format": "html5",
}
# Summary is plain text written by ingest; the theme escapes it. Never render it as Markdown.
FORMATTED_FIELDS = []

# Explicit .html targets and relative links: the archive works from file:// and from a zip.
RELATIVE_URLS = True
ARTICLE_URL = "bulletins/{date:%Y}/{date:%m}/{slug}.html"
ARTICLE_SAVE_AS = ARTICLE_URL
PAGE_URL = "{slug}.html"
PAGE_SAVE_AS = PAGE_URL

# Every list is written by our plugins (see their docstrings): list_pages writes the home,
# tag, category, person, document and year/month pages in one pass (Pelican's are quadratic),
# paginated from the oldest item so that new bulletins leave all but the first page unchanged.
DIRECT_TEMPLATES = ["archives", "categories", "search", "opensearch", "404"]
OPENSEARCH_SAVE_AS = "opensearch.xml"  # the OpenSearch description browsers pick up
TEMPLATE_EXTENSIONS = [".html", ".xml"]  # opensearch.xml is a template of its own
PAGINATED_TEMPLATES = {
    "index": None,
    "category": None,
    "tag": None,
    "period_archives": None,
    "person": None,
    "document": None,
    "persons": 200,
    "documents": 200,
    "tags": 200,
}
DEFAULT_PAGINATION = 50
CATEGORY_URL = "categories/{slug}.html"
CATEGORY_SAVE_AS = CATEGORY_URL
TAG_URL = "tags/{slug}.html"
TAG_SAVE_AS = TAG_URL
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = "archives.html"
CATEGORIES_SAVE_AS = "categories.html"
DEFAULT_CATEGORY = "其他"
# One language, no translations: skip Pelican's translation matching (quadratic in articles).
ARTICLE_TRANSLATION_ID = None
PAGE_TRANSLATION_ID = None
USE_FOLDER_AS_CATEGORY = False

# Autoescape every template (Pelican 4.12 leaves it off); only article/page bodies are |safe.
# No auto_reload: every build makes its own environment, so a template never changes during one,
# and Jinja would otherwise stat the template file on each extends/import of each page.
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "autoescape": True,
    "extensions": [],
    "auto_reload": False,
}

# Our plugins' settings (all BULLETINS_*, defaulted and validated in the plugins).
BULLETINS_PERSON_URL = "persons/{slug}.html"
BULLETINS_DOCUMENT_URL = "documents/{slug}.html"
BULLETINS_PUBLIC_URL = ""  # publishconf.py sets the published address (sitemap, canonical, JSON-LD)
# Raw copies are made only of regular files inside these folders; relative ones are resolved
# against BULLETINS_BASE_DIR (this file's folder), wherever Pelican runs.
BULLETINS_BASE_DIR = os.path.dirname(os.path.abspath(__file__))
BULLETINS_SOURCE_ROOTS = ["sources"]
BULLETINS_DATA_LICENSE = "知识共享 署名 4.0 国际许可协议（CC BY 4.0）：注明来源即可自由复制、分发和改编"

# Pelican's content cache (used by rebuilds) is written on every build: uncompressed is faster.
GZIP_CACHE = False
# Pelican's content cache: a rebuild reads only the articles whose files changed (the incremental
# plugin drops the cache when settings or this package's code change).
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True

PLUGINS = [
    "bulletins.plugins.build_errors",  # a full disk or a forbidden folder: one line, not a traceback
    "bulletins.plugins.progress",  # first: a line per build phase on a terminal (never in output or logs)
    "bulletins.plugins.compact",  # one copy of the keys, values and tags the articles repeat
    "bulletins.plugins.article_headers",
    # before list_pages: its generator sets the statuses the search index reads, so the index's
    # fork in a rebuild begins there, ahead of the entity pages' grouping (URLs are final by
    # then: article_urls sets them while the articles are read)
    "bulletins.plugins.gazette",
    "bulletins.plugins.list_pages",
    "bulletins.plugins.article_urls",  # after list_pages: URLs may name the category slug
    "bulletins.plugins.raw_source",
    "bulletins.plugins.site_meta",
    "bulletins.plugins.minify",  # the theme's .js and .css copied minified (BULLETINS_MINIFY_THEME)
    "bulletins.plugins.incremental",
    "bulletins.plugins.search_index",
    "bulletins.plugins.citations",  # after raw_source: cites the original PDF it copies
    "bulletins.plugins.open_data",  # last: its manifest-sha256.txt lists every file the others wrote
]

# Feeds are written by publishconf.py, which knows the absolute site URL.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
