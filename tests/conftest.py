"""Shared pytest configuration.

The fixture notebooks under tests/fixtures/ are inputs to the runner tests
(one fails on purpose); nbval must not collect them as notebook tests.
"""

collect_ignore_glob = ["fixtures/*", "fixtures/**/*"]
