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

def SeqApproximateMath : Pass<"seq-approximate-math", "mlir::ModuleOp"> {
  let summary = "Expand exp, tanh, log1p and erf into vectorizable polynomials";
  let description = [{
    LLVM has no vector exp or tanh: a loop of sigmoids or a vector of
    tanh becomes one libm call per element. MLIR's polynomial
    approximations (Eigen's, a few ulp in f32) are plain arithmetic that
    LLVM vectorizes. Applied to f32 scalars and vectors alike.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::vector::VectorDialect"];
}

def SeqSelectScan : Pass<"seq-select-scan", "mlir::ModuleOp"> {
  let summary = "Choose how recurrences over time are solved";
  let description = [{
    Linear recurrences (`seq.linear_recurrence`, and the linear steps of
    the Newton solver) run either sequentially (one loop over time per lane
    block of 32 elements, 16 for 2×2 blocks) or as a chunked parallel scan
    (chunk transfers in parallel, carries across chunks, chunks again in
    parallel). The sequential form reads the input once and suffices when
    batch × lane blocks keep every thread busy; otherwise time is cut into
    chunks so that there are about four blocks of work per thread. The
    choice is recorded on the op as `seq.scan` and `seq.scan_chunk`.

    `seq.para_gru` / `seq.para_lstm` get `seq.solver`: `sequential` or
    `newton` as the model asks; for `auto`, Newton only where the sequence
    is long (static T ≥ 1024) and the sequential form would leave at least
    7 of 8 threads idle — Newton does several times the work of one
    sequential pass, so on a few cores the sequential loop wins. Newton's
    settings go on the op too (`seq.newton_max_iterations`,
    `seq.newton_tolerance`, and `seq.newton_on_cap`: `error` when the model
    asked for Newton, `sequential` when this pass chose it).
  }];
  let options = [
    Option<"scan", "scan", "std::string", /*default=*/"\"auto\"",
           "auto, sequential or chunked">,
    Option<"chunk", "chunk", "int64_t", /*default=*/"0",
           "Steps per chunk of the chunked scan (0: chosen from the shapes)">,
    Option<"threads", "threads", "int64_t", /*default=*/"0",
           "Threads of the target (0: this machine's hardware threads)">,
    Option<"autoSolver", "auto-solver", "std::string", /*default=*/"\"choose\"",
           "What solver auto becomes: choose (by shape and target), "
           "sequential or newton">,
    Option<"newtonMaxIterations", "newton-max-iterations", "int64_t",
           /*default=*/"32", "Newton iterations before giving up">,
    Option<"newtonTolerance", "newton-tolerance", "double",
           /*default=*/"2e-6",
           "Converged when max |s_t − f(s_{t−1})| / max(1, |f|) is at most this">
  ];
}

#endif // SEQC_TRANSFORMS_PASSES
