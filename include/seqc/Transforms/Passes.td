// Transform passes of seqc on the seq dialect and the model function.
#ifndef SEQC_TRANSFORMS_PASSES
#define SEQC_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def SeqWeightsToArgs : Pass<"seq-weights-to-args", "mlir::ModuleOp"> {
  let summary = "Turn seq.weight references into arguments of @main";
  let description = [{
    Each distinct `seq.weight "name"` becomes an argument of `@main`, after
    the model inputs, with the argument attribute `seq.weight = "name"`: the
    runtime passes the mapped safetensors data there. Every tensor argument
    (inputs and weights) gets `bufferization.writable = false`: they are
    the caller's buffers and read-only mapped files, so bufferization copies
    rather than write into them. Runs before bufferization, when the
    model's ops no longer need weights as SSA values from inside the
    function.
  }];
}

def SeqStateToArgs : Pass<"seq-state-to-args", "mlir::ModuleOp"> {
  let summary = "Turn the module's mutable globals into arguments of @main";
  let description = [{
    A module's mutable state (packed weight panels and the weights' address
    they were packed from, the run-time check status) must belong to each
    loaded instance, not to the library: two instances of one library with
    different weights, run from two threads, must not share it. Each
    mutable `memref.global` read by the model function (`@main`) becomes an argument after the
    weights, with the attribute `seq.state = "name"`, and the global is
    erased. The status word `seqc_status` comes last, with
    `seq.state_scope = "call"` and the module attribute `seq.status_arg`:
    the entry point passes a fresh zero word each run. Every other state is
    zero when an instance is loaded and kept across its runs (`"module"`);
    the module attribute `seq.state` lists those, with their types, in
    argument order, for the signature.
    Runs after bufferization, on memrefs.
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
    A `seq.linear` whose input is the spike output of `seq.lif`, `seq.plif`,
    `seq.if_neuron` or `seq.cuba_lif` gets `spike_input`: its input is 0 or 1 everywhere,
    so its product can be computed by adding weight rows for the spikes
    present, with no multiplies, which `seq-lower-cpu-kernels` does when
    the measured spike density is low.
  }];
}

def SeqApproximateMath : Pass<"seq-approximate-math", "mlir::ModuleOp"> {
  let summary = "Expand exp, tanh, log, log1p and erf into vectorizable polynomials";
  let description = [{
    LLVM has no vector exp or tanh: a loop of sigmoids or a vector of
    tanh becomes one libm call per element. MLIR's polynomial
    approximations (Eigen's, a few ulp in f32) are plain arithmetic that
    LLVM vectorizes. Applied to f32 scalars and vectors alike.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::vector::VectorDialect"];
}

//===----------------------------------------------------------------------===//
// Relational GNNs (the rgnn dialect), Pigeon/Hector's two levels
//===----------------------------------------------------------------------===//

def RGNNDecompose : Pass<"rgnn-decompose", "mlir::ModuleOp"> {
  let summary = "Write rgcn, rgat and hgt in rgnn inter-operator ops";
  let description = [{
    Each layer becomes the per-edge formulation of its SPEC §4.6 formula,
    as PyG computes it: node linears (`typed_linear`), per-edge relation
    transforms (`relation_linear`, materialized per edge), per-head edge
    scores (`edge_dot`), `edge_softmax` and `aggregate`. Weights are
    rearranged on the way (per-head blocks as one [R, in, out] matrix,
    HGT's rel_pri/√D folded into its attention transform, its skip gate
    into a_lin). Layers that follow one another on the same graph share
    its node count, so the lowering sorts the edges once.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::math::MathDialect",
                           "mlir::tensor::TensorDialect"];
}

def RGNNReorderLinear : Pass<"rgnn-reorder-linear", "mlir::ModuleOp"> {
  let summary = "Move linear operators across aggregations and dot products";
  let description = [{
    Pigeon's linear operator reorder, where the math is linear:
    - a per-relation mean of per-edge transforms,
      `aggregate(mean, relation_linear(x, src, W))`, becomes the mean of
      the sources per (relation, destination) pair, then one transform of
      each pair: `pair_linear(pair_mean(x), W)` (RGCN: a GEMM per pair
      instead of per edge);
    - a per-relation dot product of a transform,
      `edge_dot(relation_linear(x, side, W), a)`, becomes a transform by the
      folded vectors `W_r · a_r` (RGAT's attention: [in, heads] per
      relation instead of [in, out]).
  }];
  let options = [Option<"enable", "enable", "bool", "true",
                        "Rewrite (false: leave the IR as it is)">];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def RGNNCompactMaterialization
    : Pass<"rgnn-compact-materialization", "mlir::ModuleOp"> {
  let summary = "Materialize per unique (relation, node) pair, not per edge";
  let description = [{
    A `relation_linear` computed per edge repeats the product of a node
    and its relation's weight for every multi-edge and for every edge of
    that relation out of that node. Compact materialization computes one
    row per (relation, node) pair present in the graph
    (`materialize = #rgnn<materialize pair>`), and `pair_mean` stores only the pairs
    present instead of all R·N.
  }];
  let options = [Option<"enable", "enable", "bool", "true",
                        "Rewrite (false: leave the IR as it is)">];
}

def RGNNLowerToTemplates : Pass<"rgnn-lower-to-templates", "mlir::ModuleOp"> {
  let summary = "Lower rgnn inter-operator ops to GEMM and traversal templates";
  let description = [{
    Each graph (edge_index, edge_type, node count) gets one `graph_layout`:
    checked index arrays and the edges sorted by (type, destination),
    shared by every op on that graph. Per-edge values are kept in that
    order, so traversals read edges sequentially. Linear ops become `gemm` templates
    (gathered rows, per-segment weights, scattered or accumulated
    results), per-edge ops `edge_map` traversals, and aggregations
    `node_reduce` traversals over destination segments; an `aggregate`
    scaled by an `edge_softmax` fuses with it into one traversal. Values
    kept compact (per pair) are read through their row maps, not copied
    per edge, unless an op outside the rgnn dialect needs them per edge.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

#endif // SEQC_TRANSFORMS_PASSES
