//===- RGNNDecompose.cpp - rgcn/rgat/hgt → rgnn inter-operator ops --------===//
#include "dialects/rgnn/RGNNDialect.h"
#include "lib/Codegen/Common/TensorBuilder.h"
#include "seqc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

namespace seqc {
#define GEN_PASS_DEF_RGNNDECOMPOSE
#include "seqc/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace seqc;
using namespace seqc::rgnn;

namespace {

using Body = std::function<Value(ImplicitLocOpBuilder &, ValueRange)>;

/// A tensor of `shape` whose element at (i...) is `fn(indices, inputs read
/// through maps)`: the weight rearrangements below.
Value build(TensorBuilder &b, ArrayRef<int64_t> shape, ArrayRef<Value> inputs,
            ArrayRef<AffineMap> maps,
            const std::function<Value(ImplicitLocOpBuilder &, ValueRange,
                                      ValueRange)> &fn) {
  SmallVector<OpFoldResult> sizes;
  for (int64_t s : shape)
    sizes.push_back(b.getIndexAttr(s));
  unsigned n = shape.size();
  SmallVector<utils::IteratorType> its(n, utils::IteratorType::parallel);
  return b.generic(inputs, maps, b.empty(sizes), b.identity(n), its,
                   [&](ImplicitLocOpBuilder &ib, ValueRange args) {
                     SmallVector<Value> idx;
                     for (unsigned d = 0; d < n; ++d)
                       idx.push_back(linalg::IndexOp::create(ib, d));
                     return SmallVector<Value>{fn(ib, idx, args.drop_back())};
                   });
}

/// (d0..d{n-1}) → the listed dims.
AffineMap dims(TensorBuilder &b, unsigned n, ArrayRef<unsigned> which) {
  return b.select(n, which);
}

Value collapse(TensorBuilder &b, Value t,
               ArrayRef<ReassociationIndices> groups) {
  return tensor::CollapseShapeOp::create(b, t, groups);
}

/// [A, B] → [1, A, B] and [B] → [1, B]: one "type" for typed_linear.
Value oneType(TensorBuilder &b, Value t) {
  auto type = cast<RankedTensorType>(t.getType());
  SmallVector<int64_t> shape{1};
  llvm::append_range(shape, type.getShape());
  SmallVector<ReassociationIndices> groups;
  groups.push_back({0, 1});
  for (unsigned i = 2; i < shape.size(); ++i)
    groups.push_back({int64_t(i)});
  return tensor::ExpandShapeOp::create(
      b, RankedTensorType::get(shape, type.getElementType()), t, groups);
}

/// [K, O, I] (torch layout) → [K, I, O].
Value transposeTyped(TensorBuilder &b, Value w) {
  ArrayRef<int64_t> s = cast<RankedTensorType>(w.getType()).getShape();
  return build(
      b, {s[0], s[2], s[1]}, {w}, {dims(b, 3, {0, 2, 1})},
      [](ImplicitLocOpBuilder &, ValueRange, ValueRange in) { return in[0]; });
}

Value add(TensorBuilder &b, Value x, Value y) {
  return b.map({x, y}, x, [](ImplicitLocOpBuilder &ib, ValueRange v) {
    return arith::AddFOp::create(ib, v[0], v[1]).getResult();
  });
}

struct Graph {
  Value x, edgeIndex, edgeType, n;
};

/// y [M, w] + bias [w].
Value addBias(TensorBuilder &b, Value y, Value bias) {
  return b.generic(
      {y, bias}, {b.identity(2), b.select(2, {1})}, b.empty(b.sizes(y)),
      b.identity(2),
      {utils::IteratorType::parallel, utils::IteratorType::parallel},
      [](ImplicitLocOpBuilder &ib, ValueRange v) {
        return SmallVector<Value>{arith::AddFOp::create(ib, v[0], v[1])};
      });
}

Value decomposeRGCN(TensorBuilder &b, RGCNOp op, const Graph &g) {
  auto w = op.getWeights();
  int64_t r = op.getRelations();
  // add: one sum over all edges (Σ_r of the per-relation sums); mean: per
  // relation, then summed; max (PyG's): of the sources per relation, then
  // through the relation's weight, Σ_r (max_{j∈N_r(i)} x_j)·W_r — a max
  // does not commute with W_r, so there is no per-edge form.
  Value agg;
  if (op.getAggr() == Aggregation::max) {
    Value maxes = PairMeanOp::create(b, g.x, g.edgeIndex, g.edgeType, g.n, r,
                                     Materialize::dense, Reduce::max);
    agg = PairLinearOp::create(b, maxes, w[0]);
  } else {
    Value msgs = RelationLinearOp::create(b, g.x, g.edgeIndex, g.edgeType, w[0],
                                          g.n, Side::src, Materialize::edge);
    agg = op.getAggr() == Aggregation::add
              ? AggregateOp::create(b, msgs, g.edgeIndex, Value(), Value(), g.n,
                                    Reduce::sum, IntegerAttr())
              : AggregateOp::create(b, msgs, g.edgeIndex, g.edgeType, Value(),
                                    g.n, Reduce::mean, b.getI64IntegerAttr(r));
  }
  Value root = op.getRoot() ? w[1] : Value();
  Value bias = op.getBias() ? w.back() : Value();
  if (root)
    return add(b,
               TypedLinearOp::create(b, g.x, Value(), oneType(b, root),
                                     bias ? oneType(b, bias) : Value()),
               agg);
  return bias ? addBias(b, agg, bias) : agg;
}

/// LeakyReLU(sl + sr), elementwise.
Value leakyScores(TensorBuilder &b, Value sl, Value sr, double slope) {
  return b.map({sl, sr}, sl, [&](ImplicitLocOpBuilder &ib, ValueRange v) {
    Value s = arith::AddFOp::create(ib, v[0], v[1]);
    Value pos = arith::CmpFOp::create(ib, arith::CmpFPredicate::OGT, s,
                                      constF32(ib, 0.0));
    Value neg = arith::MulFOp::create(ib, s, constF32(ib, slope));
    return arith::SelectOp::create(ib, pos, s, neg).getResult();
  });
}

/// Σ_c W[r, i, c]·q[c, h]: [R, F, C] and [C, H] → [R, F, H], the weights
/// that give a row's scores straight from the node's features.
Value projectWeight(TensorBuilder &b, Value w, Value q) {
  ArrayRef<int64_t> ws = cast<RankedTensorType>(w.getType()).getShape();
  int64_t h = cast<RankedTensorType>(q.getType()).getDimSize(1);
  using IT = utils::IteratorType;
  SmallVector<OpFoldResult> sizes{b.getIndexAttr(ws[0]), b.getIndexAttr(ws[1]),
                                  b.getIndexAttr(h)};
  return b.generic({w, q}, {dims(b, 4, {0, 1, 3}), dims(b, 4, {3, 2})},
                   b.zeros(sizes), dims(b, 4, {0, 1, 2}),
                   {IT::parallel, IT::parallel, IT::parallel, IT::reduction},
                   [](ImplicitLocOpBuilder &ib, ValueRange v) {
                     return SmallVector<Value>{arith::AddFOp::create(
                         ib, v[2], arith::MulFOp::create(ib, v[0], v[1]))};
                   });
}

/// [N, H·D] → [N, D], the mean of the heads.
Value meanOverHeads(TensorBuilder &b, Value y, int64_t heads) {
  auto t = cast<RankedTensorType>(y.getType());
  int64_t d = t.getDimSize(1) / heads;
  OpFoldResult n = b.sizes(y)[0];
  Value split = tensor::ExpandShapeOp::create(
      b, t.clone({t.getDimSize(0), heads, d}), y,
      SmallVector<ReassociationIndices>{{0}, {1, 2}},
      SmallVector<OpFoldResult>{n, b.getIndexAttr(heads), b.getIndexAttr(d)});
  using IT = utils::IteratorType;
  // Loops (n, c, h), h reduced.
  Value sum = b.generic(
      {split}, {dims(b, 3, {0, 2, 1})}, b.zeros({n, b.getIndexAttr(d)}),
      dims(b, 3, {0, 1}), {IT::parallel, IT::parallel, IT::reduction},
      [](ImplicitLocOpBuilder &ib, ValueRange v) {
        return SmallVector<Value>{arith::AddFOp::create(ib, v[1], v[0])};
      });
  return b.map({sum}, sum, [&](ImplicitLocOpBuilder &ib, ValueRange v) {
    return arith::MulFOp::create(ib, v[0], constF32(ib, 1.0 / double(heads)))
        .getResult();
  });
}

/// PyG's RGATConv: scores from dense q/k shared by all relations. zd·q[:,h]
/// = x_i·(W_r q)[:, h], so both score terms are relation_linears of x with
/// the projected weights W·q and W·k: no per-edge contraction remains.
Value decomposeSharedRGAT(TensorBuilder &b, RGATOp op, const Graph &g) {
  auto w = op.getWeights();
  int64_t h = op.getHeads();
  Value wq = projectWeight(b, w[0], w[1]), wk = projectWeight(b, w[0], w[2]);
  auto transform = [&](Value weight, Side side) {
    return RelationLinearOp::create(b, g.x, g.edgeIndex, g.edgeType, weight,
                                    g.n, side, Materialize::edge)
        .getResult();
  };
  Value zs = transform(w[0], Side::src);
  Value sl = transform(wk, Side::src), sr = transform(wq, Side::dst);
  Value scores =
      leakyScores(b, sl, sr, op.getNegativeSlope().convertToDouble());
  Value alpha = EdgeSoftmaxOp::create(b, scores, g.edgeIndex, g.n);
  Value agg = AggregateOp::create(b, zs, g.edgeIndex, Value(), alpha, g.n,
                                  Reduce::sum, IntegerAttr());
  if (!op.getConcat())
    agg = meanOverHeads(b, agg, h);
  return op.getBias() ? addBias(b, agg, w[3]) : agg;
}

Value decomposeRGAT(TensorBuilder &b, RGATOp op, const Graph &g) {
  if (op.getAttention() == Attention::shared)
    return decomposeSharedRGAT(b, op, g);
  auto w = op.getWeights();
  ArrayRef<int64_t> ws = cast<RankedTensorType>(w[0].getType()).getShape();
  int64_t r = ws[0], h = ws[1], f = ws[2], d = ws[3];
  // weight[R,H,F,D] → [R,F,H·D]: all heads of a relation as one matrix.
  Value wf = collapse(b,
                      build(b, {r, f, h, d}, {w[0]}, {dims(b, 4, {0, 2, 1, 3})},
                            [](ImplicitLocOpBuilder &, ValueRange,
                               ValueRange in) { return in[0]; }),
                      {{0}, {1}, {2, 3}});
  Value attnL = collapse(b, w[1], {{0}, {1, 2}});
  Value attnR = collapse(b, w[2], {{0}, {1, 2}});
  Value zs = RelationLinearOp::create(b, g.x, g.edgeIndex, g.edgeType, wf, g.n,
                                      Side::src, Materialize::edge);
  Value zd = RelationLinearOp::create(b, g.x, g.edgeIndex, g.edgeType, wf, g.n,
                                      Side::dst, Materialize::edge);
  Value sl = EdgeDotOp::create(b, zs, attnL, g.edgeType, h);
  Value sr = EdgeDotOp::create(b, zd, attnR, g.edgeType, h);
  Value scores =
      leakyScores(b, sl, sr, op.getNegativeSlope().convertToDouble());
  Value alpha = EdgeSoftmaxOp::create(b, scores, g.edgeIndex, g.n);
  Value agg = AggregateOp::create(b, zs, g.edgeIndex, Value(), alpha, g.n,
                                  Reduce::sum, IntegerAttr());
  Value loop = TypedLinearOp::create(b, g.x, Value(), oneType(b, w[3]),
                                     op.getBias() ? oneType(b, w[4]) : Value());
  return add(b, loop, agg);
}

Value decomposeHGT(TensorBuilder &b, HGTOp op, const Graph &g, Value nodeType) {
  auto w = op.getWeights();
  ArrayRef<int64_t> att = cast<RankedTensorType>(w[6].getType()).getShape();
  int64_t r = att[0], h = att[1], d = att[2], out = h * d;
  int64_t f = cast<RankedTensorType>(w[0].getType()).getDimSize(2);
  auto linear = [&](unsigned i) {
    return TypedLinearOp::create(b, g.x, nodeType, transposeTyped(b, w[i]),
                                 w[i + 1])
        .getResult();
  };
  Value k = linear(0), q = linear(2), v = linear(4);
  // Per relation, the block-diagonal [out, out] matrix of its heads' D×D
  // blocks; the attention one carries rel_pri / √D.
  double invSqrtD = 1.0 / std::sqrt(double(d));
  auto blockDiagonal = [&](Value blocks, Value prior) {
    SmallVector<Value> in{blocks};
    SmallVector<AffineMap> maps{dims(b, 5, {0, 1, 2, 4})};
    if (prior) {
      in.push_back(prior);
      maps.push_back(dims(b, 5, {0, 1}));
    }
    Value t = build(
        b, {r, h, d, h, d}, in, maps,
        [&](ImplicitLocOpBuilder &ib, ValueRange idx, ValueRange v) {
          Value same = arith::CmpIOp::create(ib, arith::CmpIPredicate::eq,
                                             idx[1], idx[3]);
          Value x = v[0];
          if (prior)
            x = arith::MulFOp::create(
                ib, x, arith::MulFOp::create(ib, v[1], constF32(ib, invSqrtD)));
          return arith::SelectOp::create(ib, same, x, constF32(ib, 0.0))
              .getResult();
        });
    return collapse(b, t, {{0}, {1, 2}, {3, 4}});
  };
  Value kRel = RelationLinearOp::create(b, k, g.edgeIndex, g.edgeType,
                                        blockDiagonal(w[6], w[8]), g.n,
                                        Side::src, Materialize::edge);
  Value msgs = RelationLinearOp::create(b, v, g.edgeIndex, g.edgeType,
                                        blockDiagonal(w[7], Value()), g.n,
                                        Side::src, Materialize::edge);
  Value qDst = GatherOp::create(b, q, g.edgeIndex, g.n, Side::dst);
  Value scores = EdgeDotOp::create(b, qDst, kRel, Value(), h);
  Value alpha = EdgeSoftmaxOp::create(b, scores, g.edgeIndex, g.n);
  Value agg = AggregateOp::create(b, msgs, g.edgeIndex, Value(), alpha, g.n,
                                  Reduce::sum, IntegerAttr());
  Value gelu = b.map({agg}, agg, [](ImplicitLocOpBuilder &ib, ValueRange v) {
    Value half = constF32(ib, 0.5);
    Value e = math::ErfOp::create(
        ib, arith::MulFOp::create(ib, v[0], constF32(ib, M_SQRT1_2)));
    Value onePlus = arith::AddFOp::create(ib, e, constF32(ib, 1.0));
    return arith::MulFOp::create(ib, arith::MulFOp::create(ib, half, v[0]),
                                 onePlus)
        .getResult();
  });
  if (f != out) {
    return TypedLinearOp::create(b, gelu, nodeType, transposeTyped(b, w[9]),
                                 w[10]);
  }
  // x' = σ(skip_τ)·(gelu·A_τ + b_τ) + (1 − σ(skip_τ))·x: the gate folded
  // into a_lin, the residual a per-type scaled identity.
  Value skip = w[11];
  int64_t types = cast<RankedTensorType>(skip.getType()).getDimSize(0);
  Value aW = transposeTyped(b, w[9]);
  Value gatedW = build(
      b, {types, out, out}, {aW, skip}, {b.identity(3), dims(b, 3, {0})},
      [](ImplicitLocOpBuilder &ib, ValueRange, ValueRange v) {
        return arith::MulFOp::create(ib, v[0], sigmoid(ib, v[1])).getResult();
      });
  Value gatedB = build(
      b, {types, out}, {w[10], skip}, {b.identity(2), dims(b, 2, {0})},
      [](ImplicitLocOpBuilder &ib, ValueRange, ValueRange v) {
        return arith::MulFOp::create(ib, v[0], sigmoid(ib, v[1])).getResult();
      });
  Value keep = build(
      b, {types, f, f}, {skip}, {dims(b, 3, {0})},
      [](ImplicitLocOpBuilder &ib, ValueRange idx, ValueRange v) {
        Value same =
            arith::CmpIOp::create(ib, arith::CmpIPredicate::eq, idx[1], idx[2]);
        Value rest =
            arith::SubFOp::create(ib, constF32(ib, 1.0), sigmoid(ib, v[0]));
        return arith::SelectOp::create(ib, same, rest, constF32(ib, 0.0))
            .getResult();
      });
  Value o = TypedLinearOp::create(b, gelu, nodeType, gatedW, gatedB);
  Value residual = TypedLinearOp::create(b, g.x, nodeType, keep, Value());
  return add(b, o, residual);
}

struct RGNNDecompose : seqc::impl::RGNNDecomposeBase<RGNNDecompose> {
  void runOnOperation() override {
    SmallVector<Operation *> layers;
    getOperation().walk([&](Operation *op) {
      if (isa<RGCNOp, RGATOp, HGTOp>(op))
        layers.push_back(op);
    });
    // The node count of each layer output: the next layer on the same graph
    // uses the same value, and so the same graph layout.
    DenseMap<Value, Value> nodeCount;
    for (Operation *op : layers) {
      TensorBuilder b(op->getLoc(), op);
      Graph g{op->getOperand(0), op->getOperand(1), op->getOperand(2), {}};
      g.n = nodeCount.lookup(g.x);
      if (!g.n)
        g.n = tensor::DimOp::create(b, g.x, 0);
      Value y;
      if (auto rgcn = dyn_cast<RGCNOp>(op))
        y = decomposeRGCN(b, rgcn, g);
      else if (auto rgat = dyn_cast<RGATOp>(op))
        y = decomposeRGAT(b, rgat, g);
      else
        y = decomposeHGT(b, cast<HGTOp>(op), g, op->getOperand(3));
      if (y.getType() != op->getResult(0).getType())
        y = tensor::CastOp::create(b, op->getResult(0).getType(), y);
      nodeCount[y] = g.n;
      op->getResult(0).replaceAllUsesWith(y);
      op->erase();
    }
  }
};

} // namespace
