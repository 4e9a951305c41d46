//===- Scan.h - Linear recurrences over time: sequential or chunked -------===//
//
// s_t = A_t s_{t−1} + b_t per element, where s is a scalar (n = 1:
// linear_recurrence, the diagonal Newton step of para_gru) or a pair
// (n = 2: the 2×2-block Newton step of para_lstm). Two forms, chosen by
// `seq-select-scan` and recorded on the op:
//
// - sequential: a parallel loop over (batch, lane blocks) around the loop
//   over time, the state in vector registers;
// - chunked: time cut into chunks; (1) each chunk's transfer (Π A, the
//   state reached from zero) in parallel over (batch, chunk, lane block),
//   (2) the carries into each chunk by a short loop over chunks, (3) each
//   chunk scanned again from its carry in parallel, writing the states.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_LIB_CODEGEN_CPU_KERNELS_SCAN_H
#define SEQC_LIB_CODEGEN_CPU_KERNELS_SCAN_H

#include "VectorLoops.h"
#include "lib/Codegen/Common/TensorBuilder.h"

namespace seqc {

/// The form of a scan, read from the op's `seq.scan` (#seq.scan, chosen by
/// seq-select-scan); sequential when absent.
struct ScanForm {
  bool chunked = false;
  int64_t chunk = 0; // steps per chunk, when chunked
  static ScanForm of(mlir::Operation *op);
  /// From a #seq.scan (sequential when null).
  static ScanForm of(mlir::Attribute scan);
  /// Number of chunks of `steps` (1 for the sequential form).
  mlir::Value numChunks(TensorBuilder &b, mlir::Value steps) const;
};

/// Buffers of one scan; every buffer is f32 with `width` innermost.
struct ScanBuffers {
  int n = 1;
  llvm::SmallVector<mlir::Value> a;     ///< n·n of [B, T, D], row-major
  llvm::SmallVector<mlir::Value> b;     ///< n of [B, T, D]
  llvm::SmallVector<mlir::Value> init;  ///< n of [B, D] or null (zero), or none
  llvm::SmallVector<mlir::Value> out;   ///< n of [B, T, D]
  llvm::SmallVector<mlir::Value> final; ///< n of [B, D], or none
};

/// Lanes of a block: the state, the chunk transfer and the loads of one
/// step stay within the 16 AVX registers.
int64_t scanLanes(int n);

/// The state before the first step of lane block `lb`: each of the `n`
/// buffers [B, D] in `init` read at the block's batch row, zero where the
/// buffer is null or `init` empty.
llvm::SmallVector<mlir::Value>
loadInitialState(mlir::ImplicitLocOpBuilder &ib, const LaneBlock &lb, int n,
                 mlir::ArrayRef<mlir::Value> init);

/// [lo, hi) of chunk `c` of `chunk` steps in [0, steps).
std::pair<mlir::Value, mlir::Value> chunkBounds(mlir::ImplicitLocOpBuilder &ib,
                                                mlir::Value c, int64_t chunk,
                                                mlir::Value steps);

/// Emits the scan in `form`.
void buildScan(TensorBuilder &b, const ScanForm &form, mlir::Value batch,
               mlir::Value steps, mlir::Value width, const ScanBuffers &bufs);

} // namespace seqc

#endif // SEQC_LIB_CODEGEN_CPU_KERNELS_SCAN_H
