//===- MMAFragmentsTest.cpp - mma.sync's fragments against MLIR's map -----===//
//
// seq-cuda-warp-mma loads and stores each lane's fragments of an
// mma.sync.m16n8k16 (bf16 x bf16 → f32) by MMAFragments.h. Nothing here
// runs a GPU, so the layout is checked against an independent statement
// of the PTX ISA's: MLIR's nvgpu lowering's map (lane, element) →
// (row, col) (MMAUtils' getLaneIdAndValueIdToOperandCoord), which takes B
// as (n, k). MLIR's map knows f16 operands, not bf16: the PTX ISA gives
// the two one layout (its "floating point type" fragments of m16n8k16).
//
//===----------------------------------------------------------------------===//
#include "lib/Codegen/CUDA/MMAFragments.h"

#include "mlir/Dialect/NVGPU/Utils/MMAUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <set>

using namespace mlir;
using seqc::mma::Operand;

namespace {

/// Every lane's elements of `op` by MMAFragments.h and by MLIR's map,
/// and that the lanes cover the tile once.
void checkOperand(Operand op, nvgpu::MatMulOperandRole role,
                  ArrayRef<int64_t> shape, Type element, bool swapped) {
  MLIRContext ctx;
  OpBuilder b(&ctx);
  nvgpu::WarpMatrixInfo info{VectorType::get(shape, element), role};
  FailureOr<AffineMap> map =
      nvgpu::getLaneIdAndValueIdToOperandCoord(b, b.getUnknownLoc(), info);
  ASSERT_TRUE(succeeded(map));
  std::set<std::pair<int64_t, int64_t>> covered;
  for (int64_t lane = 0; lane < 32; ++lane) {
    auto [row, col] =
        seqc::mma::laneBase<int64_t>(op, lane / 4, 2 * (lane % 4));
    for (int64_t e = 0; e < seqc::mma::elementsPerLane(op); ++e) {
      auto [dr, dc] = seqc::mma::elementOffset(op, e);
      SmallVector<int64_t> theirs = map->compose({lane, e});
      ASSERT_EQ(theirs.size(), 2u);
      if (swapped)
        std::swap(theirs[0], theirs[1]);
      EXPECT_EQ(row + dr, theirs[0]) << "lane " << lane << " element " << e;
      EXPECT_EQ(col + dc, theirs[1]) << "lane " << lane << " element " << e;
      covered.insert({row + dr, col + dc});
    }
  }
  EXPECT_EQ(int64_t(covered.size()), shape[0] * shape[1]);
}

TEST(MMAFragments, AMatchesMLIR) {
  MLIRContext ctx;
  checkOperand(Operand::A, nvgpu::MatMulOperandRole::A, {16, 16},
               Float16Type::get(&ctx), false);
}

TEST(MMAFragments, BMatchesMLIR) {
  // MLIR's B is (n, k) [8, 16]; ours (k, n).
  MLIRContext ctx;
  checkOperand(Operand::B, nvgpu::MatMulOperandRole::B, {8, 16},
               Float16Type::get(&ctx), true);
}

TEST(MMAFragments, CMatchesMLIR) {
  MLIRContext ctx;
  checkOperand(Operand::C, nvgpu::MatMulOperandRole::C, {16, 8},
               Float32Type::get(&ctx), false);
}

} // namespace
