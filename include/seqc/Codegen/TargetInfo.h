//===- TargetInfo.h - What the strategy passes ask of a target ------------===//
//
// A module's `#seq.target` says what it is compiled for; a TargetInfo turns
// it into the choices the strategy passes (Codegen/Common/Strategy) make
// for `auto`: scan forms, solvers, GLA forms and layouts. Each target has
// its cost model (Codegen/CPU/CPUTargetInfo.cpp, Codegen/CUDA/...); the
// passes record the choice as a typed attribute that every target's
// lowering reads the same way.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_CODEGEN_TARGETINFO_H
#define SEQC_CODEGEN_TARGETINFO_H

#include "dialects/seq/SeqDialect.h"

#include "mlir/IR/BuiltinOps.h"

#include <memory>
#include <string>
#include <vector>

namespace seqc {

/// A recurrence over x [B, T, ...]: `batch` (1 when not known: streaming
/// and decoding run one sequence), `steps` (ShapedType::kDynamic when not
/// known), `width` state elements, in blocks of `n` × `n` (1 or 2).
struct RecurrenceShape {
  int64_t batch, steps, width;
  int n;
};

/// One GLA head's work: batch (1 when not known), heads, and per head
/// keyDim and valueDim.
struct GLAShape {
  int64_t batch, heads, keyDim, valueDim;
};

class TargetInfo {
public:
  explicit TargetInfo(seq::TargetAttr attr) : attr(attr) {}
  virtual ~TargetInfo();

  /// The target of `module` (its `seq.target`); null, after an error on the
  /// module naming `pass`, when it has none.
  static std::unique_ptr<TargetInfo> forModule(mlir::ModuleOp module,
                                               llvm::StringRef pass);
  static std::unique_ptr<TargetInfo> get(seq::TargetAttr attr);

  seq::TargetAttr getAttr() const { return attr; }

  /// seq-select-scan: whether a chunked scan beats the sequential form,
  /// and its steps per chunk when the pass chooses it.
  virtual bool chunkedScanPays(const RecurrenceShape &r) const = 0;
  virtual int64_t scanChunk(const RecurrenceShape &r) const = 0;
  /// seq-select-scan: whether `solver = auto` solves by Newton.
  virtual bool newtonPays(const RecurrenceShape &r) const = 0;
  /// seq-chunk-gla: whether the chunkwise form beats the recurrent one, and
  /// its chunk and sub-chunk when the pass chooses them.
  virtual bool chunkedGLAPays(const GLAShape &g) const = 0;
  virtual int64_t glaChunk() const = 0;
  virtual int64_t glaSubChunk(int64_t chunk) const = 0;
  /// seq-select-layout: a GLA head's state layout, and whether q, k and
  /// the decays are copied per head (given the state layout).
  virtual seq::StateLayout glaState(const GLAShape &g) const = 0;
  virtual seq::HeadLayout glaKeys(const GLAShape &g,
                                  seq::StateLayout state) const = 0;
  /// seq-select-layout: gated attention's V rows for `steps` (kDynamic
  /// when not known).
  virtual seq::HeadLayout attentionValues(int64_t steps) const = 0;

protected:
  seq::TargetAttr attr;
};

/// The per-target models (Codegen/CPU, Codegen/CUDA).
std::unique_ptr<TargetInfo> createCPUTargetInfo(seq::TargetAttr attr);
std::unique_ptr<TargetInfo> createCUDATargetInfo(seq::TargetAttr attr);

/// A CPU target with `threads` workers (0: this machine's hardware threads)
/// for code using the LLVM CPU features `features` ("+avx2", ...); the data
/// caches are this machine's when `host`, else unknown (0).
seq::TargetAttr describeCPU(mlir::MLIRContext *ctx, int64_t threads,
                            const std::vector<std::string> &features,
                            bool host);
/// This machine as a CPU target.
seq::TargetAttr describeHostCPU(mlir::MLIRContext *ctx, int64_t threads);
/// A CUDA target for `arch` (sm_NN): its shared memory per block, and
/// `warps` per block. Null, after a message in `error`, for an arch that is
/// not sm_NN (NN >= 50) or warps not in 1..32.
seq::TargetAttr describeCUDA(mlir::MLIRContext *ctx, llvm::StringRef arch,
                             int64_t warps, std::string &error);

} // namespace seqc

#endif // SEQC_CODEGEN_TARGETINFO_H
