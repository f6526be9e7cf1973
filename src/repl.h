// repl.h: the interactive session (repl.c), which main.c starts when pyish
// runs without a script or with -i.
#ifndef PYISH_REPL_H
#define PYISH_REPL_H
#include <stdbool.h>

// Runs the REPL in __main__ until end of input or SystemExit (left pending
// for the caller, which turns it into the exit status); prints the version
// banner first when [show_banner]. [asyncio_console]: as python3 -m
// asyncio's console (its banner, even with -q; "<console>" as the inputs'
// file name; a farewell line at end of input). True when the last input run
// raised KeyboardInterrupt: python3 then ends by SIGINT (status 130) at
// end of input, as after an uncaught one.
bool repl_run(bool show_banner, bool asyncio_console);
#endif
