"""Stub of test.support.script_helper: pyish's tests do not start a Python
subprocess, so a test that does is skipped."""
import unittest


def assert_python_ok(*args, **env_vars):
    raise unittest.SkipTest("pyish: running a child interpreter is not supported here")


def assert_python_failure(*args, **env_vars):
    raise unittest.SkipTest("pyish: running a child interpreter is not supported here")


def run_python_until_end(*args, **env_vars):
    raise unittest.SkipTest("pyish: running a child interpreter is not supported here")


def spawn_python(*args, **kw):
    raise unittest.SkipTest("pyish: running a child interpreter is not supported here")
