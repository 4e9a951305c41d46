//===- CPUTargetInfo.cpp - The CPU's cost model for the strategy passes ---===//
//
// The choices of seq-select-scan, seq-chunk-gla and seq-select-layout for
// the CPU kernels (Kernels/): vector blocks of 16 or 32 lanes, the
// GLA state in registers, OpenMP workers. Every constant was measured on
// the kernels it describes (the comments say how).
//
//===----------------------------------------------------------------------===//
#include "seqc/Codegen/GLAKernelShapes.h"
#include "seqc/Codegen/TargetInfo.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/TargetParser/Host.h"

#include <thread>
#include <unistd.h>

using namespace mlir;
using namespace seqc;
using seq::HeadLayout;
using seq::StateLayout;
namespace gla = seqc::gla;
using gla::ceilDiv;

namespace {

/// Chunked scans: chunks have at least this many steps, and a sequence is
/// cut only from 4 such chunks on.
constexpr int64_t kMinScanChunk = 64;
/// GLA chunk and sub-chunk sizes when the pass chooses them.
constexpr int64_t kGLAChunk = 64, kGLASubChunk = 16;
/// The chunkwise GLA form does about this many times the recurrent form's
/// work (measured: gla_core H=1, K=64, V=16, T=8192: 5.0 ms on 2 threads
/// against 0.55 ms on one, about 18 times), so it pays only with at least
/// this many threads per task of the recurrent form, which it leaves idle.
constexpr int64_t kThreadsPerGLATask = 16;
/// A horizontal sum of a vector's 16 lanes: about 4 shuffles and 4 adds.
constexpr int64_t kReduceOps = 8;
/// A copy per head pays for itself when the consumer reads each row at
/// least this many times (measured on gla_core, K = 64, T = 2048..8192: a
/// per-head copy of q, k and the decays is 6% faster when 8 blocks of
/// value columns read them and 4% slower with one).
constexpr int64_t kCopyReuse = 4;
/// gated_attention reads V per kv head from T steps on (or T unknown): a
/// tile reads every V row up to its own, and once a head's rows, a fused
/// projection row apart, no longer stay in cache, compact rows pay for the
/// copy (the benchmark's layer, 4 KB rows, ms in place / per head: T = 256:
/// 2.57 / 2.58, T = 2048: 42.5 / 36.2).
constexpr int64_t kValueCopySteps = 512;

/// Vector ops per step and head of the recurrent GLA forms: [K, V] does 3
/// per key row and 16 value columns; [V, K] 3 per value column and 16 keys,
/// plus a horizontal sum per value column, and its ops measured about
/// twice as slow (gla_core, H = 4, K = 64, T = 8192, 2 threads; [K, V]
/// against [V, K] ms: V = 4: 3.2 / 1.7, V = 8: 2.3 / 3.0, V = 16: 2.3 /
/// 3.7, V = 32: 3.1 / 7.1).
int64_t stateCost(int64_t keyDim, int64_t valueDim, bool vk) {
  if (vk)
    return 2 * (3 * valueDim * ceilDiv(keyDim, gla::kLanes) +
                kReduceOps * valueDim);
  return 3 * keyDim * ceilDiv(valueDim, gla::kLanes);
}

class CPUTargetInfo : public TargetInfo {
public:
  using TargetInfo::TargetInfo;

  int64_t threads() const { return attr.getThreads(); }

  /// Independent lane blocks of the sequential scan: blocks of 32 state
  /// elements, 16 for 2×2 blocks, per sequence.
  static int64_t laneBlocks(const RecurrenceShape &r) {
    int64_t lanes = r.n == 1 ? 32 : 16;
    return r.batch * ceilDiv(r.width, lanes);
  }

  /// The sequential form reads the input once and suffices when the lane
  /// blocks keep every thread busy; otherwise time is cut into chunks.
  bool chunkedScanPays(const RecurrenceShape &r) const override {
    return laneBlocks(r) < 2 * threads() &&
           (ShapedType::isDynamic(r.steps) || r.steps >= 4 * kMinScanChunk);
  }

