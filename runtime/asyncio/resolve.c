// resolve.c: name resolution off the loop: the loop's getaddrinfo runs
// getaddrinfo(3) on libuv's thread pool (uv_getaddrinfo) and resolves a
// Future when it is done, so a slow or unreachable DNS server does not
// stall every task (CPython uses its default thread-pool executor). A
// pending lookup counts as something that could wake the loop; its Future
// is kept alive by the loop (resolve_trace); closing the loop cancels
// what has not started and forgets the rest; freeing the state waits for
// lookups still running in the pool. Arguments and results are _socket's
// (socket_gai_args/socket_gai_result), so both getaddrinfos agree.
#define _GNU_SOURCE
#include <netdb.h>
#include <stdlib.h>
#include <uv.h>
#include "asyncio.h"
#include "runtime.h"
#include "gc.h"
#include "module.h"

typedef struct GaiReq {
    uv_getaddrinfo_t req;
    ObjLoop *loop;          // NULL once the loop closed: the result is dropped
    Value fut;
    struct GaiReq *next, *prev;
} GaiReq;

static void unlink_req(GaiReq *g) {
    if (g->prev) {
        g->prev->next = g->next;
    } else if (g->loop) {
        g->loop->gai = g->next;
    }
    if (g->next) {
        g->next->prev = g->prev;
    }
    if (g->loop) {
        g->loop->nwatch--;
    }
    g->next = g->prev = NULL;
}

// libuv's UV_EAI_* back to getaddrinfo's EAI_* (what gaierror carries)
static int eai_code(int status, int *sys_errno) {
    static const int map[][2] = {
        {UV_EAI_ADDRFAMILY, EAI_ADDRFAMILY}, {UV_EAI_AGAIN, EAI_AGAIN}, {UV_EAI_BADFLAGS, EAI_BADFLAGS},
        {UV_EAI_FAIL, EAI_FAIL}, {UV_EAI_FAMILY, EAI_FAMILY}, {UV_EAI_MEMORY, EAI_MEMORY},
        {UV_EAI_NODATA, EAI_NODATA}, {UV_EAI_NONAME, EAI_NONAME}, {UV_EAI_OVERFLOW, EAI_OVERFLOW},
        {UV_EAI_SERVICE, EAI_SERVICE}, {UV_EAI_SOCKTYPE, EAI_SOCKTYPE},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (map[i][0] == status) {
            return map[i][1];
        }
    }
    *sys_errno = -status;     // an errno (libuv's translation of EAI_SYSTEM)
    return EAI_SYSTEM;
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res) {
    GaiReq *g = req->data;
    if (!g->loop) {
        if (res) {
            uv_freeaddrinfo(res);
        }
        free(g);
        return;
    }
    unlink_req(g);
    ObjFuture *f = (ObjFuture *)AS_OBJ(g->fut);
    gc_push_root(g->fut);
    free(g);
    if (f->state == FUT_PENDING) {      // not cancelled meanwhile
        int err = 0;
        int r = status == 0 ? 0 : eai_code(status, &err);
        Value list = socket_gai_result(r, err, status == 0 ? res : NULL);
        res = NULL;
        if (list) {
            future_set_result(f, list);
        } else {
            Value exc = exc_take();
            gc_push_root(exc);
            future_set_exception(f, exc);
            gc_pop_root(1);
        }
    }
    if (res) {
        uv_freeaddrinfo(res);
    }
    gc_pop_root(1);
}

// loop._getaddrinfo_uv(host, port, family, type, proto, flags) -> Future of
// socket.getaddrinfo's list (ints, not enums)
Value resolve_getaddrinfo_m(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc != 7) {
        return exc_raise(exc_TypeError, "_getaddrinfo_uv(host, port, family, type, proto, flags)");
    }
    ObjLoop *loop = (ObjLoop *)AS_OBJ(argv[0]);
    char *host, *port;
    struct addrinfo hints;
    if (!socket_gai_args(argv + 1, &host, &port, &hints)) {
        return VAL_NULL;
    }
    Value fut = future_new(loop);
    GaiReq *g = fut ? calloc(1, sizeof *g) : NULL;
    if (!g) {
        free(host);
        free(port);
        return fut ? exc_raise_nomem() : VAL_NULL;
    }
    g->req.data = g;
    g->fut = fut;
    // libuv copies the strings and hints
    int r = uv_getaddrinfo(io_uv(), &g->req, on_resolved, host, port, &hints);
    free(host);
    free(port);
    if (r < 0) {
        free(g);
        return exc_raise_oserror(-r, VAL_NULL, VAL_NULL);
    }
    g->loop = loop;
    g->next = loop->gai;
    if (g->next) {
        g->next->prev = g;
    }
    loop->gai = g;
    loop->nwatch++;
    return fut;
}

void resolve_trace(ObjLoop *loop) {
    for (GaiReq *g = loop->gai; g; g = g->next) {
        gc_mark_value(g->fut);
    }
}

void resolve_close(ObjLoop *loop) {
    while (loop->gai) {
        GaiReq *g = loop->gai;
        unlink_req(g);
        g->loop = NULL;
        uv_cancel((uv_req_t *)&g->req);    // fails when already running: the callback frees it
    }
}
