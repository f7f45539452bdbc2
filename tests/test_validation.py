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


# ---------------------------------------------------------------- issue 9: the pieces of the package's rule
import math  # noqa: E402
import warnings  # noqa: E402

from calclib._validation import (MAX_POINTS, AccuracyWarning, as_real_output, check_at_most, check_real,  # noqa: E402
                                 quiet_numpy)


@pytest.mark.parametrize("x, exc, match", [
    ("0.1", TypeError, r"^`x` must be a real number or an array of real numbers, got str '0\.1'$"),
    (None, TypeError, "^`x` must be a real number or an array of real numbers, got None"),
    (b"1", TypeError, "^`x` must be a real number"),
    (1 + 2j, TypeError, r"^`x` must be real, got complex \(1\+2j\)$"),
    (np.array([1.0 + 0j]), TypeError, "^`x` must be real, got complex"),
    ([1.0, None], TypeError, "^`x` must be a real number or an array"),  # numpy would turn None into nan
    ([[1.0], [1.0, 2.0]], TypeError, "^`x` must be a real number or an array"),
    (10**400, ValueError, "^`x` must be finite, got a number beyond the largest float64"),
])
def test_as_float_array_refuses_what_numpy_would_silently_convert(x, exc, match):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # np.asarray(complex, dtype=float) would warn and drop the imaginary part
        with pytest.raises(exc, match=match):
            as_float_array(x)


def test_as_float_array_finite_option():
    assert as_float_array([True, 2], finite=True).tolist() == [1.0, 2.0]
    with pytest.raises(ValueError, match=r"^`x` must be finite, got inf$"):
        as_float_array(np.inf, finite=True)
    with pytest.raises(ValueError, match=r"^`x` must be finite, got nan at index \(1, 0\)$"):
        as_float_array([[1.0], [np.nan]], finite=True)
    assert np.isnan(as_float_array(np.nan))  # without finite=True it only converts


@pytest.mark.parametrize("value, match", [
    (None, r"^`f` must return a real number or an array of real numbers, got None \(is a `return` missing\?\)$"),
    ("1.5", r"^`f` must return a real number or an array of real numbers, got str '1\.5'$"),
    (1j, r"^`f` must return real numbers, got complex 1j$"),
    ([1.0, None], r"^`f` must return a real number or an array of real numbers, got list \[1\.0, None\]$"),
    (object(), "^`f` must return a real number"),
])
def test_as_real_output_names_the_function(value, match):
    with pytest.raises(TypeError, match=match):
        as_real_output(value)


def test_as_real_output_converts_numbers():
    assert as_real_output(True).dtype == float and as_real_output([1, 2]).tolist() == [1.0, 2.0]
    assert as_real_output(np.array([1 + 2j]), allow_complex=True).dtype == complex
    with pytest.raises(TypeError, match=r"^`grad` must return a number or an array of numbers, got None"):
        as_real_output(None, "grad", allow_complex=True)


def test_check_real():
    assert check_real(np.float32(0.5), "lr") == 0.5 and check_real(3, "lr", minimum=0) == 3.0
    with pytest.raises(TypeError, match="^`lr` must be a real number, got str '0.1'$"):
        check_real("0.1", "lr")
    with pytest.raises(TypeError, match="^`lr` must be a real number, got bool True$"):
        check_real(True, "lr")
    with pytest.raises(ValueError, match="^`lr` must be finite, got inf$"):
        check_real(10**400, "lr")
    with pytest.raises(ValueError, match=r"^`lr` must be >= 0, got -1\.0$"):
        check_real(-1, "lr", minimum=0)


def test_check_at_most_gives_the_limit_and_why():
    assert check_at_most(MAX_POINTS, MAX_POINTS, "n", "...") == MAX_POINTS
    with pytest.raises(ValueError, match=r"^`n` must be at most 100000 \(a larger value would need 0\.0745 GiB\), "
                                         r"got 10000000$"):
        check_at_most(10_000_000, 100_000, "n", "need 0.0745 GiB")
    with pytest.raises(TypeError, match="^`n` must be a number, got str"):
        check_at_most("5", 10, "n", "...")


def test_quiet_numpy_turns_warnings_off_inside_the_call_only():
    @quiet_numpy
    def log_of(x):
        """Docstring kept."""
        return np.log(x)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isneginf(log_of(0.0))
        with pytest.raises(RuntimeWarning):
            np.log(np.float64(0.0))  # outside, numpy warns as before
    assert log_of.__name__ == "log_of" and log_of.__doc__ == "Docstring kept."
    with pytest.raises(TypeError, match="^`func` must be callable"):
        quiet_numpy(None)


def test_accuracy_warning_is_a_user_warning_that_can_be_filtered():
    assert issubclass(AccuracyWarning, UserWarning)
    with pytest.warns(AccuracyWarning, match="pass a smaller `h`"):
        warnings.warn("the estimate may be off by 1e-6; pass a smaller `h`", AccuracyWarning)


def test_messages_never_overflow_when_showing_a_point():
    with pytest.raises(ValueError, match=r"`f` returned nan at x=\[1e\+300, 1\.0\]"):
        check_finite_output(np.nan, [1e300, 1.0])  # np.round(1e300, 12) would print inf
    assert not math.isnan(check_finite_output(np.inf, 0.0))


def test_check_step_and_check_interval_take_huge_ints():
    with pytest.raises(ValueError, match="`h` must be positive and finite, got inf"):
        check_step(10**400)
    with pytest.raises(ValueError, match="`b` must be finite, got inf"):
        check_interval(0, 10**400)
    with pytest.raises(TypeError, match="`a` must be a real number, got an array of shape ragged"):
        check_interval([[1.0], [1.0, 2.0]], 1)
