// The strategy passes: each reads the module's #seq.target through
// TargetInfo and records its choice as a typed attribute (SeqAttrs.td) that
// every target's lowering reads the same way.
#ifndef SEQC_CODEGEN_PASSES
#define SEQC_CODEGEN_PASSES

include "mlir/Pass/PassBase.td"

def SeqSetTarget : Pass<"seq-set-target", "mlir::ModuleOp"> {
  let summary = "Describe the target on the module as #seq.target";
  let description = [{
    Sets the module's `seq.target` when it has none (`seqc compile` sets it
    from `--target`, `--threads`, `--cpu` and the host): a CPU target is
    this machine with `threads` workers (0: its hardware threads); a CUDA
    target is `arch` with its shared memory per block and `warps` per
    block. A module that already has a target keeps it.
  }];
  let options = [
    Option<"target", "target", "::seqc::seq::TargetKind",
           /*default=*/"::seqc::seq::TargetKind::cpu", "cpu or cuda",
           [{::llvm::cl::values(
               clEnumValN(::seqc::seq::TargetKind::cpu, "cpu", "this machine"),
               clEnumValN(::seqc::seq::TargetKind::cuda, "cuda", "a CUDA GPU"))}]>,
    Option<"threads", "threads", "int64_t", /*default=*/"0",
           "CPU workers (0: this machine's hardware threads)">,
    Option<"arch", "arch", "std::string", /*default=*/"\"sm_90\"",
           "CUDA arch (sm_NN)">,
    Option<"warps", "warps", "int64_t", /*default=*/"4",
           "CUDA warps per block">
  ];
  // A module of rgnn ops alone has not loaded seq's dialect.
  let dependentDialects = ["::seqc::seq::SeqDialect"];
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
    chunks so that there are about four blocks of work per thread (the
    CPU's model; each target has its own, see TargetInfo.h). The choice is
    recorded on the op as `seq.scan = #seq.scan<method = ..., chunk = ...>`.

    `seq.para_gru` / `seq.para_lstm` get `seq.solver`: `sequential` or
    `newton` as the model asks; for `auto`, Newton only where the sequence
    is long (static T ≥ 1024) and the sequential form would leave at least
    7 of 8 threads idle — Newton does several times the work of one
    sequential pass, so on a few cores the sequential loop wins. The choice
    and Newton's settings go on the op as `seq.solver = #seq.solver<method
    = newton, max_iterations, tolerance, on_cap>` (`on_cap`: `error` when
    the model asked for Newton, `sequential` when this pass chose it).
  }];
  let options = [
    Option<"scan", "scan", "::seqc::ScanChoice",
           /*default=*/"::seqc::ScanChoice::Auto", "auto, sequential or chunked",
           [{::llvm::cl::values(
               clEnumValN(::seqc::ScanChoice::Auto, "auto", "chosen by the target"),
               clEnumValN(::seqc::ScanChoice::Sequential, "sequential", "one loop over time"),
               clEnumValN(::seqc::ScanChoice::Chunked, "chunked", "a chunked parallel scan"))}]>,
    Option<"chunk", "chunk", "int64_t", /*default=*/"0",
           "Steps per chunk of the chunked scan (0: chosen from the shapes)">,
    Option<"autoSolver", "auto-solver", "::seqc::SolverChoice",
           /*default=*/"::seqc::SolverChoice::Choose", "What solver auto becomes",
           [{::llvm::cl::values(
               clEnumValN(::seqc::SolverChoice::Choose, "choose", "by shape and target"),
               clEnumValN(::seqc::SolverChoice::Sequential, "sequential", "always sequential"),
               clEnumValN(::seqc::SolverChoice::Newton, "newton", "always Newton"))}]>,
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
    `seq.gla_form = #seq.gla_form<method = ..., chunk, subchunk>`; the
    lowering runs the recurrent form anyway when T < C (decode: T = 1).
  }];
  let options = [
    Option<"form", "form", "::seqc::GLAFormChoice",
           /*default=*/"::seqc::GLAFormChoice::Auto", "auto, chunked or recurrent",
           [{::llvm::cl::values(
               clEnumValN(::seqc::GLAFormChoice::Auto, "auto", "chosen by the target"),
               clEnumValN(::seqc::GLAFormChoice::Chunked, "chunked", "fla's chunkwise form"),
               clEnumValN(::seqc::GLAFormChoice::Recurrent, "recurrent", "the recurrent form"))}]>,
    Option<"chunk", "chunk", "int64_t", /*default=*/"0",
           "Steps per chunk (0: chosen from the shapes)">,
    Option<"subchunk", "subchunk", "int64_t", /*default=*/"0",
           "Steps per sub-chunk (0: chosen; must divide the chunk)">
  ];
}

