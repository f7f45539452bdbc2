"""calclib.plots.base and calclib.style: sliders, explorers, small multiples, the course style."""
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from calclib import plots, style  # noqa: E402
from calclib.plots import base  # noqa: E402


def test_power_of_ten_tick_labels():
    assert base.power_of_ten(1e-5) == "10\u207b\u2075"
    assert base.power_of_ten(10.0) == "10\u00b9"


def test_small_multiples_layout_and_validation():
    fig, res = plots.small_multiples(lambda ax, h: plots.plot_secant(ax, np.sin, 0.0, h),
                                     [{"h": h} for h in (1.0, 0.5, 0.2, 0.1, 0.05)], ncols=3)
    assert len(res) == 5 and sum(a.get_visible() for a in fig.axes) == 5
    assert fig.get_size_inches()[0] <= 10.5       # readable at JupyterLab's width
    plt.close(fig)
    with pytest.raises(ValueError, match="`params`"):
        plots.small_multiples(lambda ax: None, [])
    with pytest.raises(ValueError, match="`ncols`"):
        plots.small_multiples(lambda ax: None, [{}], ncols=0)
    with pytest.raises(TypeError, match="`draw`"):
        plots.small_multiples(3, [{}])


def test_slider_snaps_and_lists_its_positions():
    s = plots.Slider("h", 0.05, 1.0, 0.05, 0.33)
    assert s.value == 0.35
    assert s.positions()[0] == 0.05 and s.positions()[-1] == 1.0 and len(s.positions()) == 20
    assert s.values(3)[0] == 0.05 and s.values(3)[-1] == 1.0 and s.values(3)[1] in s.positions()
    log = plots.Slider("h", -3.0, 0.0, 0.5, 0.03, log=True)
    assert log.values(7) == pytest.approx([1e-3, 10**-2.5, 1e-2, 10**-1.5, 0.1, 10**-0.5, 1.0])
    with pytest.raises(ValueError, match="`max` must be larger"):
        plots.Slider("h", 1.0, 0.0, 0.1, 0.5)
    with pytest.raises(ValueError, match="`step` must be positive"):
        plots.Slider("h", 0.0, 1.0, 0.0, 0.5)
    with pytest.raises(ValueError, match="`value` must be positive"):
        plots.Slider("h", -3.0, 0.0, 0.5, -1.0, log=True)


def test_explorer_renders_svg_by_default_and_png_on_request():
    ex = plots.secant_explorer(np.sin)
    mime, data = ex.image()
    assert mime == "image/svg+xml" and data.lstrip().startswith(("<?xml", "<svg"))
    assert "<text" in data                      # text kept as text: sharp at any zoom
    assert ex.image() == (mime, data)            # stable: no date, fixed ids
    png = plots.Explorer(ex._draw, ex.sliders, fmt="png").image()
    assert png[0] == "image/png" and png[1][:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[1][16:20], "big")
    assert width == 2 * round(ex.figsize[0] * style.DPI)   # 2x for high-density screens
    with pytest.raises(ValueError, match="`fmt`"):
        plots.Explorer(ex._draw, ex.sliders, fmt="gif")
    with pytest.raises(TypeError, match="unknown slider"):
        ex.render(y=1.0)
    assert plt.get_fignums() == []              # image() closes what it drew


def test_explorer_show_displays_the_image(capsys):
    ex = plots.secant_explorer(np.sin)
    ex.show(x=0.0, h=0.5)                       # outside IPython, display prints the text form
    assert "<figure: x=0, h=0.5>" in capsys.readouterr().out
    assert plt.get_fignums() == []


def test_corner_box_avoids_the_data():
    fig, ax = plt.subplots()
    t = np.linspace(0, 1, 50)
    ax.plot(t, t)                                # a diagonal from lower left to upper right
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    _, corner = base.corner_box(ax, "some text\nsecond line", [(t, t)])
    assert corner in ("upper left", "lower right")
    _, corner2 = base.corner_box(ax, "more", [(t, t)], avoid=(corner,))
    assert corner2 != corner
    plt.close(fig)


def test_course_style_sets_appearance_only():
    style.use_course_style()
    rc = matplotlib.rcParams
    assert rc["axes.prop_cycle"].by_key()["color"][1] == style.PALETTE["vermillion"]
    assert rc["figure.dpi"] == style.DPI and rc["xtick.labelsize"] == style.TICK_LABEL_PT
    assert rc["figure.constrained_layout.use"] is False      # layout stays per figure
    assert style.TICK_LABEL_PT * style.DPI / 72 >= 10 * 1.15   # 10 px even when scaled to 87 %


def test_style_never_breaks_a_figure_that_places_its_own_axes():
    """The old style turned on constrained layout globally, and a graph drawing then warned at
    draw time; run both in a fresh interpreter, in that order, with warnings as errors."""
    code = (
        "import warnings; warnings.simplefilter('error')\n"
        "import matplotlib; matplotlib.use('Agg')\n"
        "import matplotlib.pyplot as plt\n"
        "from calclib import style; style.use_course_style()\n"
        "fig = plt.figure(); ax = fig.add_axes([0.05, 0.05, 0.9, 0.9]); ax.plot([0, 1])\n"
        "fig.colorbar(ax.imshow([[0, 1]]), ax=ax)\n"
        "fig.canvas.draw(); print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_course_style_context_restores_settings():
    before = dict(matplotlib.rcParams)
    with style.course_style(dpi=50):
        assert matplotlib.rcParams["figure.dpi"] == 50
    assert matplotlib.rcParams["figure.dpi"] == before["figure.dpi"]
