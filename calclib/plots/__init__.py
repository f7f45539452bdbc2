"""The drawing behind every figure of the course.

Each function draws one idea on a matplotlib ``Axes`` that you pass in and
returns a small result object with the numbers it drew, so that

* a notebook only wires sliders to it (``interact(ex.show, **ex.widgets())``),
* the same function makes the static small multiples (:func:`small_multiples`),
* tests check *what* is drawn (the secant passes through both points, the
  tangent touches the curve), not only that drawing runs.

The shared machinery (sliders, explorers, small multiples) is in
:mod:`calclib.plots.base`; each chapter's drawings are in their own module
(``ch01_change``, ``ch02_derivative``, ...), found here by name and imported,
so ``plots.tangent_explorer`` works whichever module holds it. Colours and
sizes come from :mod:`calclib.style`.
"""
from __future__ import annotations

import importlib
import pkgutil
import re

from ..style import PALETTE, course_style, use_course_style
from . import base
from .base import *  # noqa: F401,F403 - the shared machinery is part of this namespace

__all__ = ["PALETTE", "use_course_style", "course_style", "CHAPTER_MODULES", *base.__all__]

#: The chapter modules, in order: ``{"ch01_change": <module>, ...}``.
CHAPTER_MODULES = {}
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if re.fullmatch(r"ch\d\d_\w+", _info.name):
        _module = importlib.import_module(f"{__name__}.{_info.name}")
        CHAPTER_MODULES[_info.name] = _module
        for _name in _module.__all__:
            if _name in globals() and globals()[_name] is not getattr(_module, _name):
                raise ImportError(f"calclib.plots: {_name!r} is defined in two chapter modules")
            globals()[_name] = getattr(_module, _name)
        __all__ += list(_module.__all__)
del _info, _module, _name
