"""calclib._validation: the shared argument checks and their messages."""
import numpy as np
import pytest

from calclib._validation import (as_float_array, check_callable, check_finite_output, check_int,
                                 check_interval, check_step)


def test_check_callable():
    assert check_callable(np.sin) is np.sin
    with pytest.raises(TypeError, match=r"`g` must be callable, got float 1\.5"):
        check_callable(1.5, "g")


@pytest.mark.parametrize("h", [0, -0.1, np.inf, np.nan])
def test_check_step_refuses_non_positive_or_non_finite(h):
    with pytest.raises(ValueError, match="`h` must be positive and finite"):
        check_step(h)


def test_check_step_accepts_and_converts():
    assert check_step(None) is None
    assert check_step(np.float32(0.5)) == 0.5 and isinstance(check_step(1), float)
    assert np.allclose(check_step([0.1, 0.2]), [0.1, 0.2])
    with pytest.raises(ValueError, match="`h` must be positive and finite"):
        check_step([0.1, -0.2])
    with pytest.raises(TypeError, match="`h` must be a positive real number"):
        check_step("small")
    with pytest.raises(TypeError, match="`h`"):
        check_step(True)
    with pytest.raises(ValueError, match="`h`"):
        check_step(None, allow_none=False)


def test_check_int():
    assert check_int(3) == 3 and check_int(4.0) == 4 and check_int(np.int64(2)) == 2
    with pytest.raises(ValueError, match=r"`n` must be an integer >= 1, got 0"):
        check_int(0)
    with pytest.raises(TypeError, match="`n` must be an integer"):
        check_int(2.5)
    with pytest.raises(TypeError, match="`k` must be an integer >= 2"):
        check_int(True, "k", minimum=2)


def test_check_interval():
    assert check_interval(0, 1) == (0.0, 1.0)
    assert check_interval(1, 0) == (1.0, 0.0)          # reversed is allowed
    with pytest.raises(ValueError, match="`b` must be finite"):
        check_interval(0, np.inf)
    with pytest.raises(TypeError, match="`a` must be a real number"):
        check_interval("zero", 1)
    with pytest.raises(TypeError, match=r"`a` must be a real number, got an array of shape \(1,\)"):
        check_interval(np.array([1.0]), 2)


def test_as_float_array():
    assert as_float_array([1, 2]).dtype == float
    with pytest.raises(ValueError, match=r"`x` must be 1-D, got an array of shape \(2, 2\)"):
        as_float_array(np.eye(2), ndim=1)
    with pytest.raises(ValueError, match="`x` must be 0-D or 1-D"):
        as_float_array(np.eye(2), ndim=(0, 1))
    with pytest.raises(TypeError, match="`x` must be a real number or an array"):
        as_float_array("abc")


def test_check_finite_output():
    assert check_finite_output(1.0, 0.5) == 1.0
    assert check_finite_output(np.inf, 0.5) == np.inf
    with pytest.raises(ValueError, match=r"`f` returned nan at x=-1\.0; is x inside the domain of `f`\?"):
        check_finite_output(np.nan, -1.0)
