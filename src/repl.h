// repl.h: the interactive session (repl.c), which main.c starts when pyish
// runs without a script or with -i.
#ifndef PYISH_REPL_H
#define PYISH_REPL_H
#include <stdbool.h>

// Runs the REPL in __main__ until end of input or SystemExit (left pending
// for the caller, which turns it into the exit status); prints the version
// banner first when [show_banner]. [asyncio_console]: as python3 -m
// asyncio's console (its banner, even with -q; "<console>" as the inputs'
// file name; a farewell line at end of input).
void repl_run(bool show_banner, bool asyncio_console);
#endif
