"""Where the package finds the `seqc` compiler and libseqc_runtime.so."""
import os

from .errors import Error

_HERE = os.path.dirname(os.path.abspath(__file__))
# Installed with pip: setup.py copies both files here.
_BUNDLED = os.path.join(_HERE, "_bin")
# Run from a checkout (PYTHONPATH=python): the repository's build/.
_CHECKOUT_BUILD = os.path.join(os.path.dirname(os.path.dirname(_HERE)),
                               "build")


def _candidates(bin_name, lib_name):
    """(compiler, runtime library) pairs to try, first match wins."""
    build = os.environ.get("SEQC_BUILD_DIR")
    if build:
        # Only this build: a test of one build must not use another.
        return [(os.path.join(build, "bin", bin_name),
                 os.path.join(build, "lib", lib_name))]
    return [(os.path.join(_BUNDLED, bin_name),
             os.path.join(_BUNDLED, lib_name)),
            (os.path.join(_CHECKOUT_BUILD, "bin", bin_name),
             os.path.join(_CHECKOUT_BUILD, "lib", lib_name))]


def _find(index, what):
    tried = []
    for pair in _candidates("seqc", "libseqc_runtime.so"):
        if os.path.isfile(pair[index]):
            return pair[index]
        tried.append(pair[index])
    raise Error("cannot find %s (looked at %s): install the package with "
                "`pip install ./python`, or build the repository into build/ "
                "(scripts/build.sh)" % (what, ", ".join(tried)))


def compiler():
    """The path of the `seqc` command-line compiler.

    SEQC_BUILD_DIR, when set, names the only build to use (its bin/seqc);
    otherwise the copy installed with the package, else the checkout's
    build/bin/seqc."""
    return _find(0, "the seqc compiler")


def runtime_library():
    """The path of libseqc_runtime.so (the same places as compiler())."""
    return _find(1, "the seqc runtime library (libseqc_runtime.so)")
