//===- CUDATargetInfo.cpp - A first cost model for CUDA GPUs --------------===//
//
// The CUDA target's answers to the strategy passes. A GPU has thousands of
// threads: the parallel forms (chunked scans, chunkwise GLA) pay wherever
// the sequence is long enough to cut, and per-head copies keep loads
// coalesced. The CUDA lowering (issue 18) measures and refines these.
//
//===----------------------------------------------------------------------===//
#include "dialects/seq/TargetArch.h"
#include "seqc/Codegen/TargetInfo.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace seqc;
using seq::HeadLayout;
using seq::StateLayout;

namespace {

/// Steps per chunk of scans: one chunk per block.
constexpr int64_t kChunk = 64;
/// Steps per chunk of chunkwise GLA (Kernels/GLA.cpp): a block's chunk of
/// q, k and the gates in workgroup memory beside its slice of the state
/// (16 steps of 128 key dims and a 128 × 32 slice: 44 KB).
constexpr int64_t kGLAChunk = 16;
/// The most state elements for which Newton pays: a sixteenth of an
/// H100's resident threads.
constexpr int64_t kNewtonStates = 16384;

class CUDATargetInfo : public TargetInfo {
public:
  using TargetInfo::TargetInfo;

  bool chunkedScanPays(const RecurrenceShape &r) const override {
    return ShapedType::isDynamic(r.steps) || r.steps >= 2 * kChunk;
  }
  int64_t scanChunk(const RecurrenceShape &) const override { return kChunk; }
  /// Newton's launch (Kernels/ParaRNN.cpp) walks T/128 + 128 + T/128
  /// steps per thread and iteration where the sequential kernel walks T,
  /// but reads the sequence twice per iteration where that reads it once:
  /// it pays for long sequences (static T ≥ 1024) while the lanes are few
  /// enough that the sequential kernel waits on latency, not on bandwidth
  /// (at most kNewtonStates state elements B·H·n). A first model, for the
  /// GPU benchmark to refine (bench/bench_cuda_pararnn.sh).
  bool newtonPays(const RecurrenceShape &r) const override {
    return !ShapedType::isDynamic(r.steps) && r.steps >= 1024 &&
           r.batch * r.width * r.n <= kNewtonStates;
  }
  bool chunkedGLAPays(const GLAShape &) const override { return true; }
  int64_t glaChunk() const override { return kGLAChunk; }
  /// The CUDA kernel has no sub-chunks (the CPU's register tiles).
  int64_t glaSubChunk(int64_t chunk) const override { return chunk; }
  StateLayout glaState(const GLAShape &) const override {
    return StateLayout::kv;
  }
  HeadLayout glaKeys(const GLAShape &, StateLayout) const override {
    return HeadLayout::bhtd;
  }
  HeadLayout attentionValues(int64_t) const override {
    return HeadLayout::bhtd;
  }
};

/// Shared memory a block may use on `sm` (the opt-in maximum).
int64_t sharedMemoryBytes(int sm) {
  if (sm >= 90)
    return 232448;
  if (sm == 80 || sm == 87)
    return 166912;
  if (sm == 86 || sm == 89)
    return 101376;
  if (sm >= 70)
    return 98304;
  return 49152;
}

} // namespace

std::unique_ptr<TargetInfo> seqc::createCUDATargetInfo(seq::TargetAttr attr) {
  return std::make_unique<CUDATargetInfo>(attr);
}

seq::TargetAttr seqc::describeCUDA(MLIRContext *ctx, StringRef arch,
                                   int64_t warps, std::string &error) {
  unsigned sm = seq::cudaArchNumber(arch);
  if (sm < 50) {
    error = "unknown CUDA arch '" + arch.str() + "' (expected sm_NN, NN >= 50)";
    return {};
  }
  if (warps < 1 || warps > 32) {
    error = "warps must be in 1..32, not " + std::to_string(warps);
    return {};
  }
  return seq::TargetAttr::get(ctx, seq::TargetKind::cuda, 0, 0, 0, 0, 0, 0,
                              arch, sharedMemoryBytes(int(sm)), warps,
                              /*bf16Dot=*/false, /*bf16Tiles=*/false);
}
