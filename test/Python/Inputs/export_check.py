"""Shared checks of the seqc.export tests (test_export_*.py): export a
torch module, compile it with seqc, run it and compare with the module's
own forward within SPEC §5; refused options must raise seqc.ExportError
naming the module path and the option.

Each case prints "PASS name" or "FAIL name: why"; the last line is
"N passed, M failed" and the exit status is 1 when a case failed.
--perturb shifts every reference by 1e-3·max(1, max|ref|) at one element
(flips one spike of a spike output) and skips the refusal cases, so that
every case must fail: it proves the comparison can fail.
"""
import argparse
import sys
import traceback
import warnings

import numpy as np
import torch

import seqc

TOL = 1e-4  # SPEC §5: max|y - ref| <= 1e-4 · max(1, max|ref|)

warnings.filterwarnings("ignore")


class Checker:
    """Runs the cases and counts them."""

    def __init__(self, description):
        parser = argparse.ArgumentParser(description=description)
        parser.add_argument("--perturb", action="store_true",
                            help="shift every reference: all cases fail")
        parser.add_argument("-k", default="", help="only cases whose name "
                            "contains this")
        self.args = parser.parse_args()
        self.passed = self.failed = 0

    def case(self, name, fn, *args, refusal=False):
        """Runs fn(*args); an exception or a False/str result fails."""
        if self.args.k not in name or (refusal and self.args.perturb):
            return
        try:
            result = fn(*args)
        except Exception as e:   # a case's failure, reported, not fatal
            result = "%s: %s" % (type(e).__name__, e)
            if not isinstance(e, (AssertionError, seqc.Error)):
                result += "\n" + traceback.format_exc()
        if result is None or result is True:
            self.passed += 1
            print("PASS", name)
        else:
            self.failed += 1
            print("FAIL %s: %s" % (name, result))
        sys.stdout.flush()

    def refuses(self, name, module, inputs, *words):
        """A case: seqc.export(module, inputs) raises ExportError whose
        message holds every one of `words` (path, option)."""
        def run():
            try:
                seqc.export(module, inputs)
            except seqc.ExportError as e:
                missing = [w for w in words if w not in str(e)]
                if missing:
                    return "message %r lacks %s" % (str(e), missing)
                print("  refused:", e)
                return None
            return "exported without an ExportError"
        self.case("refuses " + name, run, refusal=True)

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        sys.exit(1 if self.failed else 0)

    # -- comparisons ---------------------------------------------------------

    def perturbed(self, ref, spikes=False):
        ref = np.array(ref, dtype=np.float64, order="C", copy=True)
        if self.args.perturb and ref.size:
            flat = ref.reshape(-1)
            if spikes:
                flat[0] = 1.0 - flat[0]
            else:
                flat[0] += 1e-3 * max(1.0, float(np.abs(flat).max()))
        return ref

    def close(self, name, got, ref):
        """None when |got - ref| is within SPEC §5, else the reason."""
        got = _numpy(got).astype(np.float64)
        ref = self.perturbed(_numpy(ref))
        if got.shape != ref.shape:
            return "%s: shape %s, expected %s" % (name, got.shape, ref.shape)
        if not np.all(np.isfinite(got)):
            return "%s: not finite" % name
        bound = TOL * max(1.0, float(np.abs(ref).max()) if ref.size else 0.0)
        err = float(np.abs(got - ref).max()) if ref.size else 0.0
        if err > bound:
            return "%s: max|y - ref| = %.3g > %.3g" % (name, err, bound)
        return None

    def spikes_equal(self, name, got, ref):
        """Spikes: exactly equal (the cases' neurons are checked to have no
        charge within 1e-4 of the threshold, where SPEC §5 allows either)."""
        got = _numpy(got)
        ref = self.perturbed(_numpy(ref), spikes=True)
        if got.shape != ref.shape:
            return "%s: shape %s, expected %s" % (name, got.shape, ref.shape)
        bad = int(np.sum(got != ref))
        if bad:
            return "%s: %d of %d spikes differ" % (name, bad, ref.size)
        return None


