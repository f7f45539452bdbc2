"""The course's look: palette, figure sizes and fonts, in one place.

Plots, the computation-graph drawing and the exercise boxes all take their
colours from :data:`PALETTE` (Okabe-Ito: it stays distinguishable with the
common forms of colour blindness; lines also differ in style, so no message
rests on colour alone).

:func:`use_course_style` is called once in the set-up cell of every notebook.
It changes only settings that no figure of the course overrides (sizes, fonts,
colours, grid) and never a layout engine, so a figure that places its own axes
(such as :func:`calclib.graph.draw_graph`) draws the same whether or not the
style was set before it. Inside IPython it also asks the inline backend for
sharp figures: 2x PNG ("retina") with their display size stored beside them.

Sizes are chosen for the width JupyterLab gives an output at a 1280 px wide
window: a figure is at most about 10 inches wide at :data:`DPI` display dots
per inch, so tick labels of :data:`TICK_LABEL_PT` points show at least 10 px
high.
"""
from __future__ import annotations

import contextlib

__all__ = [
    "PALETTE", "CURVE", "SECANT", "TANGENT", "ACCENT", "STATUS_COLOURS",
    "DPI", "TICK_LABEL_PT", "FIGSIZE", "rc_params", "use_course_style", "course_style",
]

#: Okabe-Ito colour-blind-safe palette.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#999999",
}
CURVE = PALETTE["blue"]          # the function itself
SECANT = PALETTE["vermillion"]   # secants, errors, what is being estimated
TANGENT = PALETTE["green"]       # tangents, exact derivatives, predictions
ACCENT = PALETTE["orange"]

#: Exercise boxes: background tint, border, symbol. The status is always written out too.
STATUS_COLOURS = {
    "passed": ("#e3f2ec", PALETTE["green"], "\u2714"),
    "wrong": ("#fbe9e0", PALETTE["vermillion"], "\u2717"),
    "error": ("#fdf3dc", PALETTE["orange"], "!"),
    "too slow": ("#fdf3dc", PALETTE["orange"], "\u231b"),
    "not attempted": ("#eef0f2", PALETTE["grey"], "\u2026"),
}

#: Display dots per inch: 96, the CSS pixel density, so 1 pt is 4/3 px on screen.
DPI = 96
#: Tick labels in points: 9 pt = 12 px at DPI, still >= 10 px when JupyterLab scales a
#: 10-inch figure into a narrower output area.
TICK_LABEL_PT = 9.0
#: Default size of a one-panel figure, inches.
FIGSIZE = (7.2, 3.4)

_CYCLE = ["blue", "vermillion", "green", "orange", "purple", "sky", "black"]


def rc_params(*, figsize=FIGSIZE, dpi=DPI):
    """The matplotlib settings of the course, as a dict (nothing is changed).

    Examples
    --------
    >>> rc = rc_params()
    >>> rc["figure.dpi"], rc["xtick.labelsize"]
    (96, 9.0)
    >>> "figure.constrained_layout.use" in rc    # layout is chosen per figure, never globally
    False
    """
    from cycler import cycler

    return {
        "figure.figsize": figsize,
        "figure.dpi": dpi,
        "savefig.dpi": "figure",
        "axes.prop_cycle": cycler(color=[PALETTE[c] for c in _CYCLE]),
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.titlesize": 11.0,
        "axes.titley": 1.0,            # a fixed title position: placing it automatically costs a
                                       # layout pass per redraw (there are no top tick labels to avoid)
        "axes.labelsize": 10.0,
        "xtick.labelsize": TICK_LABEL_PT,
        "ytick.labelsize": TICK_LABEL_PT,
        "legend.fontsize": 9.0,
        "legend.framealpha": 0.85,
        "font.size": 10.0,
        "lines.linewidth": 2.0,
        "svg.fonttype": "none",        # SVG text stays text: small files, crisp at any zoom
        "svg.hashsalt": "calclib",     # stable ids, so a stored SVG does not change run to run
    }


def _ipython_inline_settings():
    """Ask the inline backend for 2x PNGs with their display size (only under IPython's inline backend)."""
    import matplotlib as mpl

    if "inline" not in mpl.get_backend():
        return False
    from matplotlib_inline import backend_inline

    backend_inline.set_matplotlib_formats("retina", bbox_inches="tight", pad_inches=0.08)
    return True


def use_course_style(*, figsize=FIGSIZE, dpi=DPI):
    """Set the course's matplotlib defaults (palette, size, fonts, grid) for this session.

    Called once in the set-up cell of every notebook. Only plain appearance
    settings change; layout is chosen per figure, so the order in which
    figures (or test files) run never changes how another one draws. In
    JupyterLab the inline backend is also asked for sharp 2x PNGs.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> use_course_style()
    >>> mpl.rcParams["axes.prop_cycle"].by_key()["color"][0] == PALETTE["blue"]
    True
    >>> mpl.rcParams["figure.constrained_layout.use"]
    False
    """
    import matplotlib as mpl

    mpl.rcParams.update(rc_params(figsize=figsize, dpi=dpi))
    _ipython_inline_settings()


@contextlib.contextmanager
def course_style(**kw):
    """The course's settings inside a ``with`` block only (tests, benchmarks, the book).

    Examples
    --------
    >>> import matplotlib as mpl
    >>> with course_style():
    ...     mpl.rcParams["figure.dpi"] == DPI
    True
    """
    import matplotlib as mpl

    with mpl.rc_context(rc_params(**kw)):
        yield
