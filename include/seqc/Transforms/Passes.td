// Transform passes of seqc on the seq dialect and the model function.
#ifndef SEQC_TRANSFORMS_PASSES
#define SEQC_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def SeqWeightsToArgs : Pass<"seq-weights-to-args", "mlir::ModuleOp"> {
  let summary = "Turn seq.weight references into arguments of @main";
  let description = [{
    Each distinct `seq.weight "name"` becomes an argument of `@main`, after
    the model inputs, with the argument attribute `seq.weight = "name"`: the
    runtime passes the mapped safetensors data there. Runs before
    bufferization, when the model's ops no longer need weights as SSA values
    from inside the function.
  }];
}

def SeqCopiesToLinalg : Pass<"seq-copies-to-linalg", "mlir::ModuleOp"> {
  let summary = "Rewrite memref.copy as linalg.copy";
  let description = [{
    Bufferization leaves `memref.copy` between buffers with strided layouts,
    which the LLVM lowering turns into calls to MLIR's C runner library.
    Compiled models must not depend on it, so copies become `linalg.copy`
    and then plain loops like every other linalg op.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def SeqMarkSpikeInputs : Pass<"seq-mark-spike-inputs", "mlir::ModuleOp"> {
  let summary = "Mark linear layers whose input is a spike tensor";
  let description = [{
    A `seq.linear` whose input is the spike output of `seq.lif`, `seq.plif`
    or `seq.if_neuron` gets `spike_input`: its input is 0 or 1 everywhere,
    so its product can be computed by adding weight rows for the spikes
    present, with no multiplies, which `convert-seq-to-linalg` does when
    the measured spike density is low.
  }];
}

#endif // SEQC_TRANSFORMS_PASSES
