"""Same outputs on every machine: the notebook checks re-run on other floating-point paths.

The stored reference outputs (``notebooks/*.ipynb``) must not depend on the CPU,
the BLAS kernel or the number of threads. An auditor's machine differs from
the one that made them, so this test re-runs the nbval notebook checks in a
subprocess with environment variables that change the numeric code paths:

* ``OPENBLAS_CORETYPE`` chooses OpenBLAS's kernels for another CPU (``Prescott``:
  plain SSE3 instead of AVX2/AVX-512 with FMA; ``Haswell``: AVX2 with FMA);
* ``OPENBLAS_NUM_THREADS`` changes how sums are split across threads;
* ``NPY_DISABLE_CPU_FEATURES`` turns off NumPy's optimised SIMD loops beyond the
  baseline, as on an older x86-64 CPU.

A value that depends on the path (for example ``-0.00`` against ``0.00``, or a
last digit) makes an output differ from its reference, and the test fails
here, in CI, instead of on an auditor's machine. Run time: about 1.5 minutes per
variation.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from evalkit import paths

VARIATIONS = {
    "sse-one-thread": {
        "OPENBLAS_CORETYPE": "Prescott",
        "OPENBLAS_NUM_THREADS": "1",
        "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL",
    },
    "avx2-two-threads": {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_NUM_THREADS": "2"},
}


def nbval_command() -> list[str]:
    """The README's notebook checks (nbval on notebooks/), in one process, without the default options."""
    return [sys.executable, "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider", "--nbval", "-q", "notebooks"]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(VARIATIONS))
def test_notebook_outputs_do_not_depend_on_the_floating_point_path(name):
    environment = {**os.environ, **VARIATIONS[name]}
    environment.pop("PYTEST_XDIST_WORKER", None)
    completed = subprocess.run(
        nbval_command(), cwd=paths.PROJECT_ROOT, env=environment, capture_output=True, text=True, timeout=1800
    )
    assert completed.returncode == 0, f"notebook outputs differ under {VARIATIONS[name]}:\n" + completed.stdout[-6000:]