  /// About four blocks of work per thread.
  int64_t scanChunk(const RecurrenceShape &r) const override {
    if (ShapedType::isDynamic(r.steps))
      return 4 * kMinScanChunk;
    int64_t pieces = ceilDiv(4 * threads(), laneBlocks(r));
    return std::max(kMinScanChunk, ceilDiv(r.steps, pieces));
  }

  /// Newton does several times the work of one sequential pass: only for
  /// long sequences (static T ≥ 1024) where the sequential form would
  /// leave at least 7 of 8 threads idle.
  bool newtonPays(const RecurrenceShape &r) const override {
    return !ShapedType::isDynamic(r.steps) && r.steps >= 1024 &&
           8 * laneBlocks(r) <= threads();
  }

  /// The recurrent form is parallel over batch × heads × blocks of 16
  /// value columns. Its kernel now takes 4 blocks per parallel task; the
  /// threshold was measured with one block, where the two counts agree.
  bool chunkedGLAPays(const GLAShape &g) const override {
    int64_t tasks = g.batch * g.heads * ceilDiv(g.valueDim, gla::kLanes);
    return threads() >= kThreadsPerGLATask * tasks;
  }
  int64_t glaChunk() const override { return kGLAChunk; }
  int64_t glaSubChunk(int64_t chunk) const override {
    return std::min(kGLASubChunk, chunk);
  }

  StateLayout glaState(const GLAShape &g) const override {
    return stateCost(g.keyDim, g.valueDim, true) <
                   stateCost(g.keyDim, g.valueDim, false)
               ? StateLayout::vk
               : StateLayout::kv;
  }
  HeadLayout glaKeys(const GLAShape &g, StateLayout state) const override {
    return gla::keyReads(g.keyDim, g.valueDim, state == StateLayout::vk) >=
                   kCopyReuse
               ? HeadLayout::bhtd
               : HeadLayout::bthd;
  }
  HeadLayout attentionValues(int64_t steps) const override {
    return ShapedType::isDynamic(steps) || steps >= kValueCopySteps
               ? HeadLayout::bhtd
               : HeadLayout::bthd;
  }
};

/// A data cache's size from sysconf (0 when the system does not say).
int64_t cacheBytes(int name) {
  long bytes = sysconf(name);
  return bytes > 0 ? int64_t(bytes) : 0;
}

} // namespace

std::unique_ptr<TargetInfo> seqc::createCPUTargetInfo(seq::TargetAttr attr) {
  return std::make_unique<CPUTargetInfo>(attr);
}

seq::TargetAttr seqc::describeCPU(MLIRContext *ctx, int64_t threads,
                                  const std::vector<std::string> &features,
                                  bool host) {
  if (threads <= 0)
    threads = std::max<int64_t>(1, std::thread::hardware_concurrency());
  threads = std::min<int64_t>(threads, 1024);
  auto has = [&](StringRef f) { return llvm::is_contained(features, f); };
  int64_t bits = has("avx512f") ? 512 : has("avx") ? 256 : 128;
  int64_t registers = has("avx512f") ? 32 : 16;
  int64_t l1 = 0, l2 = 0, l3 = 0;
  if (host) {
    l1 = cacheBytes(_SC_LEVEL1_DCACHE_SIZE);
    l2 = cacheBytes(_SC_LEVEL2_CACHE_SIZE);
    l3 = cacheBytes(_SC_LEVEL3_CACHE_SIZE);
  }
  return seq::TargetAttr::get(
      ctx, seq::TargetKind::cpu, threads, bits, registers, l1, l2, l3, "", 0, 0,
      has("avx512bf16"), has("amx-tile") && has("amx-bf16"));
}

seq::TargetAttr seqc::describeHostCPU(MLIRContext *ctx, int64_t threads) {
  std::vector<std::string> features;
  for (const auto &[name, on] : llvm::sys::getHostCPUFeatures())
    if (on)
      features.push_back(name.str());
  return describeCPU(ctx, threads, features, /*host=*/true);
}
