"""The kit of the pages people open in a browser: what the kiosk, the share
viewer, the depositor page and the staff pages have in common, so that each
page brings only its own screens, words and scripts.

- `i18n`: the languages of the interface and the loading of gettext catalogs
  (each page keeps its own catalogs; the kit only reads them);
- `categories`: the document categories' labels, one table for every page;
- `public_page`: a page opened from a link (PublicPage, link_page_router) and
  the skeleton its template extends (templates/public-page.html);
- `templates/page-head.html`: the head lines every page includes;
- `static/`, served at KIT_URL: request.js (one call to the API), strings.js
  (the one translation module), categories.js, dates.js (dates and times in
  the page's language), page.js (a public page's screens and language switch),
  pdf.js (the one PDF.js loader, with PDF.js vendored in static/vendor/pdfjs),
  zip.js (a zip archive made in the page: the kiosk's export, the viewer's
  "Download all"),
  tokens.css (the design tokens and the base of every page), public-page.css,
  and icons/ for the public pages' own pictograms (the common ones are the
  kiosk's, at /static/icons);
- `es_modules`: the ES module graph of each page, read from its imports, for
  its `<link rel="modulepreload">` hints (`module_preloads` in templates);
- `static_files`: how browsers keep static files (immutable with `?v=` and the
  file's hash, `static_url` in templates; revalidated otherwise).

It imports none of the pages (docs/design.md §4): only `wallet` and `crypto`, which
are below it. tests/unit/test_es_modules.py holds its scripts to the same rule.
"""

from __future__ import annotations

from pathlib import Path

KIT_DIR = Path(__file__).parent
# The templates every page's Jinja2 loader searches after its own folder.
KIT_TEMPLATES = KIT_DIR / "templates"
KIT_STATIC = KIT_DIR / "static"
KIT_URL = "/static/kit"
