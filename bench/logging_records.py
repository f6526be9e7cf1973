# pyish bench (at): the logging module (as pyperformance's bm_logging): a
# logger below its level (silent calls), plain messages and %-formatted
# ones through a StreamHandler into an io.StringIO, default and custom
# Formatter (levelname, name, message, module, funcName, lineno).
import io
import logging

N = 100000
ROUNDS = 3

MESSAGE = "some important information to be logged"


def run(logger, stream, n):
    stream.seek(0)
    stream.truncate()
    for i in range(n):
        logger.debug(MESSAGE)
        logger.debug("value %d", i)
    for i in range(n // 10):
        logger.warning(MESSAGE)
        logger.warning("important: %s %d", MESSAGE, i)
        logger.error("error %r", i)
    return stream.getvalue()


stream = io.StringIO()
handler = logging.StreamHandler(stream=stream)
logger = logging.getLogger("benchlogger")
logger.propagate = False
logger.addHandler(handler)
logger.setLevel(logging.WARNING)

stream2 = io.StringIO()
handler2 = logging.StreamHandler(stream=stream2)
handler2.setFormatter(logging.Formatter("%(levelname)s:%(name)s:%(module)s:%(funcName)s: %(message)s"))
logger2 = logging.getLogger("benchlogger.fmt")
logger2.propagate = False
logger2.addHandler(handler2)
logger2.setLevel(logging.WARNING)

total = 0
lines = 0
for r in range(ROUNDS):
    out = run(logger, stream, N)
    out2 = run(logger2, stream2, N)
    lines += len(out.splitlines()) + len(out2.splitlines())
    total += len(out) + len(out2)
print(out2.splitlines()[-1])
print("logging_records: lines=%d chars=%d" % (lines, total))
