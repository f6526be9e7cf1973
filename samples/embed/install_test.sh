#!/bin/bash
# install_test.sh BUILD SRC: installs the build into a temporary prefix,
# then builds the callback sample against the installed shared library
# twice, through `pkg-config --cflags --libs pyish` and through a CMake
# project using find_package(pyish), and runs both; also a C++ host, and
# checks that the shared library exports only pyish_* functions.
set -e
build=$1 src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
libdir=$(dirname "$(find "$tmp/prefix" -name pyish.pc)")/..
export PKG_CONFIG_PATH=$libdir/pkgconfig
export LD_LIBRARY_PATH=$libdir
cc -o "$tmp/callback" "$src/callback.c" $(pkg-config --cflags --libs pyish)
"$tmp/callback" | diff - "$src/callback.out"
# the header from C++
cat > "$tmp/host.cpp" <<'EOT'
#include <pyish.h>
int main() {
    pyish_State *S = pyish_new(nullptr);
    int rc = pyish_run_string(S, "print('from C++')", nullptr);
    pyish_free(S);
    return rc;
}
EOT
c++ -std=c++11 -Wall -o "$tmp/cxx" "$tmp/host.cpp" $(pkg-config --cflags --libs pyish)
[ "$("$tmp/cxx")" = "from C++" ]
# only pyish_* is exported
if nm -D --defined-only "$libdir/libpyish.so" | awk '{print $3}' | grep -v '^pyish_' | grep -v '^_' | grep .; then
    echo "libpyish.so exports more than pyish_*"
    exit 1
fi
mkdir "$tmp/proj"
cat > "$tmp/proj/CMakeLists.txt" <<EOT
cmake_minimum_required(VERSION 3.16)
project(host C)
find_package(pyish REQUIRED)
add_executable(callback $src/callback.c)
target_link_libraries(callback pyish::pyish)
EOT
cmake -S "$tmp/proj" -B "$tmp/proj/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/proj/build" >/dev/null
"$tmp/proj/build/callback" | diff - "$src/callback.out"
echo "installed library, pkg-config and find_package: ok"
