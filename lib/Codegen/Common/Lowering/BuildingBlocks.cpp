//===- BuildingBlocks.cpp - Lowering of SPEC §4.1 ops to linalg -----------===//
#include "Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace seqc::seq;

namespace seqc {

bool isFusedIntoNeuron(LinearOp op) {
  if (!op->hasOneUse() ||
      cast<RankedTensorType>(op.getX().getType()).getRank() != 3)
    return false;
  Operation *user = *op->user_begin();
  return isa<LIFOp, PLIFOp, IFNeuronOp, CubaLIFOp>(user) &&
         user->getOperand(0) == op.getY();
}

static Value linearOp(TensorBuilder &b, LinearOp op) {
  ValueRange w = op.getWeights();
  return buildLinear(b, op.getX(), w[0], op.getBias() ? w[1] : Value());
}

static Value embeddingOp(TensorBuilder &b, EmbeddingOp op) {
  // Ids are checked against [0, num) by the runtime before a run; the clamp
  // keeps the read in bounds regardless.
  Value table = op.getWeights()[0];
  Value ids = op.getIds();
  unsigned rank = cast<RankedTensorType>(ids.getType()).getRank() + 1;
  SmallVector<OpFoldResult> outSizes = b.sizes(ids);
  outSizes.push_back(b.getIndexAttr(op.getDim()));
  SmallVector<unsigned> idDims;
  for (unsigned i = 0; i + 1 < rank; ++i)
    idDims.push_back(i);
  SmallVector<utils::IteratorType> its(rank, utils::IteratorType::parallel);
  int64_t num = op.getNum();
  return b.generic(
      {ids}, {b.select(rank, idDims)}, b.empty(outSizes), b.identity(rank), its,
      [&](ImplicitLocOpBuilder &ib, ValueRange a) {
        Value id = arith::IndexCastOp::create(ib, ib.getIndexType(), a[0]);
        Value zero = arith::ConstantIndexOp::create(ib, 0);
        Value last = arith::ConstantIndexOp::create(ib, num - 1);
        id = arith::MaxSIOp::create(ib, arith::MinSIOp::create(ib, id, last),
                                    zero);
        Value col = linalg::IndexOp::create(ib, rank - 1);
        return SmallVector<Value>{
            tensor::ExtractOp::create(ib, table, ValueRange{id, col})};
      });
}

/// x ⊙ scale[...] ⊙ w (+ bias): the last step of both norms. `shift` is
/// subtracted first when given.
static Value normalize(TensorBuilder &b, Value x, Value shift, Value scale,
                       Value w, Value bias) {
  unsigned rank = cast<RankedTensorType>(x.getType()).getRank();
  SmallVector<unsigned> rows;
  for (unsigned i = 0; i + 1 < rank; ++i)
    rows.push_back(i);
  SmallVector<Value> ins{x, scale, w};
  SmallVector<AffineMap> maps{b.identity(rank), b.select(rank, rows),
                              b.select(rank, {rank - 1})};
  if (shift) {
    ins.push_back(shift);
    maps.push_back(b.select(rank, rows));
  }
  if (bias) {
    ins.push_back(bias);
    maps.push_back(b.select(rank, {rank - 1}));
  }
  SmallVector<utils::IteratorType> its(rank, utils::IteratorType::parallel);
  return b.generic(ins, maps, b.empty(b.sizes(x)), b.identity(rank), its,
                   [&](ImplicitLocOpBuilder &ib, ValueRange a) {
                     Value v = a[0];
                     unsigned next = 3;
                     if (shift)
                       v = arith::SubFOp::create(ib, v, a[next++]);
                     v = arith::MulFOp::create(ib, v, a[1]);
                     v = arith::MulFOp::create(ib, v, a[2]);
                     if (bias)
                       v = arith::AddFOp::create(ib, v, a[next]);
                     return SmallVector<Value>{v};
                   });
}

/// 1 / sqrt(sum / D + eps), elementwise on the row sums.
static Value inverseRms(TensorBuilder &b, Value sums, Value d, double eps) {
  return b.map({sums}, sums, [&](ImplicitLocOpBuilder &ib, ValueRange a) {
    Value mean = arith::DivFOp::create(ib, a[0], d);
    return math::RsqrtOp::create(
        ib, arith::AddFOp::create(ib, mean, constF32(ib, eps)));
  });
}

Value buildRMSNorm(TensorBuilder &b, Value x, Value w, double eps) {
  unsigned rank = cast<RankedTensorType>(x.getType()).getRank();
  Value sq = b.sumLast(x, [](ImplicitLocOpBuilder &ib, Value v) {
    return arith::MulFOp::create(ib, v, v);
  });
  Value scale = inverseRms(b, sq, b.dimF32(x, rank - 1), eps);
  return normalize(b, x, Value(), scale, w, Value());
}

Value buildLayerNorm(TensorBuilder &b, Value x, Value w, Value bias,
                     double eps) {
  unsigned rank = cast<RankedTensorType>(x.getType()).getRank();
  Value d = b.dimF32(x, rank - 1);
  Value sums = b.sumLast(x, [](ImplicitLocOpBuilder &, Value v) { return v; });
  Value mean = b.map({sums}, sums, [&](ImplicitLocOpBuilder &ib, ValueRange a) {
    return arith::DivFOp::create(ib, a[0], d);
  });
  // Σ (x − mean)², a second pass for accuracy.
  SmallVector<unsigned> rows;
  for (unsigned i = 0; i + 1 < rank; ++i)
    rows.push_back(i);
  SmallVector<utils::IteratorType> its(rank, utils::IteratorType::parallel);
  its.back() = utils::IteratorType::reduction;
  Value sq = b.generic({x, mean}, {b.identity(rank), b.select(rank, rows)},
                       b.zeros(b.sizes(mean)), b.select(rank, rows), its,
                       [](ImplicitLocOpBuilder &ib, ValueRange a) {
                         Value c = arith::SubFOp::create(ib, a[0], a[1]);
                         return SmallVector<Value>{arith::AddFOp::create(
                             ib, a[2], arith::MulFOp::create(ib, c, c))};
                       });
  Value scale = inverseRms(b, sq, d, eps);
  return normalize(b, x, mean, scale, w, bias);
}

/// NumPy broadcasting: a size-1 (static) dim is read at index 0.
static Value broadcastBinary(TensorBuilder &b, Checks &checks, Value x, Value y,
                             RankedTensorType out, bool multiply,
                             const std::string &node) {
  unsigned rank = out.getRank();
  auto operandMap = [&](Value v) {
    auto t = cast<RankedTensorType>(v.getType());
    SmallVector<AffineExpr> exprs;
    unsigned lead = rank - t.getRank();
    for (unsigned i = 0; i < t.getRank(); ++i)
      exprs.push_back(t.getDimSize(i) == 1 && out.getDimSize(lead + i) != 1
                          ? b.getAffineConstantExpr(0)
                          : b.getAffineDimExpr(lead + i));
    return AffineMap::get(rank, 0, exprs, b.getContext());
  };
  // Where both operands span a dynamic dim, their sizes must agree at run
  // time.
  auto xt = cast<RankedTensorType>(x.getType());
  auto yt = cast<RankedTensorType>(y.getType());
  for (unsigned i = 0; i < rank; ++i) {
    int64_t xi = int64_t(i) - (rank - xt.getRank());
    int64_t yi = int64_t(i) - (rank - yt.getRank());
    if (xi < 0 || yi < 0 || xt.getDimSize(xi) == 1 || yt.getDimSize(yi) == 1)
      continue;
    std::tie(x, y) =
        checks.sameDim(b, x, xi, y, yi,
                       "node '" + node + "': operand sizes differ along dim " +
                           std::to_string(i));
  }
  // The result's sizes: from whichever operand spans each dim.
  SmallVector<OpFoldResult> sizes;
  for (unsigned i = 0; i < rank; ++i) {
    int64_t xi = int64_t(i) - (rank - xt.getRank());
    int64_t yi = int64_t(i) - (rank - yt.getRank());
    if (xi >= 0 && xt.getDimSize(xi) != 1)
      sizes.push_back(b.sizes(x)[xi]);
    else if (yi >= 0)
      sizes.push_back(b.sizes(y)[yi]);
    else
      sizes.push_back(b.getIndexAttr(1));
  }
  SmallVector<utils::IteratorType> its(rank, utils::IteratorType::parallel);
  return b.generic(
      {x, y}, {operandMap(x), operandMap(y)}, b.empty(sizes), b.identity(rank),
      its, [&](ImplicitLocOpBuilder &ib, ValueRange a) {
        Value r = multiply ? Value(arith::MulFOp::create(ib, a[0], a[1]))
                           : Value(arith::AddFOp::create(ib, a[0], a[1]));
        return SmallVector<Value>{r};
      });
}

/// The activation `kind` of one f32 value.
Value activation(ImplicitLocOpBuilder &b, ActKind kind, Value x) {
  if (kind == ActKind::silu)
    return silu(b, x);
  if (kind == ActKind::sigmoid)
    return sigmoid(b, x);
  if (kind == ActKind::tanh)
    return math::TanhOp::create(b, x);
  if (kind == ActKind::relu)
    return arith::MaximumFOp::create(b, x, constF32(b, 0.0));
  if (kind == ActKind::gelu) {
    Value e = math::ErfOp::create(
        b, arith::MulFOp::create(b, x, constF32(b, M_SQRT1_2)));
    Value h = arith::MulFOp::create(b, x, constF32(b, 0.5));
    return arith::MulFOp::create(b, h,
                                 arith::AddFOp::create(b, constF32(b, 1.0), e));
  }
  if (kind == ActKind::gelu_tanh) {
    Value x3 = arith::MulFOp::create(b, arith::MulFOp::create(b, x, x), x);
    Value inner = arith::AddFOp::create(
        b, x, arith::MulFOp::create(b, x3, constF32(b, 0.044715)));
    Value t = math::TanhOp::create(
        b, arith::MulFOp::create(b, inner, constF32(b, std::sqrt(2.0 / M_PI))));
    Value h = arith::MulFOp::create(b, x, constF32(b, 0.5));
    return arith::MulFOp::create(b, h,
                                 arith::AddFOp::create(b, constF32(b, 1.0), t));
  }
  // softplus, stable: max(x, 0) + log1p(exp(−|x|)).
  Value pos = arith::MaximumFOp::create(b, x, constF32(b, 0.0));
  Value e = math::ExpOp::create(
      b, arith::NegFOp::create(b, math::AbsFOp::create(b, x)));
  return arith::AddFOp::create(b, pos, math::Log1pOp::create(b, e));
}

/// down(silu(gate(x)) ⊙ up(x)).
static Value gluMlp(TensorBuilder &b, GLUMLPOp op) {
  ValueRange w = op.getWeights();
  Value gate = buildLinear(b, op.getX(), w[0]);
  Value up = buildLinear(b, op.getX(), w[1]);
  Value h = b.map({gate, up}, gate, [](ImplicitLocOpBuilder &ib, ValueRange a) {
    return arith::MulFOp::create(ib, silu(ib, a[0]), a[1]);
  });
  return buildLinear(b, h, w[2]);
}

void populateBuildingBlockPatterns(RewritePatternSet &patterns,
                                   Checks &checks) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<LowerOpPattern<LinearOp>>(
      ctx, checks,
      [](TensorBuilder &b, LinearOp op, Checks &) -> FailureOr<Results> {
        if (!lowersToTensors(op)) // lowered with its neuron
          return failure();
        if (op.getSpikeInput())
          return Results{buildSpikeLinearCall(b, op)};
        return Results{linearOp(b, op)};
      });
  patterns.add<LowerOpPattern<EmbeddingOp>>(
      ctx, checks, [](TensorBuilder &b, EmbeddingOp op, Checks &) {
        return FailureOr<Results>(Results{embeddingOp(b, op)});
      });
  patterns.add<LowerOpPattern<RMSNormOp>>(
      ctx, checks, [](TensorBuilder &b, RMSNormOp op, Checks &) {
        return FailureOr<Results>(Results{buildRMSNorm(
            b, op.getX(), op.getWeights()[0], op.getEps().convertToDouble())});
      });
  patterns.add<LowerOpPattern<LayerNormOp>>(
      ctx, checks, [](TensorBuilder &b, LayerNormOp op, Checks &) {
        return FailureOr<Results>(Results{
            buildLayerNorm(b, op.getX(), op.getWeights()[0], op.getWeights()[1],
                           op.getEps().convertToDouble())});
      });
  patterns.add<LowerOpPattern<AddOp>>(
      ctx, checks, [](TensorBuilder &b, AddOp op, Checks &checks) {
        return FailureOr<Results>(
            Results{broadcastBinary(b, checks, op.getA(), op.getB(),
                                    op.getType(), false, nodeName(op))});
      });
  patterns.add<LowerOpPattern<MulOp>>(
      ctx, checks, [](TensorBuilder &b, MulOp op, Checks &checks) {
        return FailureOr<Results>(
            Results{broadcastBinary(b, checks, op.getA(), op.getB(),
                                    op.getType(), true, nodeName(op))});
      });
  patterns.add<LowerOpPattern<ActOp>>(
      ctx, checks, [](TensorBuilder &b, ActOp op, Checks &) {
        ActKind kind = op.getKind();
        return FailureOr<Results>(
            Results{b.map({op.getX()}, op.getX(),
                          [&](ImplicitLocOpBuilder &ib, ValueRange a) {
                            return activation(ib, kind, a[0]);
                          })});
      });
  patterns.add<LowerOpPattern<GLUMLPOp>>(
      ctx, checks, [](TensorBuilder &b, GLUMLPOp op, Checks &) {
        return FailureOr<Results>(Results{gluMlp(b, op)});
      });
}

} // namespace seqc
