//===- GLAKernelShapes.h - How the CPU GLA kernels divide work ------------===//
//
// The shapes of the work of gla_core's CPU kernels (CPU/Kernels/GLACore.cpp),
// which the CPU cost model (Codegen/CPU/CPUTargetInfo.cpp) counts with when
// it chooses between the kernels' forms and layouts.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_CODEGEN_GLAKERNELSHAPES_H
#define SEQC_CODEGEN_GLAKERNELSHAPES_H

#include <algorithm>
#include <cstdint>

namespace seqc::gla {

/// Lanes of a vector: 16 value columns ([K, V] state) or keys ([V, K]).
constexpr int64_t kLanes = 16;
/// Vector registers the [V, K] recurrent form gives a task's state.
constexpr int64_t kStateRegisters = 16;

inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Value columns per task of the [V, K] recurrent form: as many as keep
/// the task's state (columns × key vectors) within kStateRegisters.
inline int64_t vkRows(int64_t keyDim, int64_t valueDim) {
  return std::clamp<int64_t>(kStateRegisters / ceilDiv(keyDim, kLanes), 1,
                             valueDim);
}

/// How many times the recurrent form reads each of a head's key rows (q,
/// k and the decay of a step): once per block of 16 value columns ([K, V];
/// the kernel's tasks take 4 such blocks each, and each block walks the
/// key rows), or once per group of vkRows value columns ([V, K]).
inline int64_t keyReads(int64_t keyDim, int64_t valueDim, bool stateVK) {
  return stateVK ? ceilDiv(valueDim, vkRows(keyDim, valueDim))
                 : ceilDiv(valueDim, kLanes);
}

} // namespace seqc::gla

#endif // SEQC_CODEGEN_GLAKERNELSHAPES_H
