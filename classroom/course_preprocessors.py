"""nbgrader preprocessors for the course "Calculus for Deep Learning".

``make course`` copies this module next to the course's ``nbgrader_config.py``,
which puts it first in the pipelines of ``nbgrader generate_assignment`` and
``nbgrader generate_feedback``. It keeps out of what students receive
(``release/`` and ``feedback/``):

* the teacher's notes: cells tagged ``solution-only``;
* the stored widget state (notebook metadata ``widgets``): the teacher
  notebooks store it with their outputs (rendered figures, about 100 KB), and
  an autograded notebook gets a new one when nbgrader runs its sliders.

Cells that nbgrader grades or that students answer cannot be teacher's notes:
tagging one ``solution-only`` stops the pipeline with an error naming the cell,
instead of silently dropping its points.

Notes
-----
The notebooks and nbgrader's own preprocessors are untouched: these run on
nbgrader's in-memory copy of each notebook.
"""
from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, List, Unicode

__all__ = ["TEACHER_TAG", "StripTeacherContent", "TeacherContentError", "with_preprocessor"]

#: The tag of a teacher's note (the same tag ``make student`` removes).
TEACHER_TAG = "solution-only"


class TeacherContentError(ValueError):
    """A cell tagged as a teacher's note is also a cell nbgrader grades or students answer."""


class StripTeacherContent(Preprocessor):
    """Remove teacher's notes and stored widget state from a notebook.

    Parameters
    ----------
    remove_tags : list of str, optional
        Cells with any of these tags are removed (default ``["solution-only"]``).
    enabled : bool, optional
        On by default (nbconvert's own preprocessors are off by default).

    Raises
    ------
    TeacherContentError
        If a removed cell carries nbgrader ``grade``, ``solution`` or ``task``
        metadata: removing it would remove points or an answer.

    Examples
    --------
    >>> import nbformat
    >>> v4 = nbformat.v4
    >>> nb = v4.new_notebook(cells=[v4.new_markdown_cell("# Exercises"),
    ...                             v4.new_markdown_cell("Answer: 2x", metadata={"tags": ["solution-only"]})],
    ...                      metadata={"widgets": {"application/vnd.jupyter.widget-state+json": {}}})
    >>> out, _ = StripTeacherContent().preprocess(nb, {})
    >>> [c.source for c in out.cells], "widgets" in out.metadata
    (['# Exercises'], False)
    >>> graded = v4.new_code_cell('check("1.1", f)', metadata={"tags": ["solution-only"],
    ...     "nbgrader": {"grade": True, "grade_id": "check-1-1", "points": 1}})
    >>> StripTeacherContent().preprocess(v4.new_notebook(cells=[graded]), {})
    Traceback (most recent call last):
    ...
    course_preprocessors.TeacherContentError: cell 0 (check-1-1) is tagged 'solution-only' (a teacher's note, removed from what students get) but nbgrader grades it or students answer it; remove the tag or the cell's nbgrader metadata
    """

    enabled = Bool(True, help="Whether to run this preprocessor.").tag(config=True)
    remove_tags = List(
        Unicode(), default_value=[TEACHER_TAG], help="Cells with any of these tags are removed."
    ).tag(config=True)

    def preprocess(self, nb, resources):
        """Return `nb` without the tagged cells and without ``metadata.widgets``."""
        drop = set(self.remove_tags)
        kept = []
        for index, cell in enumerate(nb.cells):
            if not drop.intersection(cell.get("metadata", {}).get("tags", [])):
                kept.append(cell)
                continue
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if any(meta.get(key) for key in ("grade", "solution", "task")):
                where = f"cell {index}" + (f" ({meta['grade_id']})" if meta.get("grade_id") else "")
                raise TeacherContentError(
                    f"{where} is tagged {TEACHER_TAG!r} (a teacher's note, removed from what students get) "
                    "but nbgrader grades it or students answer it; remove the tag or the cell's nbgrader metadata"
                )
        nb.cells = kept
        nb.metadata.pop("widgets", None)
        return nb, resources


def with_preprocessor(converter, preprocessor):
    """Return `converter`'s default preprocessor list with `preprocessor` in front.

    It goes right after nbgrader's ``IncludeHeaderFooter`` when the list has
    it (so a header or footer notebook is cleaned too), else first.

    Parameters
    ----------
    converter : type
        An nbgrader converter class, e.g. ``nbgrader.converters.GenerateAssignment``.
    preprocessor : type
        The preprocessor class to add.

    Returns
    -------
    list
        The new list, for ``c.<Converter>.preprocessors``.

    Examples
    --------
    >>> from nbgrader.converters import GenerateAssignment, GenerateFeedback
    >>> names = [p.__name__ for p in with_preprocessor(GenerateAssignment, StripTeacherContent)]
    >>> names[:3]
    ['IncludeHeaderFooter', 'StripTeacherContent', 'InstantiateTests']
    >>> [p.__name__ for p in with_preprocessor(GenerateFeedback, StripTeacherContent)]
    ['StripTeacherContent', 'GetGrades', 'CSSHTMLHeaderPreprocessor']
    """
    default = [p for p in converter.class_traits()["preprocessors"].default() if p is not preprocessor]
    names = [getattr(p, "__name__", str(p).rsplit(".", 1)[-1]) for p in default]
    at = names.index("IncludeHeaderFooter") + 1 if "IncludeHeaderFooter" in names else 0
    return default[:at] + [preprocessor] + default[at:]
