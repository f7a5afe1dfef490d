"""Start an IPython kernel that dies with the worker that started it.

The private kernelspec of ``evalkit run`` (:func:`evalkit.report.execute.kernelspec`)
launches ``python -m evalkit.report.kernel_launcher -f {connection_file}``
instead of ``ipykernel_launcher``: the same kernel, after
:func:`evalkit.report.lifetime.die_with_parent`, so that a killed run leaves no kernel behind.
"""

from __future__ import annotations

if __name__ == "__main__":
    import sys

    from evalkit.report.lifetime import die_with_parent

    if sys.path and sys.path[0] == "":  # as ipykernel_launcher does
        del sys.path[0]

    die_with_parent()
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
