//===- GatedAttention.cpp - Causal attention in tiles with online softmax -===//
//
// gated_attention (SPEC §4.4) never forms the T×T score matrix. A task is
// a tile of kRows query rows of one head; it walks the keys up to its last
// row in blocks of kKeys, keeping per row the running max m, the running
// sum l and the output accumulator (flash-attention's online softmax):
//   s = q kᵀ/√Dh (masked: key > row), m' = max(m, max s),
//   l = l·e^{m−m'} + Σ e^{s−m'}, acc = acc·e^{m−m'} + Σ e^{s−m'} v.
// Scores of a block are kKeys lanes: for each of the Dh components, one
// load of K (kept transposed, [B, Hkv, Dh, T], so the block's keys are
// contiguous) and one broadcast FMA per row; the V rows of a block are
// loaded once and added into every row of the tile. The gate is applied
// where the row is stored: o ⊙ σ(x W_gateᵀ). Grouped kv heads: query head h
// reads kv head h / (H / Hkv). RoPE (rotate-half) is applied to q and k
// beforehand from a [T, Dh/2] table of cos and sin.
//
//===----------------------------------------------------------------------===//
#include "Gemm.h"
#include "GraphLoops.h"
#include "Lowering.h"
#include "VectorLoops.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>

using namespace mlir;
using namespace seqc;
using namespace seqc::graph;
using arith::CmpIPredicate;

namespace {

/// Query rows per task and keys per block.
constexpr int64_t kRows = 4;
constexpr int64_t kKeys = 16;
/// Stands for −∞ in the running max: e^{kMasked − m} is 0 for any real m
/// and, unlike −∞, never makes NaN in the polynomial exp.
constexpr double kMasked = -1e30;

/// cos and sin of t·θ^(−2i/Dh), [T, Dh/2] each.
std::pair<Value, Value> ropeTables(TensorBuilder &b, Value steps, int64_t dh,
                                   double theta) {
  int64_t half = dh / 2;
  using IT = utils::IteratorType;
  auto table = [&](bool isSin) {
    return b.generic(
        {}, {}, b.empty({steps, b.getIndexAttr(half)}), b.identity(2),
        {IT::parallel, IT::parallel},
        [&](ImplicitLocOpBuilder &ib, ValueRange) {
          Value t = linalg::IndexOp::create(ib, 0);
          Value i = linalg::IndexOp::create(ib, 1);
          // In f64: t·θ^(−2i/Dh) in f32 would be off by about T·1e-7 rad.
          auto f64 = ib.getF64Type();
          auto asF64 = [&](Value v) {
            return arith::UIToFPOp::create(
                ib, f64, arith::IndexCastOp::create(ib, ib.getI64Type(), v));
          };
          Value freq = math::ExpOp::create(
              ib,
              arith::MulFOp::create(
                  ib, asF64(i),
                  arith::ConstantOp::create(
                      ib, ib.getF64FloatAttr(-2.0 * std::log(theta) / dh))));
          Value angle = arith::MulFOp::create(ib, asF64(t), freq);
          Value wide = isSin ? math::SinOp::create(ib, angle).getResult()
                             : math::CosOp::create(ib, angle).getResult();
          Value v = arith::TruncFOp::create(ib, ib.getF32Type(), wide);
          return SmallVector<Value>{v};
        });
  };
  return {table(false), table(true)};
}

/// Rotate-half RoPE of x [B, T, heads·Dh] at positions 0..T−1.
Value applyRope(TensorBuilder &b, Value x, int64_t heads, int64_t dh, Value cos,
                Value sin) {
  int64_t half = dh / 2;
  Value x4 = b.splitLast(x, heads, dh);
  using IT = utils::IteratorType;
  Value y = b.generic(
      {x4}, {b.identity(4)}, b.empty(b.sizes(x4)), b.identity(4),
      SmallVector<IT>(4, IT::parallel),
      [&](ImplicitLocOpBuilder &ib, ValueRange a) {
        Value bi = linalg::IndexOp::create(ib, 0);
        Value t = linalg::IndexOp::create(ib, 1);
        Value h = linalg::IndexOp::create(ib, 2);
        Value d = linalg::IndexOp::create(ib, 3);
        Value first = cmp(ib, CmpIPredicate::ult, d, idx(ib, half));
        Value i = arith::SelectOp::create(
            ib, first, d, arith::SubIOp::create(ib, d, idx(ib, half)));
        Value partner =
            arith::SelectOp::create(ib, first, add(ib, d, idx(ib, half)), i);
        Value other =
            tensor::ExtractOp::create(ib, x4, ValueRange{bi, t, h, partner});
        Value c = tensor::ExtractOp::create(ib, cos, ValueRange{t, i});
        Value s = tensor::ExtractOp::create(ib, sin, ValueRange{t, i});
        // first half: x cos − x' sin; second half: x cos + x' sin
        Value rot = arith::MulFOp::create(ib, other, s);
        Value xc = arith::MulFOp::create(ib, a[0], c);
        return SmallVector<Value>{arith::SelectOp::create(
            ib, first, arith::SubFOp::create(ib, xc, rot),
            arith::AddFOp::create(ib, xc, rot))};
      });
  return b.mergeLast(y);
}

/// k [B, T, Hkv·Dh] → [B, Hkv, Dh, T].
Value transposeKeys(TensorBuilder &b, Value k, int64_t heads, int64_t dh) {
  Value k4 = b.splitLast(k, heads, dh);
  SmallVector<OpFoldResult> s = b.sizes(k4);
  using IT = utils::IteratorType;
  return b.generic({k4}, {b.select(4, {0, 3, 1, 2})},
                   b.empty({s[0], s[2], s[3], s[1]}), b.identity(4),
                   SmallVector<IT>(4, IT::parallel),
                   [](ImplicitLocOpBuilder &, ValueRange a) {
                     return SmallVector<Value>{a[0]};
                   });
}

/// Columns [offset, offset + heads·dh) of fused [B, T, ·] per head,
/// [B, heads, T, dh].
Value perHead(TensorBuilder &b, Value fused, int64_t offset, int64_t heads,
              int64_t dh) {
  SmallVector<OpFoldResult> s = b.sizes(fused);
  return b.map(
      {}, b.empty({s[0], b.getIndexAttr(heads), s[1], b.getIndexAttr(dh)}),
      [&](ImplicitLocOpBuilder &ib, ValueRange) {
        Value bi = linalg::IndexOp::create(ib, 0);
        Value h = linalg::IndexOp::create(ib, 1);
        Value t = linalg::IndexOp::create(ib, 2);
        Value d = linalg::IndexOp::create(ib, 3);
        Value col =
            add(ib, add(ib, mul(ib, h, idx(ib, dh)), d), idx(ib, offset));
        return tensor::ExtractOp::create(ib, fused, ValueRange{bi, t, col})
            .getResult();
      });
}

/// Where the V rows are: per kv head ([B, Hkv, T, Dh], layout bhtd) or in
/// place in the fused projection's rows from column `col` (bthd).
struct ValueRows {
  Value mem;
  bool perHead;
  int64_t col, dh;

