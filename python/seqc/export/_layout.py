"""Which torch tensors are time-major, and which of their dims are dynamic.

seqc's sequence tensors are batch-first ``[B, T, ...]`` (SPEC §3); PyTorch
code is often time-major ``[T, B, ...]`` (``nn.GRU(batch_first=False)``,
SpikingJelly's multi-step neurons). seqc has no transpose op, and needs
none: every op between two sequence ops (linear, norms, activations,
add/mul) treats axes 0 and 1 alike, so a whole chain of tensors can be
kept batch-first in seqc while torch holds them time-major. The export
then only has to say which model inputs and outputs are the transpose
(axes 0 and 1) of the torch tensors.

A :class:`Group` is a set of tensors whose axes 0 and 1 are the same two
axes (an op that keeps the leading dims joins its input's and output's
groups). Groups are a union-find with parity: ``a.join(b, flip)`` says
"b's axes 0/1 are a's, swapped when `flip`" (``x.transpose(0, 1)``). A
sequence op then requires its input group to be time-major or batch-first;
a contradiction is an ExportError. A group nothing constrains stays as
torch has it. Each group also collects its dims' roles (``{0: "B", 1:
"T"}`` in seqc's layout) from the ops that read it: the symbols the model
inputs get.
"""


class LayoutConflict(Exception):
    """Two ops need one tensor both time-major and batch-first."""


class Group:
    """One union-find node: see the module docstring."""

    def __init__(self):
        self._parent = None
        self._flip = False        # relative to the parent
        self.time_major = None    # root only: None (free), True, False
        self.why = None           # root only: what fixed time_major
        self.roles = {}           # root only: seqc dim -> symbol letter

    def root(self):
        """(root group, whether this group is flipped against it)."""
        group, flip = self, False
        while group._parent is not None:
            flip ^= group._flip
            group = group._parent
        return group, flip

    def is_time_major(self):
        """True when torch's tensor is seqc's with axes 0 and 1 swapped;
        False also for a group nothing constrained."""
        root, flip = self.root()
        return bool(root.time_major) ^ flip

    def require(self, time_major, why):
        """Fixes this group time-major (True) or batch-first (False);
        `why` names the op for the conflict message."""
        root, flip = self.root()
        want = time_major ^ flip
        if root.time_major is None:
            root.time_major, root.why = want, why
        elif root.time_major != want:
            raise LayoutConflict(
                "%s needs this tensor %s, but %s needs it %s (seqc has no "
                "transpose between them)" % (
                    why, "time-major" if time_major else "batch-first",
                    root.why, "batch-first" if time_major else "time-major"))

    def join(self, other, flip=False):
        """Records that `other`'s axes 0/1 are this group's (swapped when
        `flip`)."""
        ra, fa = self.root()
        rb, fb = other.root()
        rel = fa ^ fb ^ flip
        if ra is rb:
            if rel:
                raise LayoutConflict("a tensor is combined with its own "
                                     "transpose")
            return
        if rb.time_major is not None:
            ra.require_root(rb.time_major ^ rel, rb.why)
        for dim, role in rb.roles.items():
            ra.roles.setdefault(dim, role)
        rb._parent, rb._flip = ra, rel

    def require_root(self, time_major, why):
        if self.time_major is None:
            self.time_major, self.why = time_major, why
        elif self.time_major != time_major:
            raise LayoutConflict(
                "%s and %s need one tensor in different layouts (time-major "
                "and batch-first; seqc has no transpose between them)"
                % (why, self.why))

    def set_roles(self, roles):
        """Names seqc dims of the group's tensors: {0: "B", 1: "T"}."""
        root, _ = self.root()
        for dim, role in roles.items():
            root.roles.setdefault(dim, role)

    def get_roles(self):
        return dict(self.root()[0].roles)
