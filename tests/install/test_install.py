#!/usr/bin/python3
"""Installs a build into a temporary DESTDIR and builds a consumer program against it, the way a
user of the installed library would: with pkg-config (g++ and clang++-16) and with CMake's
find_package(httpxx). Each consumer must build and print what it is expected to.

Usage: test_install.py MESON BUILD_DIR CONSUMER_DIR [SANITIZERS]

SANITIZERS is the build's b_sanitize option. A library built with AddressSanitizer needs its
runtime loaded before any other library; the consumers are built without it, as users' programs
are, so they run with the runtime preloaded.
"""

import os
import shutil
import subprocess
import sys
import tempfile

EXPECTED_OUTPUT = """host example.org
Accept: text/plain
X-Test: 1
joined https://example.org/b?x=1
version {version}
"""


def run(argv, **kwargs):
    result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            **kwargs)
    if result.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s" % (" ".join(argv), result.returncode,
                                                        result.stdout))
    return result.stdout


def find(root, name):
    for directory, _, files in os.walk(root):
        if name in files:
            return os.path.join(directory, name)
    raise AssertionError("%s was not installed under %s" % (name, root))


def sanitizer_runtime(sanitizers):
    """The environment that loads the library's AddressSanitizer runtime first, if it has one."""
    if "address" not in sanitizers.split(","):
        return {}
    return {"LD_PRELOAD": run(["g++", "-print-file-name=libasan.so"]).strip()}


def check_consumer(label, binary, libdir, version, runtime):
    env = dict(os.environ, LD_LIBRARY_PATH=libdir, **runtime)
    output = run([binary], env=env)
    expected = EXPECTED_OUTPUT.format(version=version)
    if output != expected:
        raise AssertionError("%s consumer printed:\n%s\nexpected:\n%s" % (label, output, expected))
    print("ok: %s consumer" % label)


def check_exports(destdir):
    """The shared library exports the API and not httpxx::detail (lib/httpxx.map)."""
    libraries = [os.path.join(d, f) for d, _, files in os.walk(destdir) for f in files
                 if f.startswith("libhttpxx.so.")]
    if not libraries:
        return   # a static build: nothing is exported
    symbols = run(["nm", "-D", "--defined-only", "--format=just-symbols", libraries[0]]).split()
    internal = [s for s in symbols if "N6httpxx6detail" in s or "K6httpxx6detail" in s]
    if internal:
        raise AssertionError("%d httpxx::detail symbols exported, e.g. %s" % (len(internal), internal[0]))
    for api in ["_ZN6httpxx6ClientC1ENS_13ClientOptionsE", "_ZN6httpxx11AsyncClient7requestE"]:
        if not any(s.startswith(api) for s in symbols):
            raise AssertionError("%s... is not exported" % api)
    print("ok: %d symbols exported, none of httpxx::detail" % len(symbols))


def main():
    meson, build_dir, consumer_dir = sys.argv[1:4]
    runtime = sanitizer_runtime(sys.argv[4] if len(sys.argv) > 4 else "none")
    destdir = tempfile.mkdtemp(prefix="httpxx-install-")
    try:
        run([meson, "install", "-C", build_dir, "--destdir", destdir, "--no-rebuild", "--quiet"])
        pc_file = find(destdir, "httpxx.pc")
        cmake_config = find(destdir, "httpxxConfig.cmake")
        find(destdir, "httpxxConfigVersion.cmake")
        find(destdir, "httpxx.hpp")
        libdir = os.path.dirname(os.path.dirname(pc_file))
        check_exports(destdir)

        # pkg-config: the sysroot prefixes the .pc file's paths with the DESTDIR.
        pkg_env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pc_file),
                       PKG_CONFIG_SYSROOT_DIR=destdir)
        version = run(["pkg-config", "--modversion", "httpxx"], env=pkg_env).strip()
        flags = run(["pkg-config", "--cflags", "--libs", "httpxx"], env=pkg_env).split()
        main_cpp = os.path.join(consumer_dir, "main.cpp")
        for compiler in ["g++", "clang++-16"]:
            binary = os.path.join(destdir, "consumer-" + compiler)
            run([compiler, "-std=c++20", main_cpp, *flags, "-o", binary])
            check_consumer("pkg-config + " + compiler, binary, libdir, version, runtime)

        # CMake: the package is used away from the prefix it was configured for, so every path
        # in it must be relative to its own location.
        cmake_build = os.path.join(destdir, "cmake-build")
        run(["cmake", "-S", consumer_dir, "-B", cmake_build,
             "-Dhttpxx_DIR=" + os.path.dirname(cmake_config), "-DCMAKE_CXX_COMPILER=g++"])
        run(["cmake", "--build", cmake_build])
        check_consumer("CMake", os.path.join(cmake_build, "consumer"), libdir, version, runtime)
    finally:
        shutil.rmtree(destdir, ignore_errors=True)


if __name__ == "__main__":
    main()
