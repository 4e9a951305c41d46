//===- VectorLoops.h - Explicit loop nests over lanes of neurons/channels -===//
//
// Recurrences that run along time per element (spiking neurons, WKV) keep
// their state in vector registers: a parallel loop over (batch, blocks of
// kLanes elements) around a sequential loop over time, with masked loads
// and stores for the last partial block. These helpers build that nest on
// buffers taken from tensors (bufferization.to_buffer / to_tensor).
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_LIB_CODEGEN_CPU_KERNELS_VECTORLOOPS_H
#define SEQC_LIB_CODEGEN_CPU_KERNELS_VECTORLOOPS_H

#include "lib/Codegen/Common/TensorBuilder.h"

#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <functional>

namespace seqc {

/// Elements per lane block. A block walks time with a stride of one input
/// row, so wide blocks use whole cache lines and pages per step; neurons
/// (one state vector) take 128 lanes, sixteen AVX registers of state,
/// measured fastest on `bench/bench.py --cases lif`; WKV (three state
/// vectors) takes 32.
constexpr int64_t kNeuronLanes = 128;
constexpr int64_t kWKVLanes = 32;

/// One block of lanes at (outer indices, first element n0); `b` is the
/// first outer index (the batch); `mask` is null for a full block.
struct LaneBlock {
  llvm::SmallVector<mlir::Value> outer;
  mlir::Value b, n0, mask;
  mlir::VectorType type;
  /// Load of buffer[idx..., n0 : n0 + lanes] (0 in masked-off lanes).
  mlir::Value load(mlir::ImplicitLocOpBuilder &ib, mlir::Value buffer,
                   mlir::ValueRange leading) const;
  void store(mlir::ImplicitLocOpBuilder &ib, mlir::Value value,
             mlir::Value buffer, mlir::ValueRange leading) const;
  mlir::Value splat(mlir::ImplicitLocOpBuilder &ib, mlir::Value scalar) const;
  mlir::Value splat(mlir::ImplicitLocOpBuilder &ib, double v) const;
};

/// scf.parallel over (outer indices in [0, outer[i]), blocks of `lanes` in
/// [0, width)), calling `body` for each block.
void forEachLaneBlock(TensorBuilder &b, mlir::ValueRange outer,
                      mlir::Value width, int64_t lanes,
                      const std::function<void(mlir::ImplicitLocOpBuilder &,
                                               const LaneBlock &)> &body);

} // namespace seqc

#endif // SEQC_LIB_CODEGEN_CPU_KERNELS_VECTORLOOPS_H
