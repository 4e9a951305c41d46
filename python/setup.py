"""Builds the seqc package: the Python sources plus the `seqc` compiler and
libseqc_runtime.so, built from the repository this directory belongs to
(CMake + Ninja into <repo>/build, reused when it is there) and copied into
the package as seqc/_bin/. The metadata is in pyproject.toml.

SEQC_BUILD_DIR=DIR (optional) takes both files from an existing build
instead, without building (the package's own test uses it, so that it never
starts a build inside a build)."""
import os
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
BUILT = (("bin", "seqc"), ("lib", "libseqc_runtime.so"))


def _locked(command):
    """`command` under the lock the repository's builds share, where flock
    exists: one build at a time."""
    if shutil.which("flock"):
        return ["flock", "/tmp/seqc-build.lock"] + command
    return command


def build_native():
    """Builds (or reuses) the compiler and the runtime library; returns the
    build directory holding bin/seqc and lib/libseqc_runtime.so."""
    prebuilt = os.environ.get("SEQC_BUILD_DIR")
    if prebuilt:
        return os.path.abspath(prebuilt)
    cmake_lists = os.path.join(REPO, "CMakeLists.txt")
    if (not os.path.isfile(cmake_lists)
            or "project(seqc" not in open(cmake_lists).read()):
        raise SystemExit(
            "seqc's setup.py builds the compiler from the repository around "
            "python/ (%s is not a seqc checkout): install from the checkout, "
            "`pip install ./python`" % REPO)
    build = os.path.join(REPO, "build")
    env = dict(os.environ, CCACHE_BASEDIR=REPO)
    if not os.path.isfile(os.path.join(build, "build.ninja")):
        subprocess.check_call(_locked(
            ["cmake", "-G", "Ninja", "-S", REPO, "-B", build,
             "-DCMAKE_BUILD_TYPE=Release"]), env=env)
    subprocess.check_call(_locked(
        ["ninja", "-C", build, "-j", str(os.cpu_count() or 2), "seqc",
         "SeqcRuntimeShared"]), env=env)
    return build


class BuildPyWithNative(build_py):
    """build_py, then the compiler and runtime library into seqc/_bin."""

    def run(self):
        super().run()
        build = build_native()
        target = os.path.join(self.build_lib, "seqc", "_bin")
        os.makedirs(target, exist_ok=True)
        for folder, name in BUILT:
            source = os.path.join(build, folder, name)
            if not os.path.isfile(source):
                raise SystemExit("%s is missing: build seqc first "
                                 "(scripts/build.sh)" % source)
            shutil.copy2(source, os.path.join(target, name))


class NativeDistribution(Distribution):
    """The wheel holds native code: tagged for this platform."""

    def has_ext_modules(self):
        return True


setup(cmdclass={"build_py": BuildPyWithNative},
      distclass=NativeDistribution)
