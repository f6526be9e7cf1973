# pyish bench: scheduler simulation with classes (richards-like).  Task
# control blocks, packets on linked queues, an idle task, a worker, two
# handlers and two devices exchange packets; attribute access and method
# dispatch on a handful of classes.
COUNT = 18000

I_IDLE, I_WORK, I_HANDLERA, I_HANDLERB, I_DEVA, I_DEVB = 0, 1, 2, 3, 4, 5
K_DEV, K_WORK = 1000, 1001
BUFSIZE = 4


class Packet:
    def __init__(self, link, ident, kind):
        self.link = link
        self.ident = ident
        self.kind = kind
        self.datum = 0
        self.data = [0] * BUFSIZE

    def append_to(self, lst):
        self.link = None
        if lst is None:
            return self
        p = lst
        while p.link is not None:
            p = p.link
        p.link = self
        return lst


class Task:
    def __init__(self, sched, ident, prio, wkq, state):
        self.sched = sched
        self.ident = ident
        self.prio = prio
        self.wkq = wkq
        self.packet_pending = wkq is not None
        self.waiting = False
        self.held = False
        self.link = sched.tasks_list
        sched.tasks_list = self
        sched.table[ident] = self

    def runnable(self):
        return self.packet_pending and not self.waiting and not self.held \
            or (not self.packet_pending and not self.waiting and not self.held and False)

    def blocked(self):
        return self.held or (self.waiting and not self.packet_pending)

    def add_packet(self, pkt, old):
        if self.wkq is None:
            self.wkq = pkt
            self.packet_pending = True
            if self.prio > old.prio:
                return self
        else:
            self.wkq = pkt.append_to(self.wkq)
        return old

    def take_packet(self):
        pkt = self.wkq
        self.wkq = pkt.link
        self.packet_pending = self.wkq is not None
        self.waiting = False
        return pkt

    def wait(self):
        self.waiting = True
        return self

    def run(self, pkt):
        return self


class IdleTask(Task):
    def __init__(self, sched, ident, prio, wkq, state):
        Task.__init__(self, sched, ident, prio, wkq, state)
        self.v1 = 1
        self.count = COUNT
        self.packet_pending = True

    def run(self, pkt):
        self.count -= 1
        if self.count == 0:
            self.sched.done = True
            return self.wait()
        if self.v1 & 1 == 0:
            self.v1 = self.v1 >> 1
            return self.sched.release(I_DEVA)
        self.v1 = (self.v1 >> 1) ^ 0xD008
        return self.sched.release(I_DEVB)


class WorkTask(Task):
    def __init__(self, sched, ident, prio, wkq, state):
        Task.__init__(self, sched, ident, prio, wkq, state)
        self.dest = I_HANDLERA
        self.count = 0

    def run(self, pkt):
        if pkt is None:
            return self.wait()
        if self.dest == I_HANDLERA:
            self.dest = I_HANDLERB
        else:
            self.dest = I_HANDLERA
        pkt.ident = self.dest
        pkt.datum = 0
        for i in range(BUFSIZE):
            self.count += 1
            if self.count > 26:
                self.count = 1
            pkt.data[i] = self.count + 64
        return self.sched.queue(pkt)


class HandlerTask(Task):
    def __init__(self, sched, ident, prio, wkq, state):
        Task.__init__(self, sched, ident, prio, wkq, state)
        self.work_in = None
        self.dev_in = None

    def run(self, pkt):
        if pkt is not None:
            if pkt.kind == K_WORK:
                self.work_in = pkt.append_to(self.work_in)
            else:
                self.dev_in = pkt.append_to(self.dev_in)
        if self.work_in is not None:
            work = self.work_in
            count = work.datum
            if count < BUFSIZE:
                if self.dev_in is not None:
                    dev = self.dev_in
                    self.dev_in = dev.link
                    dev.datum = work.data[count]
                    work.datum = count + 1
                    return self.sched.queue(dev)
            else:
                self.work_in = work.link
                return self.sched.queue(work)
        return self.wait()


class DeviceTask(Task):
    def __init__(self, sched, ident, prio, wkq, state):
        Task.__init__(self, sched, ident, prio, wkq, state)
        self.pending = None

    def run(self, pkt):
        if pkt is None:
            if self.pending is None:
                return self.wait()
            v = self.pending
            self.pending = None
            return self.sched.queue(v)
        self.pending = pkt
        self.sched.holds += 1
        self.held = True
        return self.sched.current.link if False else self.sched.hold_self(self)


class Scheduler:
    def __init__(self):
        self.table = [None] * 6
        self.tasks_list = None
        self.current = None
        self.qcount = 0
        self.holds = 0
        self.done = False

    def release(self, ident):
        t = self.table[ident]
        t.held = False
        if t.prio > self.current.prio:
            return t
        return self.current

    def hold_self(self, t):
        return t.link

    def queue(self, pkt):
        t = self.table[pkt.ident]
        self.qcount += 1
        pkt.link = None
        pkt.ident = self.current.ident
        return t.add_packet(pkt, self.current)

    def schedule(self):
        t = self.tasks_list
        while t is not None and not self.done:
            if t.blocked():
                t = t.link
                continue
            self.current = t
            pkt = None
            if t.packet_pending and t.wkq is not None:
                pkt = t.take_packet()
            t = t.run(pkt)


def setup():
    s = Scheduler()
    IdleTask(s, I_IDLE, 1, None, 0)
    wkq = Packet(None, 0, K_WORK)
    wkq = Packet(wkq, 0, K_WORK)
    WorkTask(s, I_WORK, 1000, wkq, 0)
    wkq = Packet(None, I_DEVA, K_DEV)
    wkq = Packet(wkq, I_DEVA, K_DEV)
    wkq = Packet(wkq, I_DEVA, K_DEV)
    HandlerTask(s, I_HANDLERA, 2000, wkq, 0)
    wkq = Packet(None, I_DEVB, K_DEV)
    wkq = Packet(wkq, I_DEVB, K_DEV)
    wkq = Packet(wkq, I_DEVB, K_DEV)
    HandlerTask(s, I_HANDLERB, 3000, wkq, 0)
    DeviceTask(s, I_DEVA, 4000, None, 0)
    DeviceTask(s, I_DEVB, 5000, None, 0)
    return s


def main():
    total = 0
    for r in range(10):
        s = setup()
        s.schedule()
        total = total * 3 + s.qcount * 1000 + s.holds
    print("scheduler", COUNT)
    print(total)


main()
