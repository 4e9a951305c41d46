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

def SeqVectorizeElementwise
    : Pass<"seq-vectorize-elementwise", "mlir::ModuleOp"> {
  let summary = "Run elementwise linalg ops on buffers in vectors of 16";
  let description = [{
    `convert-linalg-to-parallel-loops` lowers a linalg op to scalar loops.
    Elementwise ops on buffers (all loops parallel, one output written with
    the identity map and unit stride along its last dim, inputs read along
    a subset of the loops in order, each index a loop's or a loop's plus a
    constant, no `linalg.index`, a body of arith and math ops on scalars) become instead a parallel loop over all but the
    last dim around a loop over the last dim in vectors of 16 lanes: masked
    loads of the operands that run along it, scalar loads broadcast for
    those that do not, the body on vectors, a masked store. Integer
    division stays scalar (a masked-off lane could divide by zero), and so
    does a static last dim under 8.
  }];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::vector::VectorDialect",
                           "mlir::memref::MemRefDialect"];
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


def SeqChunkGLA : Pass<"seq-chunk-gla", "mlir::ModuleOp"> {
  let summary = "Choose the chunkwise form of gated linear attention";
  let description = [{
    `seq.gla_core` and `seq.gla` run either recurrently or in fla's
    chunkwise form. Both are parallel over (batch, head, blocks of 16 value
    columns), the recurrent form only over those: a step costs about 3K
    vector ops per block with the state in registers. The chunkwise form cuts time into
    chunks of C steps and is parallel over chunks too: per chunk, the gate's
    cumulative log sums, intra-chunk scores A[j, i] (within a sub-chunk of
    c steps the exponent per pair; across sub-chunks split at the query
    sub-chunk's first cumulative sum so that no factor exceeds 1: the
    sub-chunks' numerical safety) and the chunk's own state contribution;
    then the states pass from chunk to chunk (O(K·V) per chunk); then each
    chunk's outputs, inter (q̃ S) plus intra (A v). On a CPU the chunkwise
    form does about 18 times the recurrent form's work (scores with
    per-pair exponentials instead of one decay per step), so `auto` picks
    it only where the recurrent form would leave at least 16 threads per
    task idle; `form=chunked` forces it. The choice goes on the op as
    `seq.chunk` and `seq.subchunk` (chunk 0: recurrent); the lowering runs
    the recurrent form anyway when T < C (decode: T = 1).
  }];
  let options = [
    Option<"form", "form", "std::string", /*default=*/"\"auto\"",
           "auto, chunked or recurrent">,
    Option<"chunk", "chunk", "int64_t", /*default=*/"0",
           "Steps per chunk (0: chosen from the shapes)">,
    Option<"subchunk", "subchunk", "int64_t", /*default=*/"0",
           "Steps per sub-chunk (0: chosen; must divide the chunk)">,
    Option<"threads", "threads", "int64_t", /*default=*/"0",
           "Threads of the target (0: this machine's hardware threads)">
  ];
}

def SeqSelectLayout : Pass<"seq-select-layout", "mlir::ModuleOp"> {
  let summary = "Choose the data layouts of attention's consumers";
  let description = [{
    Chooses, per consumer, the layout each kernel reads and carries, and
    records it on the op as `seq.layout`, a dictionary the lowering follows
    (without it: the defaults below). Projections come out as [B, T, H·D]
    rows (`bthd`); a consumer either reads them in place, or they are
    copied per head to [B, H, T, D] (`bhtd`) where the copy pays for
    itself.

    `seq.gla` and `seq.gla_core` (the recurrent form, which the chunked one
    also uses below one chunk):
    - `state`: the running state as [K, V] (`kv`: 16 value columns a
      vector, key rows broadcast) or [V, K] (`vk`: 16 keys a vector, value
      columns broadcast, one horizontal sum per output). Per step and head
      `kv` costs about 3·K·⌈V/16⌉ vector ops and `vk` 3·V·⌈K/16⌉ + 8·V,
      which measured twice as slow each; the cheaper wins (`vk` for heads
      of at most 4 value columns when K = 64).
    - `keys`: q, k and the decays e^g read in place (`bthd`), or copied per
      head (`bhtd`) when each key row is read at least 4 times (once per
      16 value columns).
    - `values`: always in place (`bthd`): each row is read once per block
      of value columns.

    `seq.gated_attention` (tiles of 32 query rows walking blocks of 64
    keys):
    - `queries`: `bhtd`, copied per head with RoPE and 1/√Dh applied (a
      tile transposes its 32 rows into its scratch);
    - `keys`: `bhtd`, copied per kv head with RoPE applied, so that a
      block's keys are one contiguous run;
    - `values`: copied per kv head (`bhtd`) when T ≥ 512 or unknown, else
      read in place from the fused projection (`bthd`): every tile reads
      the V rows up to its own, and once a head's rows, a projection row
      apart, fall out of cache, compact rows pay for the copy.

    The options force a choice (`auto`: the rules above).
  }];
  let options = [
    Option<"state", "state", "std::string", /*default=*/"\"auto\"",
           "GLA state: auto, kv or vk">,
    Option<"keys", "keys", "std::string", /*default=*/"\"auto\"",
           "GLA q, k and decays: auto, bthd or bhtd">,
    Option<"values", "values", "std::string", /*default=*/"\"auto\"",
           "gated_attention V: auto, bthd or bhtd">
  ];
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
    (`materialize = "pair"`), and `pair_mean` stores only the pairs
    present instead of all R·N.
  }];
  let options = [Option<"enable", "enable", "bool", "true",
                        "Rewrite (false: leave the IR as it is)">];
}

def RGNNSelectLayout : Pass<"rgnn-select-layout", "mlir::ModuleOp"> {
  let summary = "Choose compact or dense per-pair tables from graph statistics";
  let description = [{
    A compact table (rows for the pairs present) saves products when few
    of the R·N pairs occur, but gathers its input rows; a dense table
    (all R·N rows, row r·N + n) multiplies x directly by each W_r. With N
    and E known at compile time the expected fraction of pairs present,
    1 − exp(−E / (R·N)), decides; otherwise the decision is made at run
    time from the measured count (`materialize = "auto"`).
  }];
  let options = [
    Option<"enable", "enable", "bool", "true",
           "Choose (false: keep compact tables)">,
    Option<"threshold", "threshold", "double", "0.75",
           "Dense when at least this fraction of the R·N pairs is present">
  ];
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
