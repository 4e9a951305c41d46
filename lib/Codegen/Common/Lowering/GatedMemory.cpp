//===- GatedMemory.cpp - Lowering of PGN and GAM --------------------------===//
//
// Both are parallel over time: PGN's history window is one GEMM over the
// unfolded window of shifted inputs (no per-step loop), GAM is a causal
// convolution plus an attention over a fixed memory; the gates read the two
// halves of one projection in the final elementwise generic.
//
//===----------------------------------------------------------------------===//
#include "Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace seqc::seq;

namespace seqc {

using IT = utils::IteratorType;

/// Columns [from, from + n) of a [R, C] weight.
static Value columns(TensorBuilder &b, Value w, int64_t from, int64_t n) {
  auto t = cast<RankedTensorType>(w.getType());
  return tensor::ExtractSliceOp::create(
      b, t.clone({t.getDimSize(0), n}), w,
      SmallVector<OpFoldResult>{b.getIndexAttr(0), b.getIndexAttr(from)},
      SmallVector<OpFoldResult>{b.getIndexAttr(t.getDimSize(0)),
                                b.getIndexAttr(n)},
      SmallVector<OpFoldResult>(2, b.getIndexAttr(1)));
}

/// `mix(a, gates)`: for o < d, reads gates[..., o] and gates[..., o + d] of
/// a [B, T, 2d] projection next to the [B, T, d] operands. The first
/// operand is [B, T, d] so that linalg takes the loop ranges from it.
static Value
gated(TensorBuilder &b, ArrayRef<Value> operands, Value gates, int64_t d,
      const std::function<Value(ImplicitLocOpBuilder &, ValueRange)> &fn) {
  SmallVector<Value> ins(operands);
  ins.push_back(gates);
  ins.push_back(gates);
  SmallVector<AffineMap> maps(operands.size(), b.identity(3));
  maps.push_back(b.identity(3));
  maps.push_back(AffineMap::get(
      3, 0,
      {b.getAffineDimExpr(0), b.getAffineDimExpr(1), b.getAffineDimExpr(2) + d},
      b.getContext()));
  return b.generic(ins, maps, b.empty(b.sizes(operands[0])), b.identity(3),
                   SmallVector<IT>(3, IT::parallel),
                   [&](ImplicitLocOpBuilder &ib, ValueRange a) {
                     return SmallVector<Value>{fn(ib, a.drop_back())};
                   });
}

/// Windows up to this many steps are unfolded by one copy per step of the
/// window (slices that the compiler sees whole); longer ones by a kernel
/// call ("unfold_window") whose body is one copy over (b, t, j, c), so that
/// the code and the compile time do not grow with the window (one-shot
/// bufferization of a chain of w slices takes time superlinear in w: 90 s
/// at w = 256).
constexpr int64_t kUnrolledWindow = 16;

/// u[b, t, j, ci] = p[b, t + j, ci] for x padded in front with w zero steps
/// (p[b, s] = x[b, s − w]), as [B, T, w·c].
static Value unfoldByCopy(TensorBuilder &b, Value x, int64_t window) {
  int64_t c = cast<RankedTensorType>(x.getType()).getDimSize(2);
  Value padded = b.padSteps(x, window);
  SmallVector<OpFoldResult> sizes = b.sizes(x);
  sizes.back() = b.getIndexAttr(window);
  sizes.push_back(b.getIndexAttr(c));
  MLIRContext *ctx = b.getContext();
  AffineExpr d0 = b.getAffineDimExpr(0), t = b.getAffineDimExpr(1),
             j = b.getAffineDimExpr(2), ci = b.getAffineDimExpr(3);
  Value u =
      b.generic({padded}, {AffineMap::get(4, 0, {d0, t + j, ci}, ctx)},
                b.empty(sizes), b.identity(4), SmallVector<IT>(4, IT::parallel),
                [](ImplicitLocOpBuilder &, ValueRange a) {
                  return SmallVector<Value>{a[0]};
                });
  return b.mergeLast(u);
}

/// x [B, T, c] unfolded window-major: u[b, t, j·c + ci] = x[b, t − w + j,
/// ci], 0 before the sequence.
static Value unfoldWindow(TensorBuilder &b, Value x, int64_t window) {
  int64_t c = cast<RankedTensorType>(x.getType()).getDimSize(2);
  SmallVector<OpFoldResult> sizes = b.sizes(x);
  if (window > kUnrolledWindow)
    return buildKernelCall(
        b, "unfold_window",
        {b.getNamedAttr("window", b.getI64IntegerAttr(window))}, {x},
        [&](TensorBuilder &kb, ValueRange args) {
          return Results{unfoldByCopy(kb, args[0], window)};
        })[0];
  // Column block j is x delayed by w − j steps (delayedSteps), copied c
  // contiguous floats a row.
  SmallVector<OpFoldResult> unfoldedSizes = sizes;
  unfoldedSizes[2] = b.getIndexAttr(c * window);
  SmallVector<OpFoldResult> ones(3, b.getIndexAttr(1));
  Value unfolded = b.empty(unfoldedSizes);
  SmallVector<Value> history = b.delayedSteps(x, window, 1);
  for (int64_t j = 0; j < window; ++j)
    unfolded = tensor::InsertSliceOp::create(
        b, history[j], unfolded,
        ArrayRef<OpFoldResult>{b.getIndexAttr(0), b.getIndexAttr(0),
                               b.getIndexAttr(j * c)},
        sizes, ones);
  return unfolded;
}

static Value buildPGN(TensorBuilder &b, PGNOp op) {
  Value x = op.getX();
  ValueRange w = op.getWeights();
  int64_t d = op.getHidden(), window = op.getWindow();
  int64_t c = cast<RankedTensorType>(x.getType()).getDimSize(2);
  // The window unfolded window-major makes the history one GEMM with
  // hie.weight [d, c, w] as [d, w·c] (its last two dims swapped, then
  // flattened: a view of the weight, packed once): H = u Wᵀ + b.
  Value unfolded = unfoldWindow(b, x, window);
  auto wt = cast<RankedTensorType>(w[0].getType());
  Value swapped =
      linalg::TransposeOp::create(
          b, w[0],
          tensor::EmptyOp::create(b, ArrayRef<int64_t>{d, window, c},
                                  wt.getElementType()),
          ArrayRef<int64_t>{0, 2, 1})
          .getResult()[0];
  Value flatW = tensor::CollapseShapeOp::create(
      b, RankedTensorType::get({d, c * window}, wt.getElementType()), swapped,
      SmallVector<ReassociationIndices>{{0}, {1, 2}});
  Value hist = buildLinear(b, unfolded, flatW, w[1]);
  // gate([x_t; H_t]) = x W[:, :c]ᵀ + H W[:, c:]ᵀ + b, no concatenation.
  Value g = buildLinear(b, x, columns(b, w[2], 0, c), w[3]);
  Value gh = buildLinear(b, hist, columns(b, w[2], c, d));
  g = b.map({g, gh}, g, [](ImplicitLocOpBuilder &ib, ValueRange a) {
    return arith::AddFOp::create(ib, a[0], a[1]);
  });
  // y = σ(G)⊙H + (1−σ(G))⊙tanh(Ĥ).
  return gated(b, {hist}, g, d, [](ImplicitLocOpBuilder &ib, ValueRange a) {
    Value s = sigmoid(ib, a[1]);
    Value cand = math::TanhOp::create(ib, a[2]);
    return arith::AddFOp::create(
        ib, arith::MulFOp::create(ib, s, a[0]),
        arith::MulFOp::create(
            ib, arith::SubFOp::create(ib, constF32(ib, 1.0), s), cand));
  });
}

/// softmax over the last dim, max-subtracted.
static Value softmaxLast(TensorBuilder &b, Value x) {
  unsigned rank = cast<RankedTensorType>(x.getType()).getRank();
  SmallVector<unsigned> rows;
  for (unsigned i = 0; i + 1 < rank; ++i)
    rows.push_back(i);
  SmallVector<OpFoldResult> rowSizes = b.sizes(x);
  rowSizes.pop_back();
  SmallVector<IT> its(rank, IT::parallel);
  its.back() = IT::reduction;
  Value lowest = linalg::FillOp::create(b, ValueRange{b.f32(-INFINITY)},
                                        ValueRange{b.empty(rowSizes)})
                     .getResult(0);
  Value max = b.generic({x}, {b.identity(rank)}, lowest, b.select(rank, rows),
                        its, [](ImplicitLocOpBuilder &ib, ValueRange a) {
                          return SmallVector<Value>{
                              arith::MaximumFOp::create(ib, a[0], a[1])};
                        });
  SmallVector<IT> par(rank, IT::parallel);
  Value e = b.generic({x, max}, {b.identity(rank), b.select(rank, rows)},
                      b.empty(b.sizes(x)), b.identity(rank), par,
                      [](ImplicitLocOpBuilder &ib, ValueRange a) {
                        return SmallVector<Value>{math::ExpOp::create(
                            ib, arith::SubFOp::create(ib, a[0], a[1]))};
                      });
  Value sum = b.sumLast(e, [](ImplicitLocOpBuilder &, Value v) { return v; });
  return b.generic(
      {e, sum}, {b.identity(rank), b.select(rank, rows)}, b.empty(b.sizes(x)),
      b.identity(rank), par, [](ImplicitLocOpBuilder &ib, ValueRange a) {
        return SmallVector<Value>{arith::DivFOp::create(ib, a[0], a[1])};
      });
}

static Value buildGAM(TensorBuilder &b, GAMOp op) {
  Value x = op.getX();
  ValueRange w = op.getWeights();
  int64_t d = cast<RankedTensorType>(x.getType()).getDimSize(2);
  Value local = buildCausalConv(b, x, w[0], w[1], op.getKernel());
  // global = softmax(x Mᵀ) M; M is [slots, d], so the second product is a
  // linear layer with weight Mᵀ.
  Value memory = w[2];
  Value scores = softmaxLast(b, buildLinear(b, x, memory));
  SmallVector<OpFoldResult> ms = b.sizes(memory);
  Value memoryT =
      linalg::TransposeOp::create(b, memory, b.empty({ms[1], ms[0]}),
                                  ArrayRef<int64_t>{1, 0})
          .getResult()[0];
  Value global = buildLinear(b, scores, memoryT);
  Value g = buildLinear(b, x, w[3], w[4]);
  // y = σ(g_l)⊙local + σ(g_g)⊙global.
  return gated(b, {local, global}, g, d,
               [](ImplicitLocOpBuilder &ib, ValueRange a) {
                 return arith::AddFOp::create(
                     ib, arith::MulFOp::create(ib, sigmoid(ib, a[2]), a[0]),
                     arith::MulFOp::create(ib, sigmoid(ib, a[3]), a[1]));
               });
}

void populateGatedMemoryPatterns(RewritePatternSet &patterns, Checks &checks) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<LowerOpPattern<PGNOp>>(
      ctx, checks, [](TensorBuilder &b, PGNOp op, Checks &) {
        return FailureOr<Results>(Results{buildPGN(b, op)});
      });
  patterns.add<LowerOpPattern<GAMOp>>(
      ctx, checks, [](TensorBuilder &b, GAMOp op, Checks &) {
        return FailureOr<Results>(Results{buildGAM(b, op)});
      });
}

} // namespace seqc
