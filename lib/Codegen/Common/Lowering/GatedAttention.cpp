//===- GatedAttention.cpp - Causal attention with online softmax ----------===//
//
// gated_attention (SPEC §4.4): q, k, v and the gate are one contraction
// over their stacked weights; the attention is a kernel call
// ("gated_attention", with heads, kv_heads, head_dim, the gate's kind,
// rope_theta and the op's #seq.attention_layout) on that projection,
// returning the gated heads side by side; o_proj a contraction after it.
//
// The call's body never forms the T×T scores: flash attention's tiling as
// tensor-level structure. Query heads are grouped under their kv head
// ([B, T, Hkv, G, Dh], G = H / Hkv). An scf.forall over tiles of
// kQueryTile rows walks the keys up to the tile's last row in blocks of
// kKeyBlock, carrying per row the running max m, the running sum l and the
// output accumulator:
//   S = q kᵀ/√Dh (key > row: −∞), m' = max(m, max S), α = e^{m − m'},
//   l = l·α + Σ e^{S − m'}, acc = acc·α + e^{S − m'} V;
// then o = acc / l ⊙ σ(gate).
//
//===----------------------------------------------------------------------===//
#include "Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <cmath>

using namespace mlir;
using namespace seqc::seq;

namespace seqc {

namespace {

using IT = utils::IteratorType;

/// Query rows per tile and keys per block of the target-independent form.
constexpr int64_t kQueryTile = 32;
constexpr int64_t kKeyBlock = 64;
/// Stands for −∞ in the running max: e^{kMasked − m} is 0 for any real m.
constexpr double kMasked = -1e30;

using Attention = AttentionHeads;

/// [..., lo, lo + n) of the last dim of a 4-D tensor.
Value lastRange(TensorBuilder &b, Value x, int64_t lo, int64_t n) {
  SmallVector<OpFoldResult> sizes = b.sizes(x);
  sizes[3] = b.getIndexAttr(n);
  SmallVector<OpFoldResult> offsets(4, b.getIndexAttr(0));
  offsets[3] = b.getIndexAttr(lo);
  return tensor::ExtractSliceOp::create(
      b, x, offsets, sizes, SmallVector<OpFoldResult>(4, b.getIndexAttr(1)));
}

/// NeoX rotate-half RoPE on x [B, T, N, Dh] by the tables of ropeTables:
/// (x_i, x_{i+Dh/2}) → (x_i cos − x_{i+Dh/2} sin, x_{i+Dh/2} cos + x_i
/// sin) at t, i.
Value rope(TensorBuilder &b, Value x, int64_t dh, Value cos, Value sin) {
  int64_t half = dh / 2;
  Value lo = lastRange(b, x, 0, half), hi = lastRange(b, x, half, half);
  AffineMap table = b.select(4, {1, 3});
  auto rotated = [&](bool upper) {
    return b.generic(
        {lo, hi, cos, sin}, {b.identity(4), b.identity(4), table, table},
        b.empty(b.sizes(lo)), b.identity(4), loopTypes(4),
        [&](ImplicitLocOpBuilder &ib, ValueRange a) {
          Value self = upper ? a[1] : a[0], other = upper ? a[0] : a[1];
          Value cosTerm = arith::MulFOp::create(ib, self, a[2]);
          Value sinTerm = arith::MulFOp::create(ib, other, a[3]);
          Value v =
              upper ? arith::AddFOp::create(ib, cosTerm, sinTerm).getResult()
                    : arith::SubFOp::create(ib, cosTerm, sinTerm).getResult();
          return SmallVector<Value>{v};
        });
  };
  SmallVector<OpFoldResult> ones(4, b.getIndexAttr(1));
  SmallVector<OpFoldResult> at(4, b.getIndexAttr(0));
  Value out = tensor::InsertSliceOp::create(b, rotated(false), x, at,
                                            b.sizes(lo), ones);
  at[3] = b.getIndexAttr(half);
  return tensor::InsertSliceOp::create(b, rotated(true), out, at, b.sizes(hi),
                                       ones);
}

/// [B, T, Hkv·G·X] as [B, T, Hkv, G, X], or [B, T, Hkv, G] without X.
Value groupHeads(TensorBuilder &b, Value x, const Attention &a,
                 std::optional<int64_t> per) {
  auto t = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> split{a.kvHeads, a.group()};
  if (per)
    split.push_back(*per);
  SmallVector<int64_t> shape{t.getDimSize(0), t.getDimSize(1)};
  SmallVector<OpFoldResult> sizes = b.sizes(x);
  sizes.pop_back();
  ReassociationIndices last;
  for (int64_t s : split) {
    last.push_back(shape.size());
    shape.push_back(s);
    sizes.push_back(b.getIndexAttr(s));
  }
  return tensor::ExpandShapeOp::create(
      b, t.clone(shape), x, SmallVector<ReassociationIndices>{{0}, {1}, last},
      sizes);
}

/// The attention of one tile of query rows q [B, n, Hkv, G, Dh] at
/// positions r0.. (past keys included), over keys [0, r0 + n) of the
/// `keys` in k and v: the normalized outputs, same shape.
Value attendTile(TensorBuilder &b, const Attention &a, Value q, Value k,
                 Value v, Value r0, Value n, Value keys) {
  SmallVector<OpFoldResult> qs = b.sizes(q);
  OpFoldResult batch = qs[0], kvH = qs[2], group = qs[3];
  SmallVector<OpFoldResult> rowSizes{batch, kvH, group, n};
  Value m0 = linalg::FillOp::create(b, ValueRange{b.f32(kMasked)},
                                    ValueRange{b.empty(rowSizes)})
                 .getResult(0);
  Value blocks = arith::CeilDivUIOp::create(b, arith::AddIOp::create(b, r0, n),
                                            b.index(kKeyBlock));
  double scale = 1.0 / std::sqrt(double(a.dh));
  auto loop = scf::ForOp::create(
      b, b.index(0), blocks, b.index(1),
      ValueRange{m0, b.zeros(rowSizes), b.zeros(qs)},
      [&](OpBuilder &nested, Location loc, Value blk, ValueRange carried) {
        TensorBuilder lb(loc, nested);
        Value k0, nk; // (captured below: not a structured binding)
        std::tie(k0, nk) = chunkSpan(lb, blk, kKeyBlock, keys);
        Value kt = stepRows(lb, k, k0, nk).of(lb, k); // [B, nk, Hkv, Dh]
        Value vt = stepRows(lb, v, k0, nk).of(lb, v);
        // S[b, hk, g, i, j] = Σ_d q·k / √Dh, −∞ where key k0 + j > row r0 + i.
        SmallVector<OpFoldResult> scoreSizes{batch, kvH, group, n, nk};
        Value raw = lb.generic(
            {q, kt},
            {lb.select(6, {0, 3, 1, 2, 5}), lb.select(6, {0, 4, 1, 5})},
            lb.zeros(scoreSizes), lb.select(6, {0, 1, 2, 3, 4}),
            loopTypes(5, 1), [](ImplicitLocOpBuilder &ib, ValueRange x) {
              return SmallVector<Value>{arith::AddFOp::create(
                  ib, x[2], arith::MulFOp::create(ib, x[0], x[1]))};
            });
        Value scores =
            lb.map({raw}, raw, [&](ImplicitLocOpBuilder &ib, ValueRange x) {
              Value row =
                  arith::AddIOp::create(ib, r0, linalg::IndexOp::create(ib, 3));
              Value key =
                  arith::AddIOp::create(ib, k0, linalg::IndexOp::create(ib, 4));
              Value late = arith::CmpIOp::create(ib, arith::CmpIPredicate::ugt,
                                                 key, row);
              return arith::SelectOp::create(
                         ib, late, constF32(ib, kMasked),
                         arith::MulFOp::create(ib, x[0], constF32(ib, scale)))
                  .getResult();
            });
        // m' = max(m, max_j S).
        AffineMap rowMap = lb.select(5, {0, 1, 2, 3});
        Value mNew = lb.generic(
            {scores}, {lb.identity(5)}, carried[0], rowMap, loopTypes(4, 1),
            [](ImplicitLocOpBuilder &ib, ValueRange x) {
              return SmallVector<Value>{
                  arith::MaximumFOp::create(ib, x[1], x[0])};
            });
        // α = e^{m − m'}; P = e^{S − m'}.
        Value alpha =
            lb.map({carried[0], mNew}, mNew,
                   [](ImplicitLocOpBuilder &ib, ValueRange x) {
                     return math::ExpOp::create(
                                ib, arith::SubFOp::create(ib, x[0], x[1]))
                         .getResult();
                   });
        Value p = lb.generic({scores, mNew}, {lb.identity(5), rowMap},
                             lb.empty(scoreSizes), lb.identity(5), loopTypes(5),
                             [](ImplicitLocOpBuilder &ib, ValueRange x) {
                               return SmallVector<Value>{math::ExpOp::create(
                                   ib, arith::SubFOp::create(ib, x[0], x[1]))};
                             });
        // l' = l·α + Σ_j P.
        Value scaledL =
            lb.map({carried[1], alpha}, alpha,
                   [](ImplicitLocOpBuilder &ib, ValueRange x) {
                     return arith::MulFOp::create(ib, x[0], x[1]).getResult();
                   });
        Value l = lb.generic(
            {p}, {lb.identity(5)}, scaledL, rowMap, loopTypes(4, 1),
            [](ImplicitLocOpBuilder &ib, ValueRange x) {
              return SmallVector<Value>{arith::AddFOp::create(ib, x[1], x[0])};
            });
        // acc' = acc·α + Σ_j P[b, hk, g, i, j] v[b, j, hk, d] over (b, i,
        // hk, g, d; j).
        Value scaledAcc = lb.generic(
            {alpha}, {lb.select(5, {0, 2, 3, 1})}, carried[2], lb.identity(5),
            loopTypes(5), [](ImplicitLocOpBuilder &ib, ValueRange x) {
              return SmallVector<Value>{arith::MulFOp::create(ib, x[1], x[0])};
            });
        Value acc = lb.generic(
            {p, vt},
            {lb.select(6, {0, 2, 3, 1, 5}), lb.select(6, {0, 5, 2, 4})},
            scaledAcc, lb.select(6, {0, 1, 2, 3, 4}), loopTypes(5, 1),
            [](ImplicitLocOpBuilder &ib, ValueRange x) {
              return SmallVector<Value>{arith::AddFOp::create(
                  ib, x[2], arith::MulFOp::create(ib, x[0], x[1]))};
            });
        scf::YieldOp::create(lb, ValueRange{mNew, l, acc});
      });
  // o = acc / l.
  return b.generic({loop.getResult(2), loop.getResult(1)},
                   {b.identity(5), b.select(5, {0, 2, 3, 1})},
                   b.empty(b.sizes(loop.getResult(2))), b.identity(5),
                   loopTypes(5), [](ImplicitLocOpBuilder &ib, ValueRange x) {
                     return SmallVector<Value>{
                         arith::DivFOp::create(ib, x[0], x[1])};
                   });
}

/// The gated heads [B, T, H·Dh] of `a`.
Value attentionBody(TensorBuilder &b, const Attention &a) {
  int64_t qw = a.heads * a.dh;
  Value k = a.k, v = a.v;
  Value q = groupHeads(b, b.mergeLast(a.q), a, a.dh); // [B, T, Hkv, G, Dh]
  // [B, T, Hkv, G, Dh], or [B, T, Hkv, G] headwise.
  Value gate =
      groupHeads(b, a.gate, a, a.headwise ? std::nullopt : std::optional(a.dh));
  Value steps = b.dim(a.q, 1), keys = b.dim(a.k, 1);
  // Row t is position P + t, P = the past keys.
  Value past = arith::SubIOp::create(b, keys, steps);
  Value tiles = arith::CeilDivUIOp::create(b, steps, b.index(kQueryTile));
  ValueRange out = forEachChunk(
      b, tiles, ValueRange{b.empty(b.sizes(q))},
      [&](TensorBuilder &cb, Value c, ValueRange outs) {
        auto [r0, n] = chunkSpan(cb, c, kQueryTile, steps);
        StepRows rows = stepRows(cb, q, r0, n);
        Value o = attendTile(cb, a, rows.of(cb, q), k, v,
                             arith::AddIOp::create(cb, past, r0), n, keys);
        // o ⊙ σ(gate), the headwise gate broadcast over Dh.
        Value g = stepRows(cb, gate, r0, n).of(cb, gate);
        Value gated =
            cb.generic({o, g},
                       {cb.identity(5), a.headwise ? cb.select(5, {0, 1, 2, 3})
                                                   : cb.identity(5)},
                       cb.empty(cb.sizes(o)), cb.identity(5), loopTypes(5),
                       [](ImplicitLocOpBuilder &ib, ValueRange x) {
                         return SmallVector<Value>{arith::MulFOp::create(
                             ib, x[0], sigmoid(ib, x[1]))};
                       });
        return SmallVector<ChunkWrite>{{gated, stepRows(cb, outs[0], r0, n)}};
      });
  // [B, T, Hkv, G, Dh] → [B, T, H·Dh].
  auto t = cast<RankedTensorType>(out[0].getType());
  return tensor::CollapseShapeOp::create(
      b,
      RankedTensorType::get({t.getDimSize(0), t.getDimSize(1), qw},
                            t.getElementType()),
      out[0], SmallVector<ReassociationIndices>{{0}, {1}, {2, 3, 4}});
}

} // namespace

std::pair<Value, Value> ropeTables(TensorBuilder &b, Value steps, int64_t dh,
                                   double theta, Value first) {
  // t = 64n + 8a + c: cos and sin of t·f by angle addition from those of
  // 64n·f, 8a·f and c·f.
  constexpr int64_t kFine = 8, kBlock = kFine * kFine;
  int64_t half = dh / 2;
  auto f64 = b.getF64Type();
  using IT = utils::IteratorType;
  // cos and sin of ((from + t)·stride)·θ^(−2i/Dh) for t < count,
  // [count, Dh/2] each, f64.
  auto base = [&](OpFoldResult count, int64_t stride, Value from) {
    auto angles = [&](bool isSin) {
      return b.generic(
          {}, {},
          tensor::EmptyOp::create(
              b, ArrayRef<OpFoldResult>{count, b.getIndexAttr(half)}, f64),
          b.identity(2), {IT::parallel, IT::parallel},
          [&](ImplicitLocOpBuilder &ib, ValueRange) {
            auto asF64 = [&](Value v) {
              return arith::UIToFPOp::create(
                  ib, f64, arith::IndexCastOp::create(ib, ib.getI64Type(), v));
            };
            Value t =
                arith::AddIOp::create(ib, from, linalg::IndexOp::create(ib, 0));
            Value i = linalg::IndexOp::create(ib, 1);
            Value freq = math::ExpOp::create(
                ib,
                arith::MulFOp::create(
                    ib, asF64(i),
                    arith::ConstantOp::create(
                        ib, ib.getF64FloatAttr(-2.0 * std::log(theta) / dh))));
            Value angle = arith::MulFOp::create(
                ib,
                asF64(arith::MulIOp::create(
                    ib, t, arith::ConstantIndexOp::create(ib, stride))),
                freq);
            Value v = isSin ? math::SinOp::create(ib, angle).getResult()
                            : math::CosOp::create(ib, angle).getResult();
            return SmallVector<Value>{v};
          });
    };
    return std::pair<Value, Value>{angles(false), angles(true)};
  };
  if (!first)
    first = b.index(0);
  Value firstBlock = arith::DivUIOp::create(b, first, b.index(kBlock));
  Value blocks = arith::SubIOp::create(
      b,
      arith::CeilDivUIOp::create(b, arith::AddIOp::create(b, first, steps),
                                 b.index(kBlock)),
      firstBlock);
  auto [cosC, sinC] = base(b.getIndexAttr(kFine), 1, b.index(0));
  auto [cosA, sinA] = base(b.getIndexAttr(kFine), kFine, b.index(0));
  auto [cosN, sinN] = base(blocks, kBlock, firstBlock);
  // (cos, sin) of x + y from theirs.
  auto add = [](ImplicitLocOpBuilder &ib, std::pair<Value, Value> x,
                std::pair<Value, Value> y) {
    auto mul = [&](Value u, Value v) {
      return arith::MulFOp::create(ib, u, v).getResult();
    };
    return std::pair<Value, Value>{
        arith::SubFOp::create(ib, mul(x.first, y.first),
                              mul(x.second, y.second)),
        arith::AddFOp::create(ib, mul(x.second, y.first),
                              mul(x.first, y.second))};
  };
  auto table = [&](bool isSin) {
    return b.generic(
        {}, {}, b.empty({steps, b.getIndexAttr(half)}), b.identity(2),
        {IT::parallel, IT::parallel},
        [&](ImplicitLocOpBuilder &ib, ValueRange) {
          auto index = [&](int64_t v) {
            return arith::ConstantIndexOp::create(ib, v);
          };
          Value t =
              arith::AddIOp::create(ib, first, linalg::IndexOp::create(ib, 0));
          Value i = linalg::IndexOp::create(ib, 1);
          Value n = arith::SubIOp::create(
              ib, arith::DivUIOp::create(ib, t, index(kBlock)), firstBlock);
          Value j = arith::RemUIOp::create(ib, t, index(kBlock));
          Value a = arith::DivUIOp::create(ib, j, index(kFine));
          Value c = arith::RemUIOp::create(ib, j, index(kFine));
          auto at = [&](std::pair<Value, Value> tables, Value r) {
            auto get = [&](Value table) {
              return tensor::ExtractOp::create(ib, table, ValueRange{r, i})
                  .getResult();
            };
            return std::pair<Value, Value>{get(tables.first),
                                           get(tables.second)};
          };
          auto [cosT, sinT] =
              add(ib, at({cosN, sinN}, n),
                  add(ib, at({cosA, sinA}, a), at({cosC, sinC}, c)));
          return SmallVector<Value>{arith::TruncFOp::create(
              ib, ib.getF32Type(), isSin ? sinT : cosT)};
        });
  };
  return {table(false), table(true)};
}

AttentionHeads AttentionHeads::of(TensorBuilder &b, DictionaryAttr kernel,
                                  ValueRange operands, bool rotateQueries) {
  AttentionHeads a;
  a.heads = kernel.getAs<IntegerAttr>("heads").getInt();
  a.kvHeads = kernel.getAs<IntegerAttr>("kv_heads").getInt();
  a.dh = kernel.getAs<IntegerAttr>("head_dim").getInt();
  a.headwise = kernel.getAs<AttentionGateAttr>("gate").getValue() ==
               AttentionGate::headwise;
  int64_t qw = a.heads * a.dh, kvw = a.kvHeads * a.dh;
  Value fused = operands[0];
  bool past = operands.size() >= 3;
  a.q = b.splitLast(fusedPart(b, fused, 0, qw), a.heads, a.dh);
  a.k = b.splitLast(past ? operands[1] : fusedPart(b, fused, qw, kvw),
                    a.kvHeads, a.dh);
  a.v = b.splitLast(past ? operands[2] : fusedPart(b, fused, qw + kvw, kvw),
                    a.kvHeads, a.dh);
  if (auto theta = kernel.getAs<FloatAttr>("rope_theta")) {
    // The queries' positions P..P+T−1; past keys come rotated (and x's
    // among them), x's alone are rotated here.
    // With past keys the call carries the tables x's keys were rotated by.
    Value cos, sin;
    if (operands.size() == 5) {
      cos = operands[3], sin = operands[4];
    } else {
      Value steps = b.dim(a.q, 1);
      Value first =
          past ? arith::SubIOp::create(b, b.dim(a.k, 1), steps) : Value();
      std::tie(cos, sin) =
          ropeTables(b, steps, a.dh, theta.getValueAsDouble(), first);
    }
    if (!past)
      a.k = rope(b, a.k, a.dh, cos, sin);
    if (rotateQueries)
      a.q = rope(b, a.q, a.dh, cos, sin);
    else
      a.ropeCos = cos, a.ropeSin = sin;
  }
  a.gate = fusedPart(b, fused, qw + 2 * kvw, a.headwise ? a.heads : qw);
  return a;
}

/// [past; rows] along time: x's keys or values after the past ones.
static Value appendRows(TensorBuilder &b, Value past, Value rows) {
  SmallVector<OpFoldResult> pastSizes = b.sizes(past), sizes = b.sizes(rows);
  SmallVector<OpFoldResult> all = sizes;
  all[1] = arith::AddIOp::create(b, b.dim(past, 1), b.dim(rows, 1)).getResult();
  SmallVector<OpFoldResult> at(3, b.getIndexAttr(0)),
      ones(3, b.getIndexAttr(1));
  Value out =
      tensor::InsertSliceOp::create(b, past, b.empty(all), at, pastSizes, ones);
  at[1] = b.dim(past, 1);
  return tensor::InsertSliceOp::create(b, rows, out, at, sizes, ones);
}

static Results gatedAttention(TensorBuilder &b, Checks &checks,
                              GatedAttentionOp op) {
  ValueRange w = op.getWeights();
  // q, k, v and the gate read x: one contraction over their stacked
  // weights.
  Value fused = buildFusedLinear(b, op.getX(), {w[0], w[1], w[2], w[3]});
  int64_t qw = op.getHeads() * op.getHeadDim(),
          kvw = op.getKvHeads() * op.getHeadDim();
  // The keys (after RoPE) and values of every position so far: the past
  // ones (a stream's earlier calls), then x's at positions P..P+T−1.
  Value keys = fusedPart(b, fused, qw, kvw);
  Value values = fusedPart(b, fused, qw + kvw, kvw);
  Value kPast = op.getKPast();
  // Rotated for the kernel where there are past keys, for output 1 where
  // it is used; otherwise the kernel rotates x's keys itself.
  auto theta = op.getRopeTheta();
  Value cos, sin; // RoPE's tables of x's positions
  if (theta && (kPast || !op.getK().use_empty())) {
    Value first = kPast ? b.dim(kPast, 1) : Value();
    std::tie(cos, sin) = ropeTables(b, b.dim(keys, 1), op.getHeadDim(),
                                    theta->convertToDouble(), first);
    keys =
        b.mergeLast(rope(b, b.splitLast(keys, op.getKvHeads(), op.getHeadDim()),
                         op.getHeadDim(), cos, sin));
  }
  SmallVector<Value> operands{fused};
  if (kPast) {
    std::string node = "node '" + nodeName(op) + "': ";
    Value vPast = op.getVPast(), x = op.getX();
    std::tie(x, kPast) = checks.sameDim(b, x, 0, kPast, 0,
                                        node + "batch of x and k_past differ");
    std::tie(x, vPast) = checks.sameDim(b, x, 0, vPast, 0,
                                        node + "batch of x and v_past differ");
    std::tie(kPast, vPast) = checks.sameDim(
        b, kPast, 1, vPast, 1, node + "lengths of k_past and v_past differ");
    keys = appendRows(b, kPast, keys);
    values = appendRows(b, vPast, values);
    operands.append({keys, values});
    // q's positions are x's: the kernel rotates q by the same tables.
    if (cos)
      operands.append({cos, sin});
  }
  SmallVector<NamedAttribute> attrs{
      b.getNamedAttr("heads", b.getI64IntegerAttr(op.getHeads())),
      b.getNamedAttr("kv_heads", b.getI64IntegerAttr(op.getKvHeads())),
      b.getNamedAttr("head_dim", b.getI64IntegerAttr(op.getHeadDim())),
      b.getNamedAttr("gate", op.getGateAttr())};
  if (auto theta = op.getRopeTheta())
    attrs.push_back(b.getNamedAttr(
        "rope_theta", b.getF64FloatAttr(theta->convertToDouble())));
  if (auto layout = op->getAttrOfType<AttentionLayoutAttr>("seq.layout"))
    attrs.push_back(b.getNamedAttr("layout", layout));
  DictionaryAttr kernel = b.getDictionaryAttr(attrs);
  Value o = buildKernelCall(
      b, "gated_attention", attrs, operands,
      [&](TensorBuilder &kb, ValueRange args) {
        return Results{attentionBody(kb, AttentionHeads::of(kb, kernel, args))};
      })[0];
  return Results{buildLinear(b, o, w[4]), keys, values};
}

void populateGatedAttentionPatterns(RewritePatternSet &patterns,
                                    Checks &checks) {
  patterns.add<LowerOpPattern<GatedAttentionOp>>(
      patterns.getContext(), checks,
      [](TensorBuilder &b, GatedAttentionOp op, Checks &checks) {
        return FailureOr<Results>(gatedAttention(b, checks, op));
      });
}

} // namespace seqc
