//===- GatedAttention.cpp - Causal attention in tiles with online softmax -===//
//
// gated_attention (SPEC §4.4) never forms the T×T score matrix: flash
// attention's blocking, on a CPU. A task is a tile of 32 query rows of one
// head; 64 workers, each with one tile's scratch, take the tasks in turn
// (tiles in the order 0, n−1, 1, n−2, ... so that every worker's share is
// as much causal work as another's). A task walks the keys up to its last
// row in blocks of 64, keeping per row the running max m, the running sum
// l and the output accumulator (the online softmax):
//   S = q kᵀ/√Dh (masked: key > row), m' = max(m, max S),
//   l = l·e^{m−m'} + Σ e^{S−m'}, acc = acc·e^{m−m'} + e^{S−m'} V.
// Per block: the scores 4 rows at a time (per component, 4 vectors of 16
// keys loaded once for the 4 rows; K is transposed by blocks of 64 keys,
// [B, Hkv, ⌈T/64⌉, Dh, 64], so that a block is one contiguous run); the
// softmax of those 4 rows on the registers; then acc += P V a few rows at
// a time (each V row loaded once per group, P broadcast from the tile's
// scratch). The gate is applied where the row is stored: o ⊙
// σ(x W_gateᵀ). Grouped kv heads: query head h reads kv head h / (H /
// Hkv). RoPE (rotate-half) is applied as q is copied out of the fused
// projection and K transposed, from [T, Dh/2] tables of cos and sin. (The
// previous kernel, tiles of 4 rows over blocks of 16 keys with everything in
// registers, took 53 ms on the benchmark's layer against 36 ms.)
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

/// Stands for −∞ in the running max: e^{kMasked − m} is 0 for any real m
/// and, unlike −∞, never makes NaN in the polynomial exp.
constexpr double kMasked = -1e30;

/// Positions per step of the RoPE tables' angle addition.
constexpr int64_t kRopeSteps = 64;

/// cos and sin of t·θ^(−2i/Dh), [T, Dh/2] each, in f64 and then rounded
/// (t·θ^(−2i/Dh) in f32 would be off by about T·1e-7 rad). With t = 64n + j
/// they come from cos and sin of 64n·f and j·f by angle addition: 2·(64 +
/// T/64) calls of libm per frequency instead of 2·T.
std::pair<Value, Value> ropeTables(TensorBuilder &b, Value steps, int64_t dh,
                                   double theta) {
  int64_t half = dh / 2;
  auto f64 = b.getF64Type();
  using IT = utils::IteratorType;
  // cos or sin of (t·stride)·θ^(−2i/Dh) for t < count, [count, Dh/2], f64.
  auto base = [&](OpFoldResult count, int64_t stride, bool isSin) {
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
          Value t = linalg::IndexOp::create(ib, 0);
          Value i = linalg::IndexOp::create(ib, 1);
          Value freq = math::ExpOp::create(
              ib,
              arith::MulFOp::create(
                  ib, asF64(i),
                  arith::ConstantOp::create(
                      ib, ib.getF64FloatAttr(-2.0 * std::log(theta) / dh))));
          Value angle = arith::MulFOp::create(
              ib, asF64(mul(ib, t, idx(ib, stride))), freq);
          Value v = isSin ? math::SinOp::create(ib, angle).getResult()
                          : math::CosOp::create(ib, angle).getResult();
          return SmallVector<Value>{v};
        });
  };
  Value blocks = arith::CeilDivUIOp::create(b, steps, b.index(kRopeSteps));
  Value cosJ = base(b.getIndexAttr(kRopeSteps), 1, false);
  Value sinJ = base(b.getIndexAttr(kRopeSteps), 1, true);
  Value cosN = base(blocks, kRopeSteps, false);
  Value sinN = base(blocks, kRopeSteps, true);
  auto table = [&](bool isSin) {
    return b.generic(
        {}, {}, b.empty({steps, b.getIndexAttr(half)}), b.identity(2),
        {IT::parallel, IT::parallel},
        [&](ImplicitLocOpBuilder &ib, ValueRange) {
          Value t = linalg::IndexOp::create(ib, 0);
          Value i = linalg::IndexOp::create(ib, 1);
          Value n = arith::DivUIOp::create(ib, t, idx(ib, kRopeSteps));
          Value j = arith::RemUIOp::create(ib, t, idx(ib, kRopeSteps));
          auto at = [&](Value table, Value r) {
            return tensor::ExtractOp::create(ib, table, ValueRange{r, i})
                .getResult();
          };
          Value cn = at(cosN, n), sn = at(sinN, n);
          Value cj = at(cosJ, j), sj = at(sinJ, j);
          // cos(a + b) = ca cb − sa sb; sin(a + b) = sa cb + ca sb.
          Value wide =
              isSin
                  ? arith::AddFOp::create(ib, arith::MulFOp::create(ib, sn, cj),
                                          arith::MulFOp::create(ib, cn, sj))
                        .getResult()
                  : arith::SubFOp::create(ib, arith::MulFOp::create(ib, cn, cj),
                                          arith::MulFOp::create(ib, sn, sj))
                        .getResult();
          return SmallVector<Value>{
              arith::TruncFOp::create(ib, ib.getF32Type(), wide)};
        });
  };
  return {table(false), table(true)};
}

