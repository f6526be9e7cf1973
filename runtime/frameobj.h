// frameobj.h: the frame object's layout, shared by runtime/frameobj.c (its
// attributes) and src/trace.c (sys.settrace, sys.setprofile, sys._getframe).
// A frame object is either a snapshot (code, globals, line, locals, f_back
// as they were when taken) or, with [live] set, the view of a running
// frame: while that frame is still running its attributes are read from it
// (vm_frame_alive says whether it is), and the tracing machinery keeps one
// object per running frame, so that `frame is other` holds across events.
#ifndef PYISH_FRAMEOBJ_H
#define PYISH_FRAMEOBJ_H
#include "runtime.h"

typedef struct ObjFrameSnap {
    Obj hdr;
    Value code;
    Value globals;
    Value locals;       // when taken by sys._getframe for its caller; else VAL_NULL
    Value back;         // the snapshot of the calling frame, or None (VAL_NULL: ask the live frame)
    Value gen;          // f_generator: the generator or coroutine owning the frame, or VAL_NULL
    Value trace;        // f_trace, or VAL_NULL
    Frame *live;        // the running frame it shows, or NULL
    int line;
    int last_line;      // the line of the last instruction traced in it (-1: none yet)
    int last_off;       // that instruction's offset
    int pending_jump;   // a jump set at a yield's 'return' event: its target offset + 1, taken on resume; 0: none
    bool trace_lines;   // f_trace_lines
    bool trace_opcodes; // f_trace_opcodes
    bool at_call;       // its call event is being reported: f_lineno is the def line ([line])
} ObjFrameSnap;

#define SNAP(v) ((ObjFrameSnap *)AS_OBJ(v))
#endif
