// clock.c: the one clock behind time.time/monotonic/perf_counter/sleep and
// the event loop: either the real clocks, or with --virtual-clock a virtual
// one that starts at the real time and moves only when the program sleeps
// (time.sleep advances it; an idle event loop jumps it to its next timer).
#include <errno.h>
#include <time.h>
#include "object.h"
#include "clock.h"
#include "gthread.h"


static double real_mono(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double real_wall(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double clock_real_monotonic(void) {
    return real_mono();
}

double clock_process_cpu(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void clock_init(bool virtual_clock) {
    ST->clock_virtual = virtual_clock;
    ST->clock_start_mono = real_mono();
    ST->clock_start_wall = real_wall();
    ST->clock_virt = 0;
}

double clock_monotonic(void) {
    return ST->clock_virtual ? ST->clock_start_mono + ST->clock_virt : real_mono();
}

double clock_wall(void) {
    return ST->clock_virtual ? ST->clock_start_wall + ST->clock_virt : real_wall();
}

double clock_elapsed(void) {
    return ST->clock_virtual ? ST->clock_virt : real_mono() - ST->clock_start_mono;
}

void clock_waited_since(double real_start) {
    if (ST->clock_virtual) {
        double d = real_mono() - real_start;
        ST->clock_virt += d > 0 ? d : 0;
    }
}

void clock_advance_to(double t) {
    if (ST->clock_virtual && t - ST->clock_start_mono > ST->clock_virt) {
        ST->clock_virt = t - ST->clock_start_mono;
    }
}

bool clock_sleep(double seconds) {
    if (seconds < 0) {
        exc_raise(exc_ValueError, "sleep length must be non-negative");
        return false;
    }
    return gthread_sleep(seconds);
}

bool clock_sleep_plain(double seconds) {
    if (ST->clock_virtual) {
        // a real sleep always overshoots a little; so does this one (1 us),
        // so that differences of time.time() (a large number) never come
        // out just under the slept time
        ST->clock_virt += seconds + (seconds > 0 ? 1e-6 : 0);
        return true;
    }
    double end = real_mono() + seconds;
    for (;;) {
        double left = end - real_mono();
        if (left <= 0) {
            return true;
        }
        struct timespec ts;
        ts.tv_sec = (time_t)left;
        ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
        if (nanosleep(&ts, NULL) != 0 && errno == EINTR && STATE_INTERRUPT() && vm_raise_interrupt()) {
            return false;
        }
    }
}
