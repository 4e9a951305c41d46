//===- MMAFragments.h - Which lane holds what of an mma.sync tile -*- C++
//-*-===//
//
// mma.sync.m16n8k16 with bf16 operands and f32 accumulation (PTX ISA,
// "Matrix Fragments for mma.m16n8k16 with floating point type"): A is
// 16 x 16 (m, k), B 16 x 8 (k, n), C and D 16 x 8 (m, n). Lane l, in its
// group g = l / 4 at t = l % 4, holds of each operand the elements at its
// base plus each element's offset; A's eight are four i32s and B's four
// two i32s, each two bf16 with the lower index in the low half; C's four
// are f32s. seq-cuda-warp-mma loads and stores by these, and a unit test
// checks them against MLIR's own map (nvgpu's MMAUtils).
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_LIB_CODEGEN_CUDA_MMAFRAGMENTS_H
#define SEQC_LIB_CODEGEN_CUDA_MMAFRAGMENTS_H

#include <cstdint>
#include <utility>

namespace seqc::mma {

constexpr int64_t kM = 16, kN = 8, kK = 16;

enum class Operand { A, B, C };

/// A lane's elements of an operand: 8 of A, 4 of B and of C.
constexpr int64_t elementsPerLane(Operand op) {
  return op == Operand::A ? 8 : 4;
}

/// The lane's base (row, col) from its group g and twice its place t:
/// A and C (g, 2t), B (2t, g). `T` is int64_t or a builder's index value
/// type with + defined by the caller.
template <typename T> std::pair<T, T> laneBase(Operand op, T group, T twiceT) {
  return op == Operand::B ? std::pair<T, T>{twiceT, group}
                          : std::pair<T, T>{group, twiceT};
}

/// Element e's (row, col) offset from its lane's base: register e / 2,
/// half e % 2. A: registers 1 and 3 eight rows down, 2 and 3 eight
/// columns right; B: register 1 eight rows (k) down; C: elements 2 and 3
/// eight rows down. The half is the next column (A, C) or row (B).
constexpr std::pair<int64_t, int64_t> elementOffset(Operand op, int64_t e) {
  int64_t reg = e / 2, half = e % 2;
  switch (op) {
  case Operand::A:
    return {8 * (reg % 2), 8 * (reg / 2) + half};
  case Operand::B:
    return {8 * reg + half, 0};
  case Operand::C:
    return {8 * reg, half};
  }
  return {0, 0};
}

} // namespace seqc::mma

#endif // SEQC_LIB_CODEGEN_CUDA_MMAFRAGMENTS_H
