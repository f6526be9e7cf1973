// clock.h: the one clock (clock.c) shared by the time module and the event
// loop: the real clocks, or with --virtual-clock a virtual one that moves
// only when the program sleeps or an idle loop jumps to its next timer.
#ifndef PYISH_CLOCK_H
#define PYISH_CLOCK_H
#include <stdbool.h>

double clock_monotonic(void);   // seconds, monotonic (virtual when enabled)
// the real monotonic clock, whatever clock is in use (time waited for I/O)
double clock_real_monotonic(void);
// the CPU time this process has used (not the time other processes took)
double clock_process_cpu(void);
double clock_wall(void);        // time.time()
double clock_elapsed(void);     // seconds since start on the clock in use
// time.sleep: advances the virtual clock, or sleeps (interruptible by SIGINT:
// returns false with KeyboardInterrupt raised).
bool clock_sleep(double seconds);
// The same without giving way to other green threads (gthread.c).
bool clock_sleep_plain(double seconds);
// Advances the virtual clock to [t] (monotonic seconds) if it is later.
void clock_advance_to(double t);
// A blocking wait that began at [real_start] (clock_real_monotonic) ended:
// on the virtual clock, that much time passes too.
void clock_waited_since(double real_start);
void clock_init(bool virtual_clock);
#endif
