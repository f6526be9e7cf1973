"""Stub of test.support.import_helper: import_module only."""
import importlib
import unittest


def import_module(name, deprecated=False, *, required_on=()):
    try:
        return importlib.import_module(name)
    except ImportError as msg:
        raise unittest.SkipTest(str(msg))
