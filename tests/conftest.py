"""Shared pytest configuration.

The fixture notebooks under tests/fixtures/ are inputs to the runner tests
(one fails on purpose); nbval must not collect them as notebook tests. The
reference notebooks nbval does collect re-execute whole chapters, so their
cells are marked ``slow``: ``pytest -m "not slow"`` is the quick loop.
"""

import pytest

collect_ignore_glob = ["fixtures/*", "fixtures/**/*"]


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb":  # an nbval cell: its notebook re-executes a whole chapter
            item.add_marker(pytest.mark.slow)
