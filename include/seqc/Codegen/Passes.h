//===- Passes.h - The strategy passes and the pipelines -------------------===//
#ifndef SEQC_CODEGEN_PASSES_H
#define SEQC_CODEGEN_PASSES_H

#include "dialects/seq/SeqDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace seqc {

/// The strategy passes' forcing options (`auto`: the target decides).
enum class ScanChoice { Auto, Sequential, Chunked };
enum class SolverChoice { Choose, Sequential, Newton };
enum class GLAFormChoice { Auto, Chunked, Recurrent };
enum class StateChoice { Auto, KV, VK };
enum class HeadChoice { Auto, BTHD, BHTD };

/// The function through which a CUDA module's host code hands a projection
/// y += x wᵀ to the GPU's BLAS library (cuBLASLt, which the runtime loads):
/// `seqc_cuda_gemm(x, w, y, bf16 : i32) -> i32` on three 2-D f32 views with
/// unit column stride, x [M, K], w [N, K], y [M, N]. It returns 0 when it added
/// x wᵀ to y, nonzero when it declined (no library, no algorithm for the
/// shapes); the module's own kernels then run. lib/Target/CUDA makes it a call
/// of the module's seqc_cuda_calls; the CPU simulation defines it in loops.
/// With `bf16` nonzero (a product of a `seq.precision = "bf16"` module that is
/// not marked kF32Product) the product reads x and w rounded to bf16 and
/// accumulates in f32 (the runtime asks cuBLASLt for
/// CUBLAS_COMPUTE_32F_FAST_16BF: tensor cores).
constexpr llvm::StringLiteral kCUDAGemm = "seqc_cuda_gemm";

/// A team of threads until seq-cpu-team-regions: an `scf.parallel` with
/// this unit attribute, whose body each member of an OpenMP team runs once
/// (it asks omp_get_thread_num/omp_get_num_threads who it is; the loop's
/// bounds are not used), with calls of kTeamBarrier (no arguments) in it
/// for the team's barriers. (An OpenMP region and barrier before
/// bufferization would stop the buffer deallocation pipeline, which knows
/// neither.)
constexpr llvm::StringLiteral kTeamAttr = "seq.team";
constexpr llvm::StringLiteral kTeamBarrier = "seqc_team_barrier";

/// What a CPU module's results are allocated through (seq-cpu-caller-
/// buffers): `seqc_result_buffer(word, bytes) -> memref<?xi8>`, `word`
/// the result's first word in the entry's results (seqc_module_abi.h).
/// It returns the buffer the runtime offered there when that buffer holds
/// exactly `bytes`, else a new allocation; lib/Target/CPU defines it.
constexpr llvm::StringLiteral kResultBuffer = "seqc_result_buffer";

#define GEN_PASS_DECL
#include "seqc/Codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

#endif // SEQC_CODEGEN_PASSES_H
