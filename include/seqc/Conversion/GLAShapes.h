//===- GLAShapes.h - How the gla_core kernels divide their work
//------------===//
//
// The shapes of the work of gla_core's CPU kernels (SeqToLinalg/GLACore.cpp),
// which the passes that choose between the kernels' forms and layouts
// (seq-chunk-gla, seq-select-layout) count with.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_CONVERSION_GLASHAPES_H
#define SEQC_CONVERSION_GLASHAPES_H

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

/// Tasks per (batch, head) of the recurrent form, each of which walks all
/// of the head's key rows: blocks of 16 value columns ([K, V]) or groups
/// of vkRows value columns ([V, K]).
inline int64_t valueTasks(int64_t keyDim, int64_t valueDim, bool stateVK) {
  return stateVK ? ceilDiv(valueDim, vkRows(keyDim, valueDim))
                 : ceilDiv(valueDim, kLanes);
}

} // namespace seqc::gla

#endif // SEQC_CONVERSION_GLASHAPES_H