  Value load(IB &b, VectorType type, Value bi, Value kvh, Value key) const {
    SmallVector<Value> at =
        perHead ? SmallVector<Value>{bi, kvh, key, idx(b, 0)}
                : SmallVector<Value>{
                      bi, key, add(b, mul(b, kvh, idx(b, dh)), idx(b, col))};
    return vector::LoadOp::create(b, type, mem, at);
  }
};

struct Row {
  Value m, l, acc;
};

/// One tile: rows t0..t0+kRows−1 (those < T) of query head h. The gate is
/// read in place from the fused projection's rows, from column gateCol.
void attendTile(IB &b, Value q, Value kt, const ValueRows &v, Value fused,
                int64_t gateCol, Value o, Value bi, Value h, Value t0,
                Value steps, int64_t heads, int64_t kvHeads, int64_t dh,
                bool headwise) {
  auto f32 = b.getF32Type();
  auto keyType = VectorType::get({kKeys}, f32);
  auto rowType = VectorType::get({dh}, f32);
  Value kvh = arith::DivUIOp::create(b, h, idx(b, heads / kvHeads));
  Value qCol = mul(b, h, idx(b, dh));
  Value last = arith::SubIOp::create(b, steps, idx(b, 1));
  // The tile's last row, and the keys it sees.
  Value tLast = arith::MinUIOp::create(b, add(b, t0, idx(b, kRows - 1)), last);
  Value blocks =
      arith::CeilDivUIOp::create(b, add(b, tLast, idx(b, 1)), idx(b, kKeys));
  Value zeroKeys = splatF32(b, keyType, 0);
  Value maskedKeys = splatF32(b, keyType, kMasked);
  Value zeroRow = splatF32(b, rowType, 0);
  Value scale = constF32(b, 1.0 / std::sqrt(double(dh)));
  SmallVector<Value> rows; // each row clamped into [0, T)
  for (int64_t r = 0; r < kRows; ++r)
    rows.push_back(arith::MinUIOp::create(b, add(b, t0, idx(b, r)), last));
  SmallVector<Value> init;
  for (int64_t r = 0; r < kRows; ++r)
    init.append({constF32(b, kMasked), constF32(b, 0.0), zeroRow});
  ValueRange state = forCarry(
      b, idx(b, 0), blocks, init, [&](IB &lb, Value blk, ValueRange c) {
        Value s0 = mul(lb, blk, idx(lb, kKeys));
        Value valid = arith::MinUIOp::create(
            lb, arith::SubIOp::create(lb, add(lb, tLast, idx(lb, 1)), s0),
            idx(lb, kKeys));
        Value loadMask = vector::CreateMaskOp::create(
            lb, VectorType::get({kKeys}, lb.getI1Type()), ValueRange{valid});
        // Scores of every row for this block: Σ_d q[r, d] · K[d, s0 + j].
        SmallVector<Value> zeros(kRows, zeroKeys);
        ValueRange scores =
            forCarry(lb, idx(lb, 0), idx(lb, dh), zeros,
                     [&](IB &db, Value d, ValueRange acc) {
                       Value kv = vector::MaskedLoadOp::create(
                           db, keyType, kt, ValueRange{bi, kvh, d, s0},
                           loadMask, zeroKeys);
                       SmallVector<Value> next;
                       for (int64_t r = 0; r < kRows; ++r) {
                         Value qs = memref::LoadOp::create(
                             db, q, ValueRange{bi, rows[r], add(db, qCol, d)});
                         next.push_back(vector::FMAOp::create(
                             db, vector::BroadcastOp::create(db, keyType, qs),
                             kv, acc[r]));
                       }
                       return next;
                     });
        // Online softmax per row; keys past the row are masked.
        SmallVector<Value> next, probs;
        Value keyIds = vector::StepOp::create(
            lb, VectorType::get({kKeys}, lb.getIndexType()));
        keyIds = arith::AddIOp::create(
            lb, keyIds,
            vector::BroadcastOp::create(
                lb, VectorType::get({kKeys}, lb.getIndexType()), s0));
        SmallVector<Value> alphas;
        for (int64_t r = 0; r < kRows; ++r) {
          Value row = add(lb, t0, idx(lb, r));
          Value seen = arith::CmpIOp::create(
              lb, CmpIPredicate::ule, keyIds,
              vector::BroadcastOp::create(
                  lb, VectorType::get({kKeys}, lb.getIndexType()), row));
          Value s = arith::MulFOp::create(
              lb, scores[r], vector::BroadcastOp::create(lb, keyType, scale));
          s = arith::SelectOp::create(lb, seen, s, maskedKeys);
          Value m = c[3 * r], l = c[3 * r + 1];
          Value mNew = arith::MaximumFOp::create(
              lb, m,
              vector::ReductionOp::create(lb, vector::CombiningKind::MAXIMUMF,
                                          s));
          Value alpha =
              math::ExpOp::create(lb, arith::SubFOp::create(lb, m, mNew));
          Value p = math::ExpOp::create(
              lb, arith::SubFOp::create(
                      lb, s, vector::BroadcastOp::create(lb, keyType, mNew)));
          Value lNew = arith::AddFOp::create(
              lb, arith::MulFOp::create(lb, l, alpha),
              vector::ReductionOp::create(lb, vector::CombiningKind::ADD, p));
          probs.push_back(p);
          alphas.push_back(alpha);
          next.append({mNew, lNew,
                       arith::MulFOp::create(
                           lb, c[3 * r + 2],
                           vector::BroadcastOp::create(lb, rowType, alpha))});
        }
        // acc_r += Σ_j p_r[j] · V[s0 + j]: each V row loaded once.
        for (int64_t j = 0; j < kKeys; ++j) {
          Value key = arith::MinUIOp::create(lb, add(lb, s0, idx(lb, j)), last);
          Value vrow = v.load(lb, rowType, bi, kvh, key);
          for (int64_t r = 0; r < kRows; ++r) {
            Value pj = vector::ExtractOp::create(lb, probs[r], j);
            next[3 * r + 2] = vector::FMAOp::create(
                lb, vector::BroadcastOp::create(lb, rowType, pj), vrow,
                next[3 * r + 2]);
          }
        }
        return next;
      });
  // o = acc / l ⊙ σ(gate), for the rows that exist.
  for (int64_t r = 0; r < kRows; ++r) {
    Value row = add(b, t0, idx(b, r));
    ifThen(b, cmp(b, CmpIPredicate::ult, row, steps), [&](IB &ib) {
      Value inv =
          arith::DivFOp::create(ib, constF32(ib, 1.0), state[3 * r + 1]);
      Value out = arith::MulFOp::create(
          ib, state[3 * r + 2], vector::BroadcastOp::create(ib, rowType, inv));
      Value gate;
      if (headwise) {
        gate = vector::BroadcastOp::create(
            ib, rowType,
            sigmoid(ib,
                    memref::LoadOp::create(
                        ib, fused,
                        ValueRange{bi, row, add(ib, h, idx(ib, gateCol))})));
      } else {
        gate = sigmoid(
            ib, vector::LoadOp::create(
                    ib, rowType, fused,
                    ValueRange{bi, row, add(ib, qCol, idx(ib, gateCol))}));
      }
      vector::StoreOp::create(ib, arith::MulFOp::create(ib, out, gate), o,
                              ValueRange{bi, row, qCol});
    });
  }
}

} // namespace

