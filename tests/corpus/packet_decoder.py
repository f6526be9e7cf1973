"""A small binary protocol decoder: frames of bytes parsed with struct,
dispatched with match statements, errors collected in ExceptionGroups."""
import struct
from dataclasses import dataclass, field


MAGIC = b"PY"


@dataclass
class Header:
    kind: int
    length: int


@dataclass
class Ping:
    seq: int


@dataclass
class Data:
    channel: int
    payload: bytes = field(repr=False)

    @property
    def text(self) -> str:
        return self.payload.decode("utf-8", errors="replace")


@dataclass
class Close:
    reason: str


class FrameError(ValueError):
    pass


def encode(kind: int, body: bytes) -> bytes:
    return MAGIC + struct.pack(">BH", kind, len(body)) + body


def split_frames(buf: bytes | bytearray | memoryview):
    view = memoryview(buf)
    while len(view) >= 5:
        if bytes(view[:2]) != MAGIC:
            raise FrameError(f"bad magic {bytes(view[:2])!r}")
        kind, length = struct.unpack_from(">BH", view, 2)
        if len(view) < 5 + length:
            raise FrameError(f"truncated frame: want {length}, have {len(view) - 5}")
        yield Header(kind, length), bytes(view[5:5 + length])
        view = view[5 + length:]


def decode(header: Header, body: bytes):
    match header, body:
        case Header(kind=1), bytes() if len(body) == 4:
            (seq,) = struct.unpack(">I", body)
            return Ping(seq)
        case Header(kind=2), b"":
            raise FrameError("empty data frame")
        case Header(kind=2), _:
            return Data(body[0], body[1:])
        case Header(kind=3), _:
            return Close(body.decode("ascii", "backslashreplace"))
        case Header(kind=k), _:
            raise FrameError(f"unknown kind {k:#04x}")


def describe(msg) -> str:
    match msg:
        case Ping(seq=s) if s % 2 == 0:
            return f"ping (even) #{s}"
        case Ping(seq=s):
            return f"ping #{s}"
        case Data(channel=0 | 1 as ch, text=t):
            return f"control[{ch}] {t!r}"
        case Data(channel=ch, payload=p):
            return f"data[{ch}] {p.hex(' ')}"
        case Close(reason=""):
            return "close"
        case Close(reason=r):
            return f"close: {r}"


def process(stream: bytes) -> list[str]:
    out, errors = [], []
    for header, body in split_frames(stream):
        try:
            out.append(describe(decode(header, body)))
        except FrameError as e:
            errors.append(e)
    if errors:
        raise ExceptionGroup("bad frames", errors)
    return out


def main() -> None:
    stream = b"".join([
        encode(1, struct.pack(">I", 7)),
        encode(1, struct.pack(">I", 8)),
        encode(2, b"\x00hello"),
        encode(2, bytes([5, 0xde, 0xad, 0xbe, 0xef])),
        encode(3, "bye\u00e9".encode("latin-1")),
        encode(3, b""),
    ])
    for line in process(stream):
        print(line)
    try:
        process(stream + encode(2, b"") + encode(9, b"?"))
    except* FrameError as eg:
        for e in eg.exceptions:
            print("error:", e)
    try:
        list(split_frames(bytearray(b"XX\x01\x00\x00")))
    except FrameError as e:
        print("error:", e)


if __name__ == "__main__":
    main()
