//===- SpikeLinear.cpp - Accumulate-only linear layers on spike inputs ----===//
//
// A linear layer whose input holds only spikes (0 or 1) needs no multiplies:
// y[m] = b + Σ_{k : x[m,k] = 1} Wᵀ[k]. With few spikes this skips most of
// the work, so the lowering measures the spike density at run time and
// takes the accumulate-only loops below a threshold, the dense contraction
// above it.
//
//===----------------------------------------------------------------------===//
#include "CPUKernels.h"
#include "VectorLoops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace seqc::seq;

namespace seqc {

/// Below this fraction of spikes the accumulate-only form runs.
static constexpr double kSparseDensity = 0.25;

/// y[..., O] = bias + Σ_{k : x[..., k] ≠ 0} wt[k, :], on buffers, in
/// parallel over the leading dims of x [..., K].
static Value accumulateRows(TensorBuilder &b, Value x, Value wt, Value bias) {
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  SmallVector<Value> lead, outSizes;
  for (int64_t i = 0; i + 1 < rank; ++i)
    lead.push_back(b.dim(x, i));
  Value ks = b.dim(x, rank - 1), outs = b.dim(wt, 1);
  outSizes = lead;
  outSizes.push_back(outs);
  Value xb = readBuffer(b, x), wb = readBuffer(b, wt);
  Value bb = bias ? readBuffer(b, bias) : Value();
  Value y = allocBuffer(b, outSizes);
  SmallVector<Value> zeros(lead.size(), b.index(0)),
      ones(lead.size(), b.index(1));
  scf::ParallelOp::create(
      b, zeros, lead, ones,
      [&](OpBuilder &nested, Location loc, ValueRange ivs) {
        ImplicitLocOpBuilder ib(loc, nested);
        auto at = [&](Value last) {
          SmallVector<Value> idx(ivs);
          idx.push_back(last);
          return idx;
        };
        Value c0 = arith::ConstantIndexOp::create(ib, 0);
        Value c1 = arith::ConstantIndexOp::create(ib, 1);
        scf::ForOp::create(
            ib, c0, outs, c1, ValueRange{},
            [&](OpBuilder &n, Location l, Value o, ValueRange) {
              ImplicitLocOpBuilder nb(l, n);
              Value v =
                  bb ? memref::LoadOp::create(nb, bb, ValueRange{o}).getResult()
                     : constF32(nb, 0.0);
              memref::StoreOp::create(nb, v, y, at(o));
              scf::YieldOp::create(nb);
            });
        scf::ForOp::create(
            ib, c0, ks, c1, ValueRange{},
            [&](OpBuilder &n, Location l, Value k, ValueRange) {
              ImplicitLocOpBuilder nb(l, n);
              Value spike = memref::LoadOp::create(nb, xb, at(k));
              Value fired = arith::CmpFOp::create(nb, arith::CmpFPredicate::UNE,
                                                  spike, constF32(nb, 0.0));
              scf::IfOp::create(nb, fired, [&](OpBuilder &tn, Location tl) {
                ImplicitLocOpBuilder tb(tl, tn);
                scf::ForOp::create(
                    tb, arith::ConstantIndexOp::create(tb, 0), outs,
                    arith::ConstantIndexOp::create(tb, 1), ValueRange{},
                    [&](OpBuilder &on, Location ol, Value o, ValueRange) {
                      ImplicitLocOpBuilder ob(ol, on);
                      Value acc = memref::LoadOp::create(ob, y, at(o));
                      Value w =
                          memref::LoadOp::create(ob, wb, ValueRange{k, o});
                      memref::StoreOp::create(
                          ob, arith::AddFOp::create(ob, acc, w), y, at(o));
                      scf::YieldOp::create(ob);
                    });
                scf::YieldOp::create(tb);
              });
              scf::YieldOp::create(nb);
            });
      });
  return bufferTensor(b, y);
}

/// The fraction of nonzero entries of x, as an f32 value.
static Value density(TensorBuilder &b, Value x) {
  using IT = utils::IteratorType;
  unsigned rank = cast<RankedTensorType>(x.getType()).getRank();
  Value init =
      linalg::FillOp::create(b, ValueRange{b.f32(0.0)},
                             ValueRange{tensor::EmptyOp::create(
                                 b, ArrayRef<int64_t>{}, b.getF32Type())})
          .getResult(0);
  Value sum = b.generic({x}, {b.identity(rank)}, init,
                        AffineMap::get(rank, 0, {}, b.getContext()),
                        SmallVector<IT>(rank, IT::reduction),
                        [](ImplicitLocOpBuilder &ib, ValueRange a) {
                          return SmallVector<Value>{
                              arith::AddFOp::create(ib, a[1], a[0])};
                        });
  Value total = tensor::ExtractOp::create(b, sum, ValueRange{});
  Value count = b.f32(1.0);
  for (unsigned i = 0; i < rank; ++i)
    count = arith::MulFOp::create(b, count, b.dimF32(x, i));
  return arith::DivFOp::create(b, total, count);
}

Value buildSpikeLinear(TensorBuilder &b, Value x, Value w, Value bias,
                       Type resultType) {
  if (cast<RankedTensorType>(x.getType()).getRank() < 2)
    return buildLinear(b, x, w, bias);
  Value sparse = arith::CmpFOp::create(b, arith::CmpFPredicate::OLT,
                                       density(b, x), b.f32(kSparseDensity));
  auto yield = [&](TensorBuilder &tb, Value y) {
    if (y.getType() != resultType)
      y = tensor::CastOp::create(tb, resultType, y);
    scf::YieldOp::create(tb, y);
  };
  auto branch = scf::IfOp::create(
      b, sparse,
      [&](OpBuilder &nested, Location loc) {
        TensorBuilder tb(loc, nested);
        SmallVector<OpFoldResult> ws = tb.sizes(w);
        Value wt = linalg::TransposeOp::create(tb, w, tb.empty({ws[1], ws[0]}),
                                               ArrayRef<int64_t>{1, 0})
                       .getResult()[0];
        yield(tb, accumulateRows(tb, x, wt, bias));
      },
      [&](OpBuilder &nested, Location loc) {
        TensorBuilder eb(loc, nested);
        yield(eb, buildLinear(eb, x, w, bias));
      });
  return branch.getResult(0);
}

} // namespace seqc