def SeqSelectLayout : Pass<"seq-select-layout", "mlir::ModuleOp"> {
  let summary = "Choose the data layouts of attention's consumers";
  let description = [{
    Chooses, per consumer, the layout each kernel reads and carries, and
    records it on the op as `seq.layout`: `#seq.gla_layout<keys, state>`
    or `#seq.attention_layout<values>`, which the lowering follows (without
    it: the defaults below). Projections come out as [B, T, H·D]
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

    The options force a choice (`auto`: the rules above, the CPU's model;
    each target has its own, see TargetInfo.h).
  }];
  let options = [
    Option<"state", "state", "::seqc::StateChoice",
           /*default=*/"::seqc::StateChoice::Auto", "GLA state",
           [{::llvm::cl::values(
               clEnumValN(::seqc::StateChoice::Auto, "auto", "chosen by the target"),
               clEnumValN(::seqc::StateChoice::KV, "kv", "[K, V]"),
               clEnumValN(::seqc::StateChoice::VK, "vk", "[V, K]"))}]>,
    Option<"keys", "keys", "::seqc::HeadChoice",
           /*default=*/"::seqc::HeadChoice::Auto", "GLA q, k and decays",
           [{::llvm::cl::values(
               clEnumValN(::seqc::HeadChoice::Auto, "auto", "chosen by the target"),
               clEnumValN(::seqc::HeadChoice::BTHD, "bthd", "in place"),
               clEnumValN(::seqc::HeadChoice::BHTD, "bhtd", "copied per head"))}]>,
    Option<"values", "values", "::seqc::HeadChoice",
           /*default=*/"::seqc::HeadChoice::Auto", "gated_attention V",
           [{::llvm::cl::values(
               clEnumValN(::seqc::HeadChoice::Auto, "auto", "chosen by the target"),
               clEnumValN(::seqc::HeadChoice::BTHD, "bthd", "in place"),
               clEnumValN(::seqc::HeadChoice::BHTD, "bhtd", "copied per kv head"))}]>
  ];
}

def RGNNSelectLayout : Pass<"rgnn-select-layout", "mlir::ModuleOp"> {
  let summary = "Choose compact or dense per-pair tables from graph statistics";
  let description = [{
    A compact table (rows for the pairs present) saves products when few
    of the R·N pairs occur, but gathers its input rows; a dense table
    (all R·N rows, row r·N + n) multiplies x directly by each W_r. With N
    and E known at compile time the expected fraction of pairs present,
    1 − exp(−E / (R·N)), decides; otherwise the decision is made at run
    time from the measured count (`materialize = #rgnn<materialize auto>`).
  }];
  let options = [
    Option<"enable", "enable", "bool", "true",
           "Choose (false: keep compact tables)">,
    Option<"threshold", "threshold", "double", "0.75",
           "Dense when at least this fraction of the R·N pairs is present">
  ];
}

