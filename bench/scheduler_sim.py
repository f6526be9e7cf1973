# pyish bench (t): a task-scheduler simulation with classes (in the spirit
# of richards): task records in a priority list, packets passed between
# handler objects, state flags, attribute access everywhere.
ROUNDS = 250
PACKETS = 300

class Packet:
    def __init__(self, link, ident, kind):
        self.link = link
        self.ident = ident
        self.kind = kind
        self.datum = 0
        self.data = [0] * 4
        self.hops = 6 + ident % 5     # handled this many times, then done

class Task:
    def __init__(self, sched, ident, prio):
        self.sched = sched
        self.ident = ident
        self.prio = prio
        self.queue = []
        self.held = False
        self.count = 0
    def run(self, pkt):
        raise NotImplementedError

class Worker(Task):
    def run(self, pkt):
        self.count += 1
        for i in range(4):
            pkt.data[i] = (pkt.data[i] + self.count + i) % 26
        pkt.datum = (pkt.datum + pkt.data[self.count % 4]) % 1000
        pkt.hops -= 1
        if pkt.hops <= 0:
            self.sched.done += pkt.datum
            return None
        return self.sched.send(pkt, 2 + self.count % 2)

class Handler(Task):
    def run(self, pkt):
        self.count += 1
        pkt.kind = 1 - pkt.kind
        if self.count % 7 == 0:
            self.held = True
        return self.sched.send(pkt, 1)

class Idle(Task):
    def run(self, pkt):
        self.count += 1
        for t in self.sched.tasks:
            t.held = False
        return None

class Scheduler:
    def __init__(self):
        self.tasks = []
        self.by_id = {}
        self.sends = 0
        self.done = 0
    def add(self, task):
        self.tasks.append(task)
        self.tasks.sort(key=lambda t: -t.prio)
        self.by_id[task.ident] = task
    def send(self, pkt, ident):
        self.sends += 1
        t = self.by_id[ident]
        t.queue.append(pkt)
        return t
    def schedule(self):
        steps = 0
        while True:
            ran = False
            for t in self.tasks:
                if t.queue and not t.held:
                    pkt = t.queue.pop(0)
                    t.run(pkt)
                    ran = True
                    steps += 1
                    break
            if not ran:
                idle = self.by_id[0]
                idle.run(None)
                if not any(t.queue for t in self.tasks):
                    return steps
                steps += 1

total = 0
for r in range(ROUNDS):
    s = Scheduler()
    s.add(Idle(s, 0, 0))
    s.add(Worker(s, 1, 100))
    s.add(Handler(s, 2, 50))
    s.add(Handler(s, 3, 60))
    for i in range(PACKETS):
        s.send(Packet(None, i, i % 2), 1)
    steps = s.schedule()
    total += steps + s.sends + s.done + sum(t.count for t in s.tasks)
print("scheduler_sim: rounds=%d packets=%d total=%d" % (ROUNDS, PACKETS, total))
