"""Sphinx configuration of the course website (``make book``).

``tools/build_book.py`` copies this folder next to book versions of the notebooks
(``chapters/NN_slug.ipynb``: teacher's notes removed, exercises as the student sees
them with the solution behind a toggle, sliders replaced by a note) and runs Sphinx on
it. The notebooks are never executed here: myst-nb renders their stored outputs.

Everything the pages load ships with the build: MathJax 3 comes from the PyPI package
``sphinx-mathjax-offline`` (copied into ``_static/mathjax``), the theme's fonts and
scripts from ``sphinx-book-theme``. Nothing is fetched from a CDN.
"""

project = "Calculus for Deep Learning"
author = "the course authors"
copyright = "the course authors; MIT licence"
language = "en"

extensions = [
    "myst_nb",
    "sphinx-mathjax-offline",  # MathJax 3.2 as static files; sets mathjax_path
]

# -- sources -----------------------------------------------------------------
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
html_static_path = ["_static"]
html_css_files = ["book.css"]
html_js_files = ["book.js"]        # search without summaries on file:// (see the file)

# -- notebooks: stored outputs only ------------------------------------------
nb_execution_mode = "off"          # never run a notebook; the stored outputs are the book
nb_ipywidgets_js = {}              # widget views are removed by build_book; load no widget JS (CDN)
nb_merge_streams = True
nb_output_stderr = "show"
nb_code_prompt_show = "Show {type}"
nb_code_prompt_hide = "Hide {type}"
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

# -- math: offline MathJax 3 -------------------------------------------------
mathjax_path = "mathjax/tex-chtml.js"
mathjax3_config = {
    # the menu would offer speech and explorer modules loaded on demand; the book
    # keeps to typesetting, so nothing is loaded after the page
    "options": {"enableMenu": False},
}

# -- HTML --------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = project
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = False
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "navigation_with_keys": False,
    "footer_content_items": ["copyright.html"],
    "navbar_persistent": [],
    "search_bar_text": "Search the course...",
}
# light by default (the figures are drawn on white); the reader can switch. Setting it also
# keeps the theme from logging "invalid theme mode" to the console on a first visit.
html_context = {"default_mode": "light"}