def SeqLowerToTensors : Pass<"seq-lower-to-tensors", "mlir::ModuleOp"> {
  let summary = "Lower the seq ops both targets share to linalg on tensors";
  let description = [{
    The target-independent lowering, by conversion patterns per op family
    (lib/Codegen/Common/Lowering): the building blocks (`linear`,
    `embedding`, `rms_norm`, `layer_norm`, `add`, `mul`, `act`, `glu_mlp`),
    `rnn`, `linear_recurrence`, `causal_conv1d`, `pgn`, `gam`, `gla_core`,
    `gla`, `gated_attention`, `para_gru`, `para_lstm`, the neurons (`lif`,
    `plif`, `if_neuron`, `cuba_lif`), `wkv` and `spiking_rwkv` — every seq op but
    `seq.weight` — become linalg, tensor, scf, arith and math ops on
    tensors. Every projection is
    a `linalg.contract` of x [..., K] and w [N, K] into the broadcast bias
    or zeros, which each target computes its own way. Pieces a target may
    compute its own way are kernel calls: a `func.call` of a private
    function marked `seq.kernel = {name = ..., <parameters>}` whose body is
    the target-independent form (`linear_recurrence`: the scan, sequential
    or chunked into `scf.forall` phases per `seq.scan`; `gla_core`: the
    recurrent form, or the chunkwise one per `seq.gla_form`, its
    intra-chunk part an `scf.forall` over the chunks and its state passed
    along them by a loop; `gla_norm_gate`: the GLA layer's per-head norm
    and gate; `gated_attention`: flash attention's tiling, an `scf.forall`
    over query tiles each walking the key blocks with the online softmax;
    `para_rnn`: ParaRNN's recurrence, solved sequentially (a target's
    kernel may solve it by Newton iterations, as the solver chose);
    `neurons` and `neurons_linear`: a loop over time carrying the membrane
    potential, on the input or on a linear fused into the neuron; `wkv`:
    the running-max state along time; `spike_linear`: a linear on spikes,
    which a target may compute sparsely; `causal_conv_taps` and
    `unfold_window`: long convolutions and PGN windows). The rgnn
    templates are kernel calls too (`graph_layout`, `node_layout`,
    `pair_rows`, `segment_gemm`, `edge_map`, `node_reduce`, carrying the
    template's attributes and `template`, its op name): the layouts'
    checks as reductions and counting sorts as loops carrying index
    tensors, each segment's GEMM a gather and a `linalg.matmul`, edge maps
    parallel generics reading rows by index, node reductions an
    `scf.forall` over destination nodes.
    A `linear` fused into the neuron that is its only user is lowered with
    that neuron. Dynamic sizes that must agree are checked at run
    time: a mismatch stores the number of a message in the module's
    `seqc_status` word (messages in the module attribute
    `seq.check_messages`) and the computation continues over clamped
    sizes, so nothing is read out of bounds.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect", "mlir::memref::MemRefDialect",
    "mlir::scf::SCFDialect", "mlir::tensor::TensorDialect",
    "mlir::func::FuncDialect"
  ];
}

def SeqCheckCommonContract
    : Pass<"seq-check-common-contract", "mlir::ModuleOp"> {
  let summary = "Check what the common pipeline hands to every target";
  let description = [{
    The last pass of the common pipeline. Every target's lowering starts
    from its output, which must be:
    - a module with a `#seq.target`;
    - ops of builtin, func, arith, math, scf, tensor and linalg, of seq
      only `seq.weight`, memref only for the run-time checks' status word,
      nothing of rgnn;
    - calls only of kernel functions (marked `seq.kernel`);
    - every decision made, on the kernel functions: `solver` on
      `para_rnn` (and `scan` with Newton), `form` and `layout` on
      `gla_core`, `layout` on `gated_attention`, `materialize` on
      `pair_rows`.
    A violation is a compiler bug, reported at the op.
  }];
}

//===----------------------------------------------------------------------===//
// What every target's last mile shares (lib/Codegen/Common)
//===----------------------------------------------------------------------===//

def SeqSerializeNestedParallel
    : Pass<"seq-serialize-nested-parallel", "mlir::ModuleOp"> {
  let summary = "Run a parallel loop inside another as sequential loops";
  let description = [{
    An `scf.parallel` (without reductions) nested in another becomes a nest
    of `scf.for` loops over the same bounds: the outer loop's threads share
    the work (convert-scf-to-openmp would otherwise open a parallel region
    per inner loop, in every iteration of the outer one; on a GPU the
    outer loop is the launch and each thread runs the inner ones). The
    target-independent bodies of kernel calls (an `scf.forall` over chunks
    around elementwise ops) come out this way.
  }];
  let dependentDialects = ["mlir::scf::SCFDialect"];
}

//===----------------------------------------------------------------------===//
// The CUDA last mile (lib/Codegen/CUDA), in two steps: loops distributed
// over blocks and threads (seq-cuda-distribute, which a test pipeline runs
// on the CPU), then those loops as GPU launches (seq-cuda-map-to-gpu).
//===----------------------------------------------------------------------===//

def SeqLowerCUDAKernels : Pass<"seq-lower-cuda-kernels", "mlir::ModuleOp"> {
  let summary = "Compute the common lowering's kernel calls by CUDA kernels";
  let description = [{
    Each kernel call (`func.call` of a function marked `seq.kernel`)
    becomes the CUDA target's own kernel for it
    (lib/Codegen/CUDA/Kernels: the neurons, WKV, a sequential
    linear_recurrence and a sequential para_rnn as one parallel loop over
    (batch, channel) whose iterations carry their state through the whole
    time loop; a fused linear as its own product first; ParaRNN's Newton
    solve as one launch, `scf.forall` over blocks of 4 lanes around thread
    loops over (lane, segment) of 128 segments, its iterations an
    `scf.while` in the block; gated attention in flash form, a block per
    16 query rows of a head staging key and value blocks in workgroup
    memory; gla_core chunkwise, a block per (batch row, head, 32 value
    columns) carrying its state slice through the chunks, or step by step
    for decode steps; the GLA layer's norm-gate epilogue; rgnn
    node_reduce with a warp per destination node) or, with
    `kernels=false` or where it
    has none, the function's target-independent body inlined; the kernel
    functions are then erased. A seq op (but `seq.weight`) or an rgnn op
    left is an error.
  }];
  let options = [
    Option<"kernels", "kernels", "bool", /*default=*/"true",
           "Replace kernel calls by the CUDA target's own kernels (false: "
           "compile their target-independent bodies)">
  ];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::bufferization::BufferizationDialect",
    "mlir::gpu::GPUDialect",
    "mlir::linalg::LinalgDialect", "mlir::math::MathDialect",
    "mlir::memref::MemRefDialect", "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect"
  ];
}