def _numpy(value):
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def run_exported(module, inputs, seqc_inputs=None, compile_kwargs=None):
    """Exports `module` on `inputs`, compiles and runs it (on seqc_inputs,
    default the same inputs with the time-major ones transposed). Returns
    (model, seqc outputs dict)."""
    model = seqc.export(module, inputs)
    compiled = seqc.compile(model, **(compile_kwargs or {}))
    if seqc_inputs is None:
        seqc_inputs = to_seqc_inputs(model, inputs)
    return model, compiled(**seqc_inputs)


def _swapped(model, side):
    """The model's inputs or outputs whose torch tensors have their last
    two axes swapped against seqc's (fla's recurrent states)."""
    return set(model.meta.get("state_v_first", {}).get(side, ()))


def to_seqc_inputs(model, inputs):
    """The torch inputs by model input name, time-major ones transposed
    (model.meta["time_major"]), fla's states too (meta["state_v_first"])."""
    names = list(model.description["inputs"])
    flipped = set(model.meta["time_major"]["inputs"])
    swapped = _swapped(model, "inputs")
    result = {}
    for name, value in zip(names, inputs):
        if name in flipped:
            value = value.transpose(0, 1)
        if name in swapped:
            value = value.transpose(-1, -2)
        result[name] = value.contiguous()
    return result


def torch_outputs(model, result):
    """The module's result by the model's output names, time-major ones
    transposed to seqc's batch-first layout, fla's states to seqc's."""
    names = list(model.description["outputs"])
    if isinstance(result, dict):
        leaves = [result[n] for n in names]
    else:
        leaves = _flatten(result)
    flipped = set(model.meta["time_major"]["outputs"])
    swapped = _swapped(model, "outputs")
    out = {}
    for name, value in zip(names, leaves):
        if name in flipped:
            value = value.transpose(0, 1)
        if name in swapped:
            value = value.transpose(-1, -2)
        out[name] = value
    return out


def _flatten(result):
    if isinstance(result, (tuple, list)):
        return [leaf for item in result for leaf in _flatten(item)]
    return [result]


def compare_all(checker, model, got, result, spikes=()):
    """Every output of `got` (seqc) against the module's `result`; names
    in `spikes` compared as spikes."""
    ref = torch_outputs(model, result)
    if sorted(ref) != sorted(got):
        return "outputs %s, expected %s" % (sorted(got), sorted(ref))
    problems = []
    for name in ref:
        check = checker.spikes_equal if name in spikes else checker.close
        problem = check(name, got[name], ref[name])
        if problem:
            problems.append(problem)
    return "; ".join(problems) or None


def randomize(module, scale=1.0, seed=None):
    """Every parameter of `module` from N(0, scale²) (so that no weight
    keeps a special initial value: PyG's ones, zero biases)."""
    gen = torch.Generator().manual_seed(seed or 0)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=gen) * scale)
    return module


def numeric(checker, name, module, inputs, more_inputs=(), spikes=(),
            prepare=None, expect=None):
    """A case: export `module` on `inputs`, compile once, and compare with
    the module's forward on `inputs` and on each of `more_inputs` (other
    sizes: the model's symbolic dims). `prepare(module)` runs before each
    torch forward (SpikingJelly's reset_net); `expect(model)` may check
    the description (returns None or a reason)."""
    def run():
        module.eval()   # export maps the eval-mode forward
        model = seqc.export(module, inputs)
        if expect is not None:
            problem = expect(model)
            if problem:
                return problem
        compiled = seqc.compile(model)
        for example in (inputs,) + tuple(more_inputs):
            got = compiled(**to_seqc_inputs(model, example))
            if prepare is not None:
                prepare(module)
            with torch.no_grad():
                result = module(*example)
            problem = compare_all(checker, model, got, result, spikes)
            if problem:
                sizes = [list(t.shape) for t in example
                         if isinstance(t, torch.Tensor)]
                return "at input sizes %s: %s" % (sizes, problem)
        return None
    checker.case(name, run)
