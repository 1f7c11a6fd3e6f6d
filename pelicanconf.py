"""Pelican settings for the bulletin archive (settings only; logic lives in src/bulletins)."""

SITENAME = "公报档案"
SITEURL = ""
AUTHOR = ""
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

PLUGINS = [
    "bulletins.plugins.search_index",
]

# Feeds are written by publishconf.py, which knows the absolute site URL.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
