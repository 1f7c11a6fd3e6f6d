"""Settings for publishing to a web host: absolute URLs for feeds, sitemap and canonical links."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("BULLETINS_SITEURL", "https://bulletins.example.org")
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
BULLETINS_PUBLIC_URL = SITEURL
DELETE_OUTPUT_DIRECTORY = True