/// Component d of the head whose columns start at `col` in row (bi, t) of
/// src [B, T, ·], with rotate-half RoPE at position t when there are
/// tables: x cos − x' sin in the first half, x cos + x' sin in the second.
Value ropeAt(IB &b, Value src, Value bi, Value t, Value col, Value d,
             int64_t dh, std::optional<std::pair<Value, Value>> tables) {
  Value x =
      tensor::ExtractOp::create(b, src, ValueRange{bi, t, add(b, col, d)});
  if (!tables)
    return x;
  int64_t half = dh / 2;
  Value first = cmp(b, CmpIPredicate::ult, d, idx(b, half));
  Value i = arith::SelectOp::create(b, first, d,
                                    arith::SubIOp::create(b, d, idx(b, half)));
  Value partner = arith::SelectOp::create(b, first, add(b, d, idx(b, half)), i);
  Value other = tensor::ExtractOp::create(
      b, src, ValueRange{bi, t, add(b, col, partner)});
  Value c = tensor::ExtractOp::create(b, tables->first, ValueRange{t, i});
  Value s = tensor::ExtractOp::create(b, tables->second, ValueRange{t, i});
  Value rot = arith::MulFOp::create(b, other, s);
  Value xc = arith::MulFOp::create(b, x, c);
  return arith::SelectOp::create(b, first, arith::SubFOp::create(b, xc, rot),
                                 arith::AddFOp::create(b, xc, rot));
}

/// q, [B, T, heads·Dh]: columns [offset, offset + heads·Dh) of the fused
/// projection, with RoPE when there are tables.
Value queries(TensorBuilder &b, Value fused, int64_t offset, int64_t heads,
              int64_t dh, std::optional<std::pair<Value, Value>> tables) {
  SmallVector<OpFoldResult> s = b.sizes(fused);
  return b.map({}, b.empty({s[0], s[1], b.getIndexAttr(heads * dh)}),
               [&](ImplicitLocOpBuilder &ib, ValueRange) {
                 Value bi = linalg::IndexOp::create(ib, 0);
                 Value t = linalg::IndexOp::create(ib, 1);
                 Value c = linalg::IndexOp::create(ib, 2);
                 Value d = arith::RemUIOp::create(ib, c, idx(ib, dh));
                 Value col =
                     add(ib, arith::SubIOp::create(ib, c, d), idx(ib, offset));
                 return ropeAt(ib, fused, bi, t, col, d, dh, tables);
               });
}

