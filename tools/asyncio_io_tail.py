
    # ---- pyish: what the C loop does not keep as CPython's loop does

    @property
    def _transports(self):
        d = self.__dict__.get('_pyish_transports')
        if d is None:
            d = self.__dict__['_pyish_transports'] = weakref.WeakValueDictionary()
        return d

    @property
    def _selector(self):
        # _test_selector_event asks the loop itself, unless code replaced the
        # selector (CPython's is a plain attribute: tests assign a mock)
        return self.__dict__.get('_pyish_selector', self)

    @_selector.setter
    def _selector(self, value):
        self.__dict__['_pyish_selector'] = value

    def _check_closed(self):
        if self.is_closed():
            raise RuntimeError('Event loop is closed')

    # names resolve on libuv's thread pool (the C _getaddrinfo_uv), not in
    # an executor: the loop keeps running meanwhile

    async def getaddrinfo(self, host, port, *,
                          family=0, type=0, proto=0, flags=0):
        if self.get_debug():
            msg = [f"{host}:{port!r}"]
            if family:
                msg.append(f'family={family!r}')
            if type:
                msg.append(f'type={type!r}')
            if proto:
                msg.append(f'proto={proto!r}')
            if flags:
                msg.append(f'flags={flags!r}')
            msg = ', '.join(msg)
            logger.debug('Get address info %s', msg)
            t0 = self.time()
        res = await self._getaddrinfo_uv(host, port, family, type, proto, flags)
        addrlist = [(socket._intenum_converter(af, socket.AddressFamily),
                     socket._intenum_converter(st, socket.SocketKind), pr, cn, sa)
                    for af, st, pr, cn, sa in res]
        if self.get_debug():
            dt = self.time() - t0
            msg = f'Getting address info {msg} took {dt * 1e3:.3f}ms: {addrlist!r}'
            if dt >= self.slow_callback_duration:
                logger.info(msg)
            else:
                logger.debug(msg)
        return addrlist

    async def _sendfile_native(self, transp, file, offset, count):
        raise exceptions.SendfileNotAvailableError("sendfile syscall is not supported")

    async def _sock_sendfile_native(self, sock, file, offset, count):
        raise exceptions.SendfileNotAvailableError("os.sendfile() is not available")

    # signals: libuv's signal watchers (the C _add_signal) instead of
    # signal.set_wakeup_fd and a self-pipe

    def add_signal_handler(self, sig, callback, *args):
        """Add a handler for a signal.  UNIX only.

        Raise ValueError if the signal number is invalid or uncatchable.
        Raise RuntimeError if there is a problem setting up the handler.
        """
        if (coroutines.iscoroutine(callback) or
                coroutines.iscoroutinefunction(callback)):
            raise TypeError("coroutines cannot be used "
                            "with add_signal_handler()")
        self._check_signal(sig)
        self._check_closed()
        if sig in (signal.SIGKILL, signal.SIGSTOP):
            raise RuntimeError(f'sig {sig:d} cannot be caught')
        self._add_signal(sig, callback, *args)
        # what signal.getsignal() tells, as with CPython's set_wakeup_fd scheme
        signal._handlers[int(sig)] = _sighandler_noop

    def remove_signal_handler(self, sig):
        """Remove a handler for a signal.  UNIX only.

        Return True if a signal handler was removed, False if not.
        """
        self._check_signal(sig)
        if not self._remove_signal(sig):
            return False
        if sig == signal.SIGINT:
            handler = signal.default_int_handler
        else:
            handler = signal.SIG_DFL
        try:
            signal.signal(sig, handler)
        except OSError as exc:
            if exc.errno == errno.EINVAL:
                raise RuntimeError(f'sig {sig:d} cannot be caught')
            else:
                raise
        return True

    # subprocesses: a pidfd polled like any reader tells when the child
    # ended (CPython's PidfdChildWatcher, without a watcher object)

    async def _make_subprocess_transport(self, protocol, args, shell,
                                         stdin, stdout, stderr, bufsize,
                                         extra=None, **kwargs):
        waiter = self.create_future()
        transp = _UnixSubprocessTransport(self, protocol, args, shell,
                                          stdin, stdout, stderr, bufsize,
                                          waiter=waiter, extra=extra,
                                          **kwargs)
        self._watch_child(transp.get_pid(), transp)
        try:
            await waiter
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException:
            transp.close()
            await transp._wait()
            raise
        return transp

    def _watch_child(self, pid, transp):
        try:
            pidfd = os.pidfd_open(pid)
        except ProcessLookupError:
            # pyish: already reaped (SIGCHLD ignored): as CPython 3.11's
            # default ThreadedChildWatcher says when its waitpid() fails
            logger.warning("Unknown child process pid %d, will report returncode 255", pid)
            self.call_soon(transp._process_exited, 255)
            return
        self._add_reader(pidfd, self._child_exited, pidfd, pid, transp)

    def _child_exited(self, pidfd, pid, transp):
        self._remove_reader(pidfd)
        os.close(pidfd)
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            returncode = 255
            logger.warning("Unknown child process pid %d, will report returncode 255", pid)
        else:
            returncode = os.waitstatus_to_exitcode(status)
        transp._process_exited(returncode)


def _test_selector_event(selector, fd, event):
    # pyish: [selector] is the loop; is [fd] polled for [event]?
    if event & selectors.EVENT_READ and selector._has_reader(fd):
        return True
    return bool(event & selectors.EVENT_WRITE and selector._has_writer(fd))


_asyncio._install_loop_methods(dict(_IOMethods.__dict__))


