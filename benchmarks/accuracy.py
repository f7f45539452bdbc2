"""Accuracy of numerical derivatives on the course's ten test cases.

Prints the relative error of f'(x) for calclib's central difference (default
step), Richardson extrapolation and complex step, next to numdifftools and
scipy.differentiate with their defaults, all measured in this run. Then one
summary line per method against the course's targets:

* central difference: <= 1e-8 where x is of order 1 (0.1 <= |x| <= 10);
* Richardson: <= 1e-12 on all ten;
* complex step: <= 1e-14 on all ten.

Run: ``.venv/bin/python benchmarks/accuracy.py`` (exit status 1 if a calclib
target is missed). A method that fails or returns nan shows ``nan``.
"""
from __future__ import annotations

import pathlib
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from calclib.differentiate import central_difference, complex_step, richardson  # noqa: E402
from calclib.functions import ACCURACY_CASES  # noqa: E402

TARGETS = {"central": 1e-8, "richardson": 1e-12, "complex": 1e-14}


def _numdifftools(f, x):
    import numdifftools

    return numdifftools.Derivative(f)(x)


def _scipy(f, x):
    from scipy.differentiate import derivative

    return derivative(f, x).df


METHODS = {
    "central": lambda f, x: central_difference(f, x),
    "richardson": lambda f, x: richardson(f, x).df,
    "complex": lambda f, x: complex_step(f, x),
    "numdifftools": _numdifftools,
    "scipy": _scipy,
}


def relative_error(method, case):
    """Relative error of one method on one case; nan if it fails or gives nan."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")  # third-party warnings (e.g. nan steps) stay quiet
            df = float(np.asarray(method(case.f, case.x)))
    except Exception:  # a library refusing a case counts as a failure, shown as nan
        return float("nan")
    exact = float(case.df(case.x))
    return abs(df - exact) / abs(exact)


def main():
    start = time.perf_counter()
    errors = {name: [relative_error(m, c) for c in ACCURACY_CASES] for name, m in METHODS.items()}
    elapsed = time.perf_counter() - start

    names = list(METHODS)
    print("Relative error of f'(x), default settings, measured in this run")
    print(f"{'case':<12}" + "".join(f"{n:>14}" for n in names))
    for k, case in enumerate(ACCURACY_CASES):
        print(f"{case.name:<12}" + "".join(f"{errors[n][k]:>14.1e}" for n in names))
    print()

    ok = True
    for name in names:
        errs = np.array(errors[name])
        worst = np.max(errs) if not np.any(np.isnan(errs)) else np.nan
        n_nan = int(np.sum(np.isnan(errs)))
        line = f"{name:<12} max error {worst:8.1e}"
        if n_nan:
            line += f" ({n_nan} nan; {np.nanmax(errs):.1e} on the rest)"
        if name == "central":
            scope = np.array([c.x_of_order_one for c in ACCURACY_CASES])
            worst = np.max(errs[scope])
            passed = bool(worst <= TARGETS[name])
            line = f"{name:<12} max error {worst:8.1e} where 0.1 <= |x| <= 10 (all ten: {np.max(errs):.1e})"
            line += f"   target <= {TARGETS[name]:.0e}: {'PASS' if passed else 'FAIL'}"
            ok &= passed
        elif name in TARGETS:
            passed = bool(worst <= TARGETS[name])  # nan compares False: a nan fails
            line += f"   target <= {TARGETS[name]:.0e} on all ten: {'PASS' if passed else 'FAIL'}"
            ok &= passed
        else:
            within = int(np.sum(errs <= TARGETS["richardson"]))
            line += f"   reference: <= {TARGETS['richardson']:.0e} on {within}/{len(errs)}"
        print(line)
    print(f"\n{len(ACCURACY_CASES)} cases x {len(names)} methods in {elapsed:.2f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
