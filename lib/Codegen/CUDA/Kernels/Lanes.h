//===- Lanes.h - A GPU thread per lane, its loop over time ------*- C++ -*-===//
//
// The pieces the CUDA kernels are built from (besides the loops and index
// arithmetic of Common/LoopBuilders.h): a parallel loop over lanes
// (batch, channel), each iteration one GPU thread; a time loop carrying a
// state in registers; loads and stores in memref form; and, for a kernel
// whose threads share work, a loop over blocks (#gpu.block<x>) holding
// workgroup buffers, thread loops (#gpu.thread<x, y>) and warp loops
// (#gpu.warp<x>), each of which seq-cuda-map-to-gpu ends with a barrier.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_LIB_CODEGEN_CUDA_KERNELS_LANES_H
#define SEQC_LIB_CODEGEN_CUDA_KERNELS_LANES_H

#include "lib/Codegen/Common/LoopBuilders.h"
#include "lib/Codegen/Common/TensorBuilder.h"

namespace seqc {

/// One lane's body: its batch row and channel.
using LaneFn = mlir::function_ref<void(mlir::ImplicitLocOpBuilder &,
                                       mlir::Value b, mlir::Value c)>;
/// One step: the state after step `t` from the state before it.
using StepFn = mlir::function_ref<llvm::SmallVector<mlir::Value>(
    mlir::ImplicitLocOpBuilder &, mlir::Value t, mlir::ValueRange state)>;

/// An scf.parallel over the lanes (b, c) of [0, batch) × [0, width).
void forEachLane(TensorBuilder &b, mlir::Value batch, mlir::Value width,
                 LaneFn body);

/// The state carried through steps [from, to) from `init`: the last one.
llvm::SmallVector<mlir::Value> timeLoop(mlir::ImplicitLocOpBuilder &ib,
                                        mlir::Value from, mlir::Value to,
                                        mlir::ValueRange init, StepFn step);

mlir::Value load(mlir::ImplicitLocOpBuilder &ib, mlir::Value buffer,
                 mlir::ValueRange at);
/// `load()` where `cond` holds (only there), else 0 (f32): a stage's
/// elements past the sequence or the tile.
mlir::Value
loadOrZero(mlir::ImplicitLocOpBuilder &ib, mlir::Value cond,
           mlir::function_ref<mlir::Value(mlir::ImplicitLocOpBuilder &)> load);
void store(mlir::ImplicitLocOpBuilder &ib, mlir::Value value,
           mlir::Value buffer, mlir::ValueRange at);

/// A thread loop's body: its thread ids x and y.
using ThreadFn = mlir::function_ref<void(mlir::ImplicitLocOpBuilder &,
                                         mlir::Value x, mlir::Value y)>;

/// An scf.forall over `blocks` blocks (#gpu.block<x>) at `b`; its body's
/// builder (at the start) and the block id.
std::pair<mlir::ImplicitLocOpBuilder, mlir::Value>
blockLoop(TensorBuilder &b, mlir::Value blocks);

/// A thread loop over (x, y) of `xs` × `ys` (#gpu.thread<x>,
/// #gpu.thread<y>) at `kb`, in a block loop.
void threadLoop(mlir::ImplicitLocOpBuilder &kb, int64_t xs, int64_t ys,
                ThreadFn body);

/// A warp loop over `warps` warps (#gpu.warp<x>) at `kb`, in a block loop:
/// the 32 lanes of each run `body` together (seq-cuda-warp-mma's tile
/// products), given the warp id.
void warpLoop(
    mlir::ImplicitLocOpBuilder &kb, int64_t warps,
    mlir::function_ref<void(mlir::ImplicitLocOpBuilder &, mlir::Value warp)>
        body);

/// The [rows, cols] view at (row, col) of a 2-D buffer.
mlir::Value tileView(mlir::ImplicitLocOpBuilder &wb, mlir::Value buffer,
                     mlir::OpFoldResult row, mlir::OpFoldResult col,
                     int64_t rows, int64_t cols);
/// c += a b on views of workgroup buffers (bf16 a and b, f32 c), in a warp
/// loop: a tile product seq-cuda-warp-mma writes as mma.sync.
void warpTileProduct(mlir::ImplicitLocOpBuilder &wb, mlir::Value a,
                     mlir::Value b, mlir::Value c);

/// A block's buffer in workgroup memory (at the top of its body), f32
/// unless `element` says otherwise.
mlir::Value workgroupBuffer(mlir::ImplicitLocOpBuilder &kb,
                            llvm::ArrayRef<int64_t> shape,
                            mlir::Type element = {});

/// A buffer of each tensor, null for null.
llvm::SmallVector<mlir::Value> readBuffers(TensorBuilder &b,
                                           mlir::ValueRange tensors);

} // namespace seqc

#endif // SEQC_LIB_CODEGEN_CUDA_KERNELS_LANES_H
