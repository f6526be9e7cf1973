# Stub of CPython's test package for pyish: only what test.test_asyncio needs.
