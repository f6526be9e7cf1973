#!/usr/bin/env bash
# Runs CPython 3.11.7's own tests of standard library modules (test/test_re.py,
# test_os.py, ...: copies, see README.md) under pyish with pyish's unittest,
# through run.sh (same table, time limit, crash check and pass-rate
# threshold), one `pyish -m unittest -v test.test_NAME` per file.
# RESULTS-stdlib.md has the numbers and the files left out.
# Usage: run_stdlib.sh PYISH [THRESHOLD=90]; FILES="re os" to pick files.
here=$(cd "$(dirname "$0")" && pwd)
export PACKAGE=test
export FILES=${FILES:-"json re datetime argparse os posixpath pathlib shutil glob fnmatch tempfile csv struct base64 binascii hashlib time context traceback weakref shlex uuid dataclasses copy memoryio"}
export TIMEOUT=${TIMEOUT:-60}
exec bash "$here/run.sh" "$@"
