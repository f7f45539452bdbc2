"""calclib: the small, tested helper package behind the course
*Calculus for Deep Learning*.

One module per idea:

========================  ==============================================
``calclib.differentiate``  finite differences, complex step, Richardson
``calclib.rules``          derivative rules as code (dual numbers)
``calclib.functions``      example functions with exact derivatives
``calclib.optimize``       gradient descent
``calclib.integrate``      Riemann sums, trapezoid, Simpson, Gauss, Monte Carlo
``calclib.autodiff``       reverse-mode autodiff (``Value``, ``Tensor``)
``calclib.nn``             a tiny multilayer perceptron
``calclib.graph``          drawing a computation graph with matplotlib
``calclib.plots``          the drawing behind every figure of the course
``calclib.exercises``      self-checking exercises (``check``)
========================  ==============================================

Modules are imported on first use, so ``import calclib`` stays cheap.
"""
import importlib

__version__ = "0.1.0"

_SUBMODULES = (
    "differentiate", "rules", "functions", "optimize", "integrate",
    "autodiff", "nn", "graph", "plots", "exercises",
)
__all__ = list(_SUBMODULES)


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'calclib' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))
