"""Stub of test.support.threading_helper: pyish has one thread, so there is
nothing to set up or to wait for."""


def threading_setup():
    return ()


def threading_cleanup(*original_values):
    pass