# ---- pyish: the writes of one loop iteration leave in one send
# A socket transport whose buffer is empty does not send each write() at
# once as CPython's does: it keeps the data (a list of chunks) and the C
# loop sends what every transport kept when the ready items of the
# iteration have run, before it polls again (loop._at_iteration_end), so
# a task answering 16 pipelined requests makes one send, not 16 (uvloop
# does the same). A write while the loop is not running is sent at once. What code can observe stays CPython's: the kept
# data counts as sent, so everything that would see the difference sends it
# first (get_write_buffer_size, close, abort, write_eof, sendfile's empty
# waiter), and more than the high-water mark is sent at once, so that a
# slow reader pauses the protocol just as it would in CPython. Order is kept:
# data waiting in the buffer (after EAGAIN) is never overtaken, as kept data
# is only started on an empty buffer.

def _pyish_write(self, data):
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f'data argument must be a bytes-like object, '
                        f'not {type(data).__name__!r}')
    if self._eof:
        raise RuntimeError('Cannot call write() after write_eof()')
    if self._empty_waiter is not None:
        raise RuntimeError('unable to write; sendfile is in progress')
    if not data:
        return

    if self._conn_lost:
        if self._conn_lost >= constants.LOG_THRESHOLD_FOR_CONNLOST_WRITES:
            logger.warning('socket.send() raised exception.')
        self._conn_lost += 1
        return

    pending = self._pyish_pending
    if pending is not None:
        # bytearray and memoryview data may change after write() returns
        pending.append(data if type(data) is bytes else bytes(data))
        self._pyish_pending_size += len(data)
        if self._pyish_pending_size > self._high_water:
            self._pyish_flush()
        return
    if not self._buffer:
        self._pyish_pending = [data if type(data) is bytes else bytes(data)]
        self._pyish_pending_size = len(data)
        loop = self._loop
        queue = loop.__dict__.get('_pyish_flushq')
        if queue is None:
            queue = loop.__dict__['_pyish_flushq'] = []
            loop.__dict__['_pyish_flush_all'] = lambda: _pyish_flush_all(queue)
        # False when the loop is not running: no iteration will end before
        # the program looks, so the data is sent now
        if not queue and not loop._at_iteration_end(loop.__dict__['_pyish_flush_all']):
            self._pyish_flush()
            return
        queue.append(self)
        if len(data) > self._high_water:
            self._pyish_flush()
        return

    # Add it to the buffer.
    self._buffer.extend(data)
    self._maybe_pause_protocol()


def _pyish_flush(self):
    """Sends the kept data as CPython's write() would have."""
    pending = self._pyish_pending
    if pending is None:
        return
    self._pyish_pending = None
    data = pending[0] if len(pending) == 1 else b''.join(pending)
    if self._conn_lost:
        return
    try:
        n = self._sock.send(data)
    except (BlockingIOError, InterruptedError):
        n = 0
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as exc:
        self._fatal_error(exc, 'Fatal write error on socket transport')
        return
    if n == len(data):
        return
    # Not all was written; register write handler.
    self._loop._add_writer(self._sock_fd, self._write_ready)
    self._buffer.extend(memoryview(data)[n:])
    self._maybe_pause_protocol()


def _pyish_flush_all(queue):
    if len(queue) == 1:
        queue.pop()._pyish_flush()
        return
    transports = queue[:]
    queue.clear()
    for transport in transports:
        transport._pyish_flush()


def _pyish_flushing(name):
    method = getattr(_SelectorSocketTransport, name)

    def flushing(self, *args):
        if self._pyish_pending is not None:
            self._pyish_flush()
        return method(self, *args)
    flushing.__name__ = flushing.__qualname__ = name
    return flushing


_SelectorSocketTransport._pyish_pending = None
_SelectorSocketTransport._pyish_pending_size = 0
_SelectorSocketTransport.write = _pyish_write
_SelectorSocketTransport._pyish_flush = _pyish_flush
for _name in ('get_write_buffer_size', 'close', '_force_close', 'write_eof',
              '_make_empty_waiter'):
    setattr(_SelectorSocketTransport, _name, _pyish_flushing(_name))
del _name

# ---- pyish: a stream's data is received straight into its reader's buffer
# For a StreamReaderProtocol whose data_received and reader's feed_data are
# asyncio's own, the transport receives onto the end of the reader's
# bytearray (_socket.recv_append) and then runs the rest of feed_data,
# instead of making a bytes object per read that feed_data copies into the
# buffer and drops (an allocation and a copy of every byte received, and
# more work for the collector). Anything else (a subclass overriding
# either method, a reader fed EOF or gone) takes CPython's way.

def _pyish_set_protocol(self, protocol, _set_protocol=_SelectorSocketTransport.set_protocol):
    _set_protocol(self, protocol)
    streams = sys.modules.get('asyncio.streams')
    if (streams is not None and
            self._read_ready_cb == self._read_ready__data_received and
            type(protocol).data_received is streams.StreamReaderProtocol.data_received):
        self._read_ready_cb = self._pyish_read_ready__stream
        self._pyish_feed_data = streams.StreamReader.feed_data


def _pyish_read_ready__stream(self):
    if self._conn_lost:
        return
    protocol = self._protocol
    reader = protocol._stream_reader
    if (reader is None or reader._eof or
            type(reader).feed_data is not self._pyish_feed_data):
        self._read_ready__data_received()
        return
    try:
        n = _socket.recv_append(self._sock_fd, reader._buffer, self.max_size)
    except (BlockingIOError, InterruptedError):
        return
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as exc:
        self._fatal_error(exc, 'Fatal read error on socket transport')
        return

    if not n:
        self._read_ready__on_eof()
        return

    try:
        reader._fed()
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as exc:
        self._fatal_error(
            exc, 'Fatal error: protocol.data_received() call failed.')


_SelectorSocketTransport.set_protocol = _pyish_set_protocol
_SelectorSocketTransport._pyish_read_ready__stream = _pyish_read_ready__stream
