# Stub of CPython's concurrent package for the tests (pyish has none).
