"""Run a course notebook's code in this process and collect its figures and sliders.

Used by the figure tests (``tests/test_figures.py``) and the slider benchmark
(``benchmarks/slider_callbacks.py``), so both look at exactly what the notebooks
draw: ``interact`` is replaced by a recorder (the callback and its widgets are
kept, nothing is displayed), ``plt.show`` hands each finished static figure to
a function of the caller's, and the notebook's own printing is swallowed.
IPython magics (``%matplotlib inline``) are skipped.
"""
from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Interact", "NotebookFigures", "run_notebook_code"]


@dataclass
class Interact:
    """One ``interact(callback, **widgets)`` call of a notebook."""
    cell: int
    callback: object
    widgets: dict

    @property
    def explorer(self):
        """The calclib Explorer behind the callback (``interact(ex.show, ...)``), or None."""
        owner = getattr(self.callback, "__self__", None)
        return owner if type(owner).__name__ == "Explorer" else None


@dataclass
class NotebookFigures:
    path: Path
    interacts: list = field(default_factory=list)
    static: list = field(default_factory=list)       # (cell index, figure title or "")


def run_notebook_code(path, on_figure=None):
    """Execute the code cells of the notebook at `path` here; return what it drew.

    ``on_figure(fig, cell_index)`` is called for every figure the notebook
    shows with ``plt.show()``, before it is closed.
    """
    import ipywidgets
    import matplotlib.pyplot as plt

    path = Path(path)
    result = NotebookFigures(path)
    current = [0]

    def interact(callback, **widgets):
        result.interacts.append(Interact(current[0], callback, widgets))
        return callback

    def show(*args, **kwargs):
        for num in plt.get_fignums():
            fig = plt.figure(num)
            title = fig._suptitle.get_text() if fig._suptitle is not None else ""
            result.static.append((current[0], title))
            if on_figure is not None:
                on_figure(fig, current[0])
            plt.close(fig)

    namespace = {"__name__": "__notebook__"}
    saved = ipywidgets.interact, plt.show
    ipywidgets.interact, plt.show = interact, show
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for k, cell in enumerate(cells):
            if cell["cell_type"] != "code":
                continue
            current[0] = k
            source = "\n".join(line for line in "".join(cell["source"]).splitlines()
                               if not line.lstrip().startswith("%"))
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(source, f"{path.name}[{k}]", "exec"), namespace)  # noqa: S102 - our notebooks
    finally:
        ipywidgets.interact, plt.show = saved
        plt.close("all")
    return result
