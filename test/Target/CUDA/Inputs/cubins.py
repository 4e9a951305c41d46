"""Lists the kernel images a CUDA module (or each module of a directory)
embeds: each cubin (an ELF of
machine EM_CUDA, 190) by the sm number in its e_flags, and each PTX text by
its .target line. (This machine's toolkit has no cuobjdump; seqc embeds the
images as they are, seqc_module_abi.h.)"""
import os
import re
import sys


def images(path):
    data = open(path, "rb").read()
    cubins = []
    at = data.find(b"\x7fELF", 1)
    while at != -1:
        machine = int.from_bytes(data[at + 18:at + 20], "little")
        if machine == 190:
            flags = int.from_bytes(data[at + 48:at + 52], "little")
            # EF_CUDA_SM: bits 8..15 in the ABI of CUDA 12/13 cubins
            # (older: bits 0..7); either way a byte of e_flags.
            sm = (flags >> 8) & 0xFF or flags & 0xFF
            cubins.append("sm_%d" % sm)
        at = data.find(b"\x7fELF", at + 1)
    ptx = re.findall(rb"\n\.target (sm_[0-9a-z]+)", data)
    return ("cubins: " + " ".join(cubins) + "\nptx: "
            + " ".join(p.decode() for p in ptx))


# A module, or a directory of them: each distinct listing once.
path = sys.argv[1]
paths = ([os.path.join(path, f) for f in sorted(os.listdir(path))
          if f.endswith(".so")] if os.path.isdir(path) else [path])
for listing in sorted({images(p) for p in paths}):
    print(listing)
