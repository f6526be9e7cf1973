// version.h: the pyish version, shown by `pyish --version` and the REPL banner.
#ifndef PYISH_VERSION_H
#define PYISH_VERSION_H
#define PYISH_VERSION "0.1.0"
#endif