def SeqCUDADistribute : Pass<"seq-cuda-distribute", "mlir::ModuleOp"> {
  let summary = "Distribute each outermost parallel loop over GPU blocks and threads";
  let description = [{
    Step one of the CUDA mapping. Each outermost `scf.parallel` of a host
    function (nested ones were serialized) becomes
    `scf.forall (%block) in (ceil(N / threads))` mapped to
    `#gpu.block<x>` around `scf.forall (%thread) in (threads)` mapped to
    `#gpu.thread<x>`, whose body runs the loop's iteration
    `block * threads + thread` (delinearized over the loop's dims) when it
    is below N, the product of the trip counts. A statically sized
    `memref.alloc` in the body (a thread's scratch) becomes a
    `memref.alloca`. A loop whose body allocates with a dynamic size or
    calls a function stays a host loop (serialized). Everything else runs
    on the host, over memory the GPU shares (the runtime allocates the
    module's buffers as managed memory).
  }];
  let options = [
    Option<"threads", "threads", "int64_t", /*default=*/"256",
           "Threads per block">
  ];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::gpu::GPUDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::affine::AffineDialect"];
}

def SeqCUDAForallToParallel
    : Pass<"seq-cuda-forall-to-parallel", "mlir::ModuleOp"> {
  let summary = "The lowering's unmapped scf.forall loops as scf.parallel";
  let description = [{
    Each `scf.forall` without a GPU mapping (the common lowering's phases
    over chunks, heads, nodes) becomes an `scf.parallel` for
    seq-cuda-distribute; a CUDA kernel's own block and thread loops
    (`#gpu.block`, `#gpu.thread`: ParaRNN's Newton launch) are left for
    seq-cuda-map-to-gpu.
  }];
  let dependentDialects = ["mlir::scf::SCFDialect"];
}

def SeqCUDATileLinear : Pass<"seq-cuda-tile-linear", "mlir::ModuleOp"> {
  let summary = "Each linear projection as shared-memory tiles over GPU blocks";
  let description = [{
    Step one of the CUDA mapping for the projections (the linear
    `linalg.contract` of seqc's lowering, y[..., n] += x[..., k] w[n, k],
    on buffers, outside any parallel loop). With `library` (the default),
    where x, w and y are matrices at run time (unit last stride, leading
    dims contiguous), a call `seqc_cuda_gemm(x, w, y, bf16) -> i32` on their
    2-D views hands the product to the GPU's BLAS library (cuBLASLt, which
    the runtime loads; `bf16` is 1 where the product reads bf16 operands:
    a module of `seq.precision = "bf16"`, a product not marked
    `seq.f32_product`); where they are not, or the call returns nonzero (no
    library, no algorithm), the module's own kernel runs: a grid of `tile` x `tile`
    output tiles, `scf.forall` mapped to `#gpu.block<x>` (rows, the leading
    dims flattened) and `#gpu.block<y>` (columns), with three buffers in
    workgroup memory: x's tile, w's tile (padded by a column against bank
    conflicts, since it is read down its columns), the accumulators. Per k-tile, one thread loop (`#gpu.thread<x>`,
    `#gpu.thread<y>`) stages both tiles from global memory (zeros past the
    edges; rounded to bf16 in a module of `seq.precision = "bf16"`), the
    next accumulates their product; a last one adds the
    accumulators to y. Consecutive thread loops are separated by a
    barrier when mapped (seq-cuda-map-to-gpu); run one after another on
    the CPU they mean the same.
  }];
  let options = [
    Option<"tile", "tile", "int64_t", /*default=*/"16",
           "Rows and columns of an output tile (threads per block: tile^2)">,
    Option<"library", "library", "bool", /*default=*/"true",
           "Call the BLAS library first (false: the tiles only)">
  ];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::gpu::GPUDialect",
                           "mlir::func::FuncDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect"];
}

def SeqCUDAHostSharedMemory : Pass<"seq-cuda-host-shared-memory", "mlir::ModuleOp"> {
  let summary = "Workgroup buffers as host memory (test-only CPU simulation)";
  let description = [{
    For `--target=cuda-simulation`: each `memref.alloc` in the GPU's
    workgroup address space (and each view of one) gets the default one,
    and each `memref.alloca`
    there becomes such an allocation freed at the end of its block (an
    alloca scope on the CPU cannot hold the loops around it), so that the
    CPU's last mile can run step one's loops (a block's buffers are its
    own).
  }];
}

def SeqCUDASimulateLibrary : Pass<"seq-cuda-simulate-library", "mlir::ModuleOp"> {
  let summary = "The library's product in loops (test-only CPU simulation)";
  let description = [{
    For `--target=cuda-simulation`: defines `seqc_cuda_gemm` (the
    projections seq-cuda-tile-linear hands to cuBLASLt) as y[m, n] +=
    Σ_k x[m, k] w[n, k] in loops over its 2-D views, so that the simulation
    checks the views and the call against the references. With
    `available=false` it declines (returns 1), as the runtime does without
    cuBLASLt, and the module's tiles run.
  }];
  let options = [
    Option<"available", "available", "bool", /*default=*/"true",
           "Do the product (false: decline it)">
  ];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect"];
}

def SeqCUDAWarpMMA : Pass<"seq-cuda-warp-mma", "mlir::ModuleOp"> {
  let summary = "A kernel's warp tile products on the tensor cores";
  let description = [{
    A CUDA kernel writes a product of bf16 tiles in workgroup memory,
    accumulated into an f32 tile, as a `linalg.matmul` (default maps, rank
    2, M a multiple of 16, N of 8, K of 16) inside a warp loop
    (`scf.forall` mapped to `#gpu.warp<x>`): the warp's 32 lanes compute it
    together. Each becomes `nvvm.mma.sync` m16n8k16 (bf16 operands, f32
    accumulation) per 16 x 8 tile of the result and 16 deep step, every
    lane loading its fragments of A, B and C (`gpu.lane_id`; the PTX ISA's
    fragment layout) and storing its fragment of the result. With
    `emulate` (the CPU simulation of the CUDA pipeline, which has no warps)
    each becomes loops, which the warp loop's one iteration per warp runs.
    Any other `linalg.matmul` in a warp loop is an error.
  }];
  let options = [
    Option<"emulate", "emulate", "bool", "false",
           "Loops instead of mma.sync (the CPU simulation)">
  ];
  let dependentDialects = ["mlir::gpu::GPUDialect", "mlir::NVVM::NVVMDialect",
                           "mlir::LLVM::LLVMDialect", "mlir::scf::SCFDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

def SeqCUDAMapToGPU : Pass<"seq-cuda-map-to-gpu", "mlir::ModuleOp"> {
  let summary = "Turn the distributed loops into gpu.launch";
  let description = [{
    Step two of the CUDA mapping: each `scf.forall` mapped to GPU blocks
    (`#gpu.block<x|y|z>`) becomes a `gpu.launch` with that grid (skipped
    when the grid is empty), its induction variables the block ids. The
    thread loops in its body (`#gpu.thread<x|y|z>`, static sizes; several,
    possibly inside sequential loops) set the block's size (the largest
    per dim); each becomes its body for the threads below its size, its
    induction variables the thread ids, with a `gpu.barrier` after it
    unless it ends the kernel. A warp loop (`#gpu.warp<x>`, static size W)
    is the same for whole warps: its induction variable the warp of the
    thread (linear id / 32), run by the warps below W; the block has at
    least 32 W threads (x grows to that where y and z are 1). Workgroup-memory allocations (`memref.alloc`
    or `memref.alloca`) at the top of the body become the launch's
    workgroup attributions.
    `gpu-kernel-outlining` then makes each launch a kernel.
  }];
  let dependentDialects = ["mlir::gpu::GPUDialect"];
}

def SeqCUDAKernelOnlyInputs
    : Pass<"seq-cuda-kernel-only-inputs", "mlir::ModuleOp"> {
  let summary = "Note the entry's inputs that only kernels read";
  let description = [{
    After seq-cuda-distribute: an input of the entry (an argument of the
    public function with a `seq.name`) whose every use outside the loops
    over `#gpu.block` is a view of it (followed), its base buffer or a
    `memref.dim` is read by kernels only; anything else (a host load or store, a copy, a call, a
    return) means the host code touches it. The names go to the module's
    `seq.kernel_only_inputs`, and from there to the signature, so that the
    runtime uses a caller's device memory for them without a copy.
  }];
}

def SeqCUDAGatherKernels : Pass<"seq-cuda-gather-kernels", "mlir::ModuleOp"> {
  let summary = "Gather the outlined kernels into one gpu.module per target list";
  let description = [{
    `gpu-kernel-outlining` makes a `gpu.module` per launch. Their kernels
    move into one module, `@seqc_kernels`, each renamed after the module it
    came from, and the launches follow; the module gets an
    `#nvvm.target` per architecture of `archs`, so that
    `gpu-module-to-binary` makes one cubin per architecture.
  }];
  let options = [
    ListOption<"archs", "archs", "std::string",
               "CUDA architectures (sm_NN), oldest first">
  ];
  let dependentDialects = ["mlir::gpu::GPUDialect", "mlir::NVVM::NVVMDialect"];
}

//===----------------------------------------------------------------------===//
// The CPU's last mile (lib/Codegen/CPU)
//===----------------------------------------------------------------------===//

def SeqLowerCPUKernels : Pass<"seq-lower-cpu-kernels", "mlir::ModuleOp"> {
  let summary = "Compute the common lowering's kernel calls by CPU kernels";
  let description = [{
    First the common lowering's kernel calls (`func.call` of a function
    marked `seq.kernel`): each becomes the CPU's own kernel for it
    (lib/Codegen/CPU/Kernels/KernelCalls.cpp: the lane scans of
    linear_recurrence, the register-tiled GLA and attention kernels, the
    neurons and WKV with their state in registers, the accumulate-only
    linear on sparse spikes, ParaRNN sequentially or by Newton iterations
    with lane scans, loops over lane blocks for long convolutions,
    PGN's long windows and the GLA norm gate; the rgnn templates' calls by
    the graph kernels: sequential counting sorts, the packed GEMM per
    segment through index lists, vector, memref and scf.parallel code for
    the traversals), or, with `kernels=false` or where the CPU has none,
    the function's target-independent body inlined; the kernel functions
    are then erased. A kernel's run-time checks report under the numbers
    of the same messages of its body. A seq op (but `seq.weight`) or an
    rgnn op left is an error.
  }];
  let options = [
    Option<"kernels", "kernels", "bool", /*default=*/"true",
           "Replace kernel calls by the CPU's own kernels (false: compile "
           "their target-independent bodies, e.g. to test them)">,
    Option<"rnnTeamWork", "rnn-team-work", "int64_t", /*default=*/"65536",
           "seq.rnn's time loop runs on a team of threads kept across the "
           "steps when a step's recurrent product has this many FMAs and "
           "the loop 16 times that (0: always, with more than one thread)">
  ];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect", "mlir::memref::MemRefDialect",
    "mlir::scf::SCFDialect", "mlir::tensor::TensorDialect",
    "mlir::bufferization::BufferizationDialect", "mlir::vector::VectorDialect"
  ];
}

def SeqLowerLinearToGemm
    : Pass<"seq-lower-linear-to-gemm", "mlir::ModuleOp"> {
  let summary = "Compute linear contractions by the packed GEMM kernel";
  let description = [{
    Each `linalg.contract` in the form of a linear (x [..., K], w [N, K]
    into y [..., N], f32) becomes the register-blocked GEMM of
    lib/Codegen/CPU/Kernels/Gemm.h: W packed into panels of 32 columns (a
    model weight once per module, in a global; any other W before the
    outermost loop that does not define it), the bias of a
    `linalg.broadcast` init loaded into the accumulators, a zero
    `linalg.fill` init no bias, any other init added after.

    With the module's `seq.precision = "bf16"`, W is packed as bf16 (pairs
    of k interleaved), x rounded to bf16 rows per product, and the products
    accumulate in f32: by `amx.tile_mulf` on 32 x 32 blocks where the
    `#seq.target` has `bf16_tiles`, else by `x86vector.avx512.dot`
    (vdpbf16ps) in the register block where it has `bf16_dot`; on other
    targets the products stay f32.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::linalg::LinalgDialect",
    "mlir::memref::MemRefDialect", "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect", "mlir::bufferization::BufferizationDialect",
    "mlir::vector::VectorDialect", "mlir::x86vector::X86VectorDialect",
    "mlir::amx::AMXDialect"
  ];
  let options = [
    Option<"bf16Kernel", "bf16-kernel", "std::string", /*default=*/"\"auto\"",
           "bf16 products by: auto (tiles where the target has them, else "
           "dot), tiles or dot (an error where the target lacks it)">
  ];
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

def SeqCPUCallerBuffers : Pass<"seq-cpu-caller-buffers", "mlir::ModuleOp"> {
  let summary = "Allocate @main's results where the caller asked for them";
  let description = [{
    After bufferization: each result of the model function that is a
    fresh allocation (a `memref.alloc` with the identity layout in its
    body, or a reshape of one, returned once) is allocated by a call of
    `seqc_result_buffer` (Passes.h) and viewed with the allocation's type. The call returns the
    buffer the runtime offered for that result (a caller's buffer, see
    seqc_module_run_into) when it has exactly the result's bytes, else
    allocates one; the module's kernels then write the result there, with
    no copy after the run. Results that are not such an allocation (an
    input returned, a view) are left: the runtime copies them.
  }];
  let dependentDialects = ["mlir::func::FuncDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect"];
}

def SeqCPUTeamRegions : Pass<"seq-cpu-team-regions", "mlir::ModuleOp"> {
  let summary = "Make the CPU kernels' thread teams OpenMP parallel regions";
  let description = [{
    After bufferization: each `scf.parallel` marked `seq.team` (a kernel's
    team of threads, e.g. seq.rnn's time loop, Passes.h) becomes an
    `omp.parallel` whose region is the loop's body, run once by each
    member of the team; the calls of `seqc_team_barrier` in it become
    `omp.barrier`. The loop's bounds are not used: the body asks OpenMP
    for its thread number and the team's size. A barrier call outside a
    team is an error.
  }];
  let dependentDialects = ["mlir::omp::OpenMPDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::func::FuncDialect"];
}

def SeqCPUSerialSmallParallel
    : Pass<"seq-cpu-serial-small-parallel", "mlir::ModuleOp"> {
  let summary = "Run parallel loops with little work on the calling thread";
  let description = [{
    Before convert-scf-to-openmp: each outermost `scf.parallel` (without
    reductions) becomes `scf.if (work >= threshold) { the loop } else {
    its serial copy, a nest of scf.for }`, so that a loop with little work
    costs no fork and join of the OpenMP team (nor libomp's worksharing
    setup). The work is estimated before the loop at run time: its
    iterations times the units of one iteration, where an op is one unit
    (a vector op one per 16 lanes) and an `scf.for` its trip count times
    its body's. Bounds computed inside the loop from the induction
    variables by pure arithmetic are taken at the first iteration (copied
    before the loop, each induction variable its lower bound: a block of
    rows counts the first block's rows); a loop whose bounds are otherwise
    unknown counts 4096 trips, and a while loop or a call 4096 units, so
    that only work known to be small runs serially; a parallel loop whose
    own bounds are not known before it stays as it is.
  }];
  let options = [
    Option<"threshold", "threshold", "int64_t", /*default=*/"32768",
           "Units of work from which a loop runs on the team (0: every "
           "loop, as without this pass)">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::scf::SCFDialect"];
}

def SeqAMXBlockArguments
    : Pass<"seq-amx-block-arguments", "mlir::ModuleOp"> {
  let summary = "Give block arguments that carry AMX tiles the LLVM tile type";
  let description = [{
    The bf16 GEMM's AMX kernel carries its four accumulator tiles through
    its loop over k (scf.for iter_args, then block arguments). After
    convert-vector-to-llvm{enable-amx} has made every amx op an LLVM
    intrinsic, the block arguments still have the `!amx.tile` type, which
    no later conversion to LLVM knows: this pass makes them
    `!llvm.x86_amx`, passes the branches the LLVM tiles behind their casts,
    and drops the casts that became no-ops. LLVM's AMX passes then
    configure the tiles across the loop.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def SeqInlineAllocaScopes
    : Pass<"seq-inline-alloca-scopes", "mlir::ModuleOp"> {
  let summary = "Inline the alloca scopes that hold no stack allocation";
  let description = [{
    convert-scf-to-openmp wraps each parallel loop's body in a
    `memref.alloca_scope`, and the canonicalizer inlines one only when
    nothing in it may allocate on the stack, counting any call (such as
    bufferization's dealloc helper) as an allocation; a scope left around
    an `scf.for` then fails convert-scf-to-cf (an alloca scope holds one
    block). A scope with no `memref.alloca` directly in it (not within a
    nested allocation scope) is inlined here: a callee's stack frame is its
    own.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

#endif // SEQC_CODEGEN_PASSES