Value seqc::buildGatedAttention(TensorBuilder &b, seq::GatedAttentionOp op) {
  ValueRange w = op.getWeights();
  int64_t heads = op.getHeads(), kvHeads = op.getKvHeads();
  int64_t dh = op.getHeadDim();
  bool headwise = op.getGate() == "headwise";
  Value x = op.getX();
  // q, k, v and the gate read x: one GEMM over their stacked weights.
  int64_t qw = heads * dh, kvw = kvHeads * dh;
  Value fused = fusedLinear(b, x, {w[0], w[1], w[2], w[3]});
  int64_t gateCol = qw + 2 * kvw;
  // q and k of their own (RoPE, and K transposed); V in the layout
  // seq-select-layout chose (per kv head unless said otherwise: on the
  // benchmark compact rows measured 53 ms against 82 ms in place); the
  // gate in place.
  Value q = fusedPart(b, fused, 0, qw), k = fusedPart(b, fused, qw, kvw);
  auto layout = op->getAttrOfType<DictionaryAttr>("seq.layout");
  auto values = layout ? layout.getAs<StringAttr>("values") : StringAttr();
  ValueRows vrows{Value(), !values || values.getValue() == "bhtd", qw + kvw,
                  dh};
  Value v = vrows.perHead ? perHead(b, fused, qw + kvw, kvHeads, dh) : fused;
  Value batch = b.dim(x, 0), steps = b.dim(x, 1);
  if (auto theta = op.getRopeTheta()) {
    auto [cos, sin] = ropeTables(b, steps, dh, theta->convertToDouble());
    q = applyRope(b, q, heads, dh, cos, sin);
    k = applyRope(b, k, kvHeads, dh, cos, sin);
  }
  Value kt = transposeKeys(b, k, kvHeads, dh);
  // Every tensor is built; now the buffers.
  Value qb = readBuffer(b, q), ktb = readBuffer(b, kt);
  vrows.mem = readBuffer(b, v);
  Value fb = readBuffer(b, fused);
  Value ob = allocBuffer(b, {batch, steps, b.index(heads * dh)});
  Value tiles = arith::CeilDivUIOp::create(b, steps, b.index(kRows));
  scf::ParallelOp::create(b, ValueRange{b.index(0), b.index(0), b.index(0)},
                          ValueRange{batch, b.index(heads), tiles},
                          ValueRange{b.index(1), b.index(1), b.index(1)},
                          [&](OpBuilder &nested, Location loc, ValueRange ivs) {
                            IB ib(loc, nested);
                            Value t0 = mul(ib, ivs[2], idx(ib, kRows));
                            attendTile(ib, qb, ktb, vrows, fb, gateCol, ob,
                                       ivs[0], ivs[1], t0, steps, heads,
                                       kvHeads, dh, headwise);
                          });
  return b.linear(bufferTensor(b, ob), w[4]);
}
