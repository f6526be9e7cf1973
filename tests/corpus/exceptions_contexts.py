"""Exceptions and context managers: a custom hierarchy, chaining with
'from', re-raising, try/except/else/finally flow, class-based and
generator-based context managers, and suppression."""

import sys


class AppError(Exception):
    """Base of this application's errors."""

    code = 1

    def __init__(self, message, *, detail=None):
        super().__init__(message)
        self.detail = detail

    def __str__(self):
        base = super().__str__()
        return f"{base} ({self.detail})" if self.detail else base


class ConfigError(AppError):
    code = 2


class MissingKey(ConfigError, KeyError):
    code = 3


class ValidationError(AppError):
    def __init__(self, field, problem):
        super().__init__(f"{field}: {problem}", detail="validation")
        self.field = field


def lookup(config, key):
    try:
        return config[key]
    except KeyError as exc:
        raise MissingKey(f"missing key {key!r}") from exc


def parse_port(text):
    try:
        port = int(text)
    except ValueError:
        raise ValidationError("port", f"not a number: {text!r}") from None
    if not 0 < port < 65536:
        raise ValidationError("port", f"out of range: {port}")
    return port


def load(config):
    host = lookup(config, "host")
    port = parse_port(lookup(config, "port"))
    return host, port


def flow(value):
    steps = []
    try:
        steps.append("try")
        if value == "raise":
            raise ValueError("requested")
        if value == "return":
            return steps
    except ValueError as exc:
        steps.append(f"except {exc}")
    else:
        steps.append("else")
    finally:
        steps.append("finally")
    steps.append("after")
    return steps


def finally_overrides():
    try:
        return "from try"
    finally:
        print("finally runs before the return completes")


def nested_handlers():
    log = []
    try:
        try:
            {}["x"]
        except KeyError:
            log.append("inner caught KeyError")
            raise
        finally:
            log.append("inner finally")
    except LookupError as exc:
        log.append(f"outer caught {type(exc).__name__}")
    return log


def implicit_chain():
    try:
        try:
            1 / 0
        except ZeroDivisionError:
            int("nope")
    except ValueError as exc:
        return type(exc.__context__).__name__, exc.__suppress_context__


def loop_control():
    out = []
    for i in range(5):
        try:
            if i == 1:
                continue
            if i == 3:
                break
            out.append(i)
        finally:
            out.append(f"f{i}")
    else:
        out.append("no break")
    return out


class Timer:
    def __init__(self, name, log):
        self.name = name
        self.log = log

    def __enter__(self):
        self.log.append(f"enter {self.name}")
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        outcome = "ok" if exc_type is None else exc_type.__name__
        self.log.append(f"exit {self.name}: {outcome}")
        return False


class Suppress:
    def __init__(self, *exceptions):
        self.exceptions = exceptions
        self.caught = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and issubclass(exc_type, self.exceptions):
            self.caught = exc
            return True
        return False


class GeneratorContext:
    """What contextlib.contextmanager does, written out by hand."""

    def __init__(self, gen):
        self.gen = gen

    def __enter__(self):
        return next(self.gen)

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            try:
                next(self.gen)
            except StopIteration:
                return False
            raise RuntimeError("generator didn't stop")
        try:
            self.gen.throw(exc)
        except StopIteration:
            return True
        except BaseException as raised:
            if raised is exc:
                return False
            raise
        raise RuntimeError("generator didn't stop after throw()")


def contextmanager(func):
    def helper(*args, **kwargs):
        return GeneratorContext(func(*args, **kwargs))
    return helper


@contextmanager
def tag(name, out):
    out.append(f"<{name}>")
    try:
        yield name.upper()
    except ZeroDivisionError:
        out.append("(division error swallowed)")
    finally:
        out.append(f"</{name}>")


@contextmanager
def transaction(store):
    snapshot = dict(store)
    try:
        yield store
    except Exception:
        store.clear()
        store.update(snapshot)
        raise


def main():
    configs = [
        {"host": "localhost", "port": "8080"},
        {"host": "localhost"},
        {"host": "localhost", "port": "http"},
        {"host": "localhost", "port": "99999"},
    ]
    for config in configs:
        try:
            print("loaded", load(config))
        except MissingKey as exc:
            print(f"code {exc.code}:", exc, "| cause:", repr(exc.__cause__),
                  "| is KeyError:", isinstance(exc, KeyError))
        except ValidationError as exc:
            print(f"code {exc.code}: field={exc.field}", exc, exc.__cause__)
        except AppError:
            print("unexpected app error")
            raise

    for value in ("ok", "raise", "return"):
        print(value, flow(value))
    print(finally_overrides())
    print(nested_handlers())
    print(implicit_chain())
    print(loop_control())

    log = []
    with Timer("outer", log) as outer, Timer("inner", log):
        log.append(f"body of {outer.name}")
    try:
        with Timer("failing", log):
            raise IndexError("out of range")
    except IndexError:
        log.append("handled IndexError")
    print(log)

    with Suppress(KeyError, IndexError) as s:
        [][1]
    print("suppressed:", repr(s.caught))
    try:
        with Suppress(KeyError):
            raise TypeError("not suppressed")
    except TypeError as exc:
        print("escaped:", exc)

    out = []
    with tag("div", out) as upper:
        out.append(upper)
        with tag("p", out):
            out.append(str(1 / 0))
    print("".join(out))

    store = {"a": 1}
    try:
        with transaction(store) as s:
            s["a"] = 2
            s["b"] = 3
            raise ValueError("rollback")
    except ValueError:
        pass
    print(store)

    errors = [ValueError("v"), TypeError("t"), KeyError("k"), StopIteration(5)]
    for err in errors:
        try:
            raise err
        except (ValueError, TypeError) as exc:
            print("value/type:", exc)
        except LookupError as exc:
            print("lookup:", exc)
        except Exception as exc:
            print("other:", type(exc).__name__, exc.args)

    try:
        assert len(store) == 5, f"store has {len(store)} entries"
    except AssertionError as exc:
        print("assertion:", exc)

    try:
        sys.exit(3)
    except SystemExit as exc:
        print("exit code", exc.code)


if __name__ == "__main__":
    main()