/// k, from columns [offset, offset + heads·Dh) of the fused projection
/// (with RoPE when there are tables), as [B, Hkv, ⌈T/64⌉, Dh, 64]:
/// transposed by blocks of `blockKeys` keys (zero past T), so that a
/// block's keys are one contiguous 16 KB run: with the whole [Dh, T]
/// transposed, a block's Dh rows lie T floats apart and collide in the
/// same L1 sets.
Value transposedKeys(TensorBuilder &b, Value fused, int64_t offset,
                     int64_t heads, int64_t dh, int64_t blockKeys,
                     std::optional<std::pair<Value, Value>> tables) {
  SmallVector<OpFoldResult> s = b.sizes(fused);
  Value steps = b.dim(fused, 1);
  Value blocks = arith::CeilDivUIOp::create(b, steps, b.index(blockKeys));
  return b.map({},
               b.empty({s[0], b.getIndexAttr(heads), blocks, b.getIndexAttr(dh),
                        b.getIndexAttr(blockKeys)}),
               [&](ImplicitLocOpBuilder &ib, ValueRange) {
                 Value bi = linalg::IndexOp::create(ib, 0);
                 Value h = linalg::IndexOp::create(ib, 1);
                 Value blk = linalg::IndexOp::create(ib, 2);
                 Value d = linalg::IndexOp::create(ib, 3);
                 Value j = linalg::IndexOp::create(ib, 4);
                 Value key = add(ib, mul(ib, blk, idx(ib, blockKeys)), j);
                 Value inside = cmp(ib, CmpIPredicate::ult, key, steps);
                 Value at = arith::MinUIOp::create(
                     ib, key, arith::SubIOp::create(ib, steps, idx(ib, 1)));
                 Value col = add(ib, mul(ib, h, idx(ib, dh)), idx(ib, offset));
                 Value v = ropeAt(ib, fused, bi, at, col, d, dh, tables);
                 return arith::SelectOp::create(ib, inside, v,
                                                constF32(ib, 0.0))
                     .getResult();
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

  /// Lanes [c, c + 16) of V row `key` of kv head kvh, masked.
  Value load(IB &b, Value bi, Value kvh, Value key, int64_t c, Value mask,
             Value zero) const {
    SmallVector<Value> at =
        perHead
            ? SmallVector<Value>{bi, kvh, key, idx(b, c)}
            : SmallVector<Value>{
                  bi, key, add(b, mul(b, kvh, idx(b, dh)), idx(b, col + c))};
    return vector::MaskedLoadOp::create(b, cast<VectorType>(zero.getType()),
                                        mem, at, mask, zero);
  }
};

/// Per-worker scratch of the blocked kernel, [workers, ...]: the block's
/// scores, then probabilities, [Rq, Bk]; the output accumulators [Rq, Dh];
/// per row the running max, the running sum and the block's rescaling.
struct TileScratch {
  Value p, acc, m, l, alpha;
};

/// The blocked kernel's shapes: query rows per task, keys per block, lanes.
constexpr int64_t kTileRows = 32;
constexpr int64_t kBlockKeys = 64;
constexpr int64_t kLanes = 16;
/// Query rows that share each loaded key vector in the scores.
constexpr int64_t kScoreRows = 4;
/// Parallel workers of the kernel, each with one tile's scratch.
constexpr int64_t kWorkers = 64;

/// One task: query rows t0..t0+31 (those < T) of head h against the keys
/// up to its last row, in blocks of 64 (flash attention's blocking, on
/// a CPU): per block, S = q kᵀ/√Dh (4 rows × 64 keys in registers per step
/// of Dh), the online softmax per row (running max m, sum l, rescaling
/// α = e^{m − m'}), then acc = α ⊙ acc + P V (a few rows × Dh in
/// registers, each V row loaded once per row group, P broadcast from the
/// scratch). The gate is applied where the rows are stored.
void attendBlocks(IB &b, Value q, Value kt, const ValueRows &v, Value fused,
                  int64_t gateCol, Value o, const TileScratch &sc, Value slot,
                  Value bi, Value h, Value tile, Value steps, int64_t heads,
                  int64_t kvHeads, int64_t dh, bool headwise) {
  auto f32 = b.getF32Type();
  auto lanes = VectorType::get({kLanes}, f32);
  auto maskType = VectorType::get({kLanes}, b.getI1Type());
  int64_t pieces = (dh + kLanes - 1) / kLanes; // of a Dh row
  int64_t keyPieces = kBlockKeys / kLanes;     // of a key block
  // Rows per group in P V: their accumulators (rows × pieces) in 16
  // registers, and a power of two, so that the groups cover the tile.
  int64_t pvRows = 1;
  while (pvRows < 8 && 2 * pvRows * pieces <= 16)
    pvRows *= 2;
  Value zero = splatF32(b, lanes, 0);
  Value masked = splatF32(b, lanes, kMasked);
  SmallVector<Value> dMasks;
  for (int64_t i = 0; i < pieces; ++i)
    dMasks.push_back(vector::CreateMaskOp::create(
        b, maskType, ValueRange{idx(b, std::min(kLanes, dh - i * kLanes))}));
  Value kvh = arith::DivUIOp::create(b, h, idx(b, heads / kvHeads));
  Value qCol = mul(b, h, idx(b, dh));
  Value last = arith::SubIOp::create(b, steps, idx(b, 1));
  Value t0 = mul(b, tile, idx(b, kTileRows));
  Value tLast =
      arith::MinUIOp::create(b, add(b, t0, idx(b, kTileRows - 1)), last);
  Value blocks = arith::CeilDivUIOp::create(b, add(b, tLast, idx(b, 1)),
                                            idx(b, kBlockKeys));
  Value scale = constF32(b, 1.0 / std::sqrt(double(dh)));
  auto at = [&](IB &ib, Value r, int64_t c = -1) {
    SmallVector<Value> i{slot, r};
    if (c >= 0)
      i.push_back(idx(ib, c));
    return i;
  };
  // m = −∞ (kMasked), l = 0, acc = 0.
  forRange(b, idx(b, 0), idx(b, kTileRows), [&](IB &ib, Value r) {
    memref::StoreOp::create(ib, constF32(ib, kMasked), sc.m, at(ib, r));
    memref::StoreOp::create(ib, constF32(ib, 0), sc.l, at(ib, r));
    for (int64_t i = 0; i < pieces; ++i)
      vector::StoreOp::create(ib, zero, sc.acc, at(ib, r, i * kLanes));
  });
  forRange(b, idx(b, 0), blocks, [&](IB &lb, Value blk) {
    Value s0 = mul(lb, blk, idx(lb, kBlockKeys));
    // Scores and softmax, 4 rows at a time: per component, 4 key vectors
    // loaded once and 4 broadcasts of q.
    forRange(
        lb, idx(lb, 0), idx(lb, kTileRows / kScoreRows),
        [&](IB &gb, Value grp) {
          Value r0 = mul(gb, grp, idx(gb, kScoreRows));
          SmallVector<Value> rows;
          for (int64_t r = 0; r < kScoreRows; ++r)
            rows.push_back(arith::MinUIOp::create(
                gb, add(gb, add(gb, t0, r0), idx(gb, r)), last));
          SmallVector<Value> init(kScoreRows * keyPieces, zero);
          ValueRange acc = forCarry(
              gb, idx(gb, 0), idx(gb, dh), init,
              [&](IB &db, Value d, ValueRange c) {
                SmallVector<Value> keys;
                for (int64_t j = 0; j < keyPieces; ++j)
                  keys.push_back(vector::LoadOp::create(
                      db, lanes, kt,
                      ValueRange{bi, kvh, blk, d, idx(db, j * kLanes)}));
                SmallVector<Value> next;
                for (int64_t r = 0; r < kScoreRows; ++r) {
                  Value qs = vector::BroadcastOp::create(
                      db, lanes,
                      memref::LoadOp::create(
                          db, q, ValueRange{bi, rows[r], add(db, qCol, d)}));
                  for (int64_t j = 0; j < keyPieces; ++j)
                    next.push_back(vector::FMAOp::create(db, qs, keys[j],
                                                         c[r * keyPieces + j]));
                }
                return next;
              });
          // Scaled, keys past the row (and past T) masked; then the
          // online softmax of the 4 rows on the registers: P = e^{S − m'},
          // l = α l + Σ P (4 independent chains of reductions and
          // exponentials).
          Value scaleV = vector::BroadcastOp::create(gb, lanes, scale);
          auto i32Lanes = VectorType::get({kLanes}, gb.getI32Type());
          auto asI32 = [&](Value v) {
            return vector::BroadcastOp::create(
                gb, i32Lanes,
                arith::IndexCastOp::create(gb, gb.getI32Type(), v));
          };
          SmallVector<int32_t> steps(kLanes);
          for (int64_t l = 0; l < kLanes; ++l)
            steps[l] = l;
          Value laneIds = arith::ConstantOp::create(
              gb, DenseElementsAttr::get(i32Lanes, ArrayRef<int32_t>(steps)));
          for (int64_t r = 0; r < kScoreRows; ++r) {
            Value tr = add(gb, r0, idx(gb, r)); // the row in the tile
            Value row = asI32(add(gb, t0, tr));
            SmallVector<Value> sv;
            Value mx = masked;
            for (int64_t j = 0; j < keyPieces; ++j) {
              Value keyIds = arith::AddIOp::create(
                  gb, laneIds, asI32(add(gb, s0, idx(gb, j * kLanes))));
              Value seen =
                  arith::CmpIOp::create(gb, CmpIPredicate::ule, keyIds, row);
              sv.push_back(arith::SelectOp::create(
                  gb, seen,
                  arith::MulFOp::create(gb, acc[r * keyPieces + j], scaleV),
                  masked));
              mx = arith::MaxNumFOp::create(gb, mx, sv.back(),
                                            arith::FastMathFlags::nnan);
            }
            Value m = memref::LoadOp::create(gb, sc.m, at(gb, tr));
            Value mNew = arith::MaxNumFOp::create(gb, m, maxLanes(gb, mx),
                                                  arith::FastMathFlags::nnan);
            Value alpha =
                math::ExpOp::create(gb, arith::SubFOp::create(gb, m, mNew));
            Value mV = vector::BroadcastOp::create(gb, lanes, mNew);
            Value sum = zero;
            for (int64_t j = 0; j < keyPieces; ++j) {
              Value pv =
                  math::ExpOp::create(gb, arith::SubFOp::create(gb, sv[j], mV));
              vector::StoreOp::create(gb, pv, sc.p, at(gb, tr, j * kLanes));
              sum = arith::AddFOp::create(gb, sum, pv);
            }
            Value l = memref::LoadOp::create(gb, sc.l, at(gb, tr));
            memref::StoreOp::create(
                gb,
                arith::AddFOp::create(gb, arith::MulFOp::create(gb, l, alpha),
                                      sumLanes(gb, sum)),
                sc.l, at(gb, tr));
            memref::StoreOp::create(gb, mNew, sc.m, at(gb, tr));
            memref::StoreOp::create(gb, alpha, sc.alpha, at(gb, tr));
          }
        });
    // acc = α ⊙ acc + P V, pvRows rows at a time: each V row loaded once
    // for the group, P broadcast from the scratch.
    Value keysSeen = arith::MinUIOp::create(
        lb, arith::SubIOp::create(lb, add(lb, tLast, idx(lb, 1)), s0),
        idx(lb, kBlockKeys));
    forRange(
        lb, idx(lb, 0), idx(lb, kTileRows / pvRows), [&](IB &gb, Value grp) {
          Value r0 = mul(gb, grp, idx(gb, pvRows));
          SmallVector<Value> init;
          for (int64_t r = 0; r < pvRows; ++r) {
            Value row = add(gb, r0, idx(gb, r));
            Value alpha = vector::BroadcastOp::create(
                gb, lanes, memref::LoadOp::create(gb, sc.alpha, at(gb, row)));
            for (int64_t i = 0; i < pieces; ++i)
              init.push_back(arith::MulFOp::create(
                  gb, alpha,
                  vector::LoadOp::create(gb, lanes, sc.acc,
                                         at(gb, row, i * kLanes))));
          }
          ValueRange acc = forCarry(
              gb, idx(gb, 0), keysSeen, init,
              [&](IB &jb, Value j, ValueRange c) {
                SmallVector<Value> vrow;
                for (int64_t i = 0; i < pieces; ++i)
                  vrow.push_back(v.load(jb, bi, kvh, add(jb, s0, j), i * kLanes,
                                        dMasks[i], zero));
                SmallVector<Value> next;
                for (int64_t r = 0; r < pvRows; ++r) {
                  Value p = vector::BroadcastOp::create(
                      jb, lanes,
                      memref::LoadOp::create(
                          jb, sc.p,
                          ValueRange{slot, add(jb, r0, idx(jb, r)), j}));
                  for (int64_t i = 0; i < pieces; ++i)
                    next.push_back(vector::FMAOp::create(jb, p, vrow[i],
                                                         c[r * pieces + i]));
                }
                return next;
              });
          for (int64_t r = 0; r < pvRows; ++r)
            for (int64_t i = 0; i < pieces; ++i)
              vector::StoreOp::create(
                  gb, acc[r * pieces + i], sc.acc,
                  at(gb, add(gb, r0, idx(gb, r)), i * kLanes));
        });
  });
  // o = acc / l ⊙ σ(gate), for the rows that exist.
  forRange(b, idx(b, 0), idx(b, kTileRows), [&](IB &rb, Value r) {
    Value row = add(rb, t0, r);
    ifThen(rb, cmp(rb, CmpIPredicate::ult, row, steps), [&](IB &ib) {
      Value inv = vector::BroadcastOp::create(
          ib, lanes,
          arith::DivFOp::create(ib, constF32(ib, 1.0),
                                memref::LoadOp::create(ib, sc.l, at(ib, r))));
      Value headGate;
      if (headwise)
        headGate = vector::BroadcastOp::create(
            ib, lanes,
            sigmoid(ib,
                    memref::LoadOp::create(
                        ib, fused,
                        ValueRange{bi, row, add(ib, h, idx(ib, gateCol))})));
      for (int64_t i = 0; i < pieces; ++i) {
        Value out = arith::MulFOp::create(
            ib,
            vector::LoadOp::create(ib, lanes, sc.acc, at(ib, r, i * kLanes)),
            inv);
        Value col = add(ib, qCol, idx(ib, i * kLanes));
        Value gate =
            headwise
                ? headGate
                : sigmoid(ib, vector::MaskedLoadOp::create(
                                  ib, lanes, fused,
                                  ValueRange{bi, row,
                                             add(ib, col, idx(ib, gateCol))},
                                  dMasks[i], zero));
        vector::MaskedStoreOp::create(ib, o, ValueRange{bi, row, col},
                                      dMasks[i],
                                      arith::MulFOp::create(ib, out, gate));
      }
    });
  });
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
  // q of its own and K transposed by key blocks, both read from the fused
  // projection with RoPE applied on the way; V in the layout
  // seq-select-layout chose (per kv head unless said otherwise); the gate
  // in place.
  auto layout = op->getAttrOfType<DictionaryAttr>("seq.layout");
  auto values = layout ? layout.getAs<StringAttr>("values") : StringAttr();
  ValueRows vrows{Value(), !values || values.getValue() == "bhtd", qw + kvw,
                  dh};
  Value v = vrows.perHead ? perHead(b, fused, qw + kvw, kvHeads, dh) : fused;
  Value batch = b.dim(x, 0), steps = b.dim(x, 1);
  std::optional<std::pair<Value, Value>> tables;
  if (auto theta = op.getRopeTheta())
    tables = ropeTables(b, steps, dh, theta->convertToDouble());
  Value q = queries(b, fused, 0, heads, dh, tables);
  Value kt = transposedKeys(b, fused, qw, kvHeads, dh, kBlockKeys, tables);
  // Every tensor is built; now the buffers.
  Value qb = readBuffer(b, q), ktb = readBuffer(b, kt);
  vrows.mem = readBuffer(b, v);
  Value fb = readBuffer(b, fused);
  Value ob = allocBuffer(b, {batch, steps, b.index(heads * dh)});
  Value tiles = arith::CeilDivUIOp::create(b, steps, b.index(kTileRows));
  Value hs = b.index(heads);
  // kWorkers workers, each with its own scratch, take the tasks (batch,
  // head, tile) w, w + kWorkers, w + 2·kWorkers, ...: the scratch is
  // kWorkers tiles whatever B, H and T.
  auto scratch = [&](ArrayRef<int64_t> tail) {
    SmallVector<Value> sizes{b.index(kWorkers)};
    for (int64_t t : tail)
      sizes.push_back(b.index(t));
    return allocBuffer(b, sizes);
  };
  int64_t dhPadded = (dh + kLanes - 1) / kLanes * kLanes;
  TileScratch sc{scratch({kTileRows, kBlockKeys}),
                 scratch({kTileRows, dhPadded}), scratch({kTileRows}),
                 scratch({kTileRows}), scratch({kTileRows})};
  Value tasks = mul(b, mul(b, batch, hs), tiles);
  parallelGrid(b, {b.index(kWorkers)}, [&](IB &ib, ValueRange ivs) {
    Value slot = ivs[0];
    scf::ForOp::create(
        ib, slot, tasks, idx(ib, kWorkers), ValueRange{},
        [&](OpBuilder &nb, Location loc, Value task, ValueRange) {
          IB tb(loc, nb);
          Value i = arith::RemUIOp::create(tb, task, tiles);
          Value rest = arith::DivUIOp::create(tb, task, tiles);
          Value h = arith::RemUIOp::create(tb, rest, hs);
          Value bi = arith::DivUIOp::create(tb, rest, hs);
          // Tiles in the order 0, n−1, 1, n−2, ...: a tile's work grows
          // with its rows (causal), and every worker's share of this order
          // is as much work as another's.
          Value half = arith::DivUIOp::create(tb, i, idx(tb, 2));
          Value odd =
              cmp(tb, CmpIPredicate::ne,
                  arith::RemUIOp::create(tb, i, idx(tb, 2)), idx(tb, 0));
          Value tile = arith::SelectOp::create(
              tb, odd,
              arith::SubIOp::create(
                  tb, arith::SubIOp::create(tb, tiles, idx(tb, 1)), half),
              half);
          attendBlocks(tb, qb, ktb, vrows, fb, gateCol, ob, sc, slot, bi, h,
                       tile, steps, heads, kvHeads, dh, headwise);
          scf::YieldOp::create(tb);
        });
  });
  return b.linear(bufferTensor(b, ob), w[4]);
}
