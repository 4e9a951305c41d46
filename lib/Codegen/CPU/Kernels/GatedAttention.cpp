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
// The tile's rows are the vector lanes throughout (16 rows a vector): Sᵀ
// = k qᵀ is 8 keys × 32 rows in registers per step of Dh (two vectors of
// qᵀ, eight broadcasts of k); the softmax is elementwise over vectors of
// rows, with no reductions across lanes and no scalar exponentials (and
// its exponents are never positive: expNonPositive); accᵀ
// += Vᵀ Pᵀ is 8 components × 32 rows per key (two vectors of Pᵀ, eight
// broadcasts of V). q and k are copied per head with RoPE (rotate-half,
// from [T, Dh/2] cos/sin tables) and 1/√Dh applied, in vectors; a task
// transposes its 32 rows of q into its scratch, and its accumulators back
// to rows for the epilogue, which divides by l and applies the gate:
// o ⊙ σ(x W_gateᵀ). Grouped kv heads: query head h reads kv head h / (H /
// Hkv). (Earlier kernels, measured on the benchmark's layer: 4-row tiles
// over 16-key blocks in registers 53 ms; rows of scores in registers with
// lane reductions 36–38 ms; this one 32 ms.)
//
// With past keys and values (a KV cache, docs/attention-ops.md) query row t
// is position P + t, and the past keys come rotated. At most 8 query rows
// (a decode step) take attendRow instead: a task per row, 16 keys in lanes
// (a tile's lanes would be mostly idle), K and V read in place where the
// keys are past ones.
//
//===----------------------------------------------------------------------===//
#include "CPUKernels.h"
#include "VectorLoops.h"
#include "lib/Codegen/Common/LoopBuilders.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>

using namespace mlir;
using namespace seqc;
using namespace seqc::loops;
using arith::CmpIPredicate;

namespace {

/// Stands for −∞ in the running max: e^{kMasked − m} is 0 for any real m
/// and, unlike −∞, never makes NaN in the polynomial exp.
constexpr double kMasked = -1e30;

/// The blocked kernel's shapes: query rows per task, keys per block, lanes.
constexpr int64_t kTileRows = 32;
constexpr int64_t kBlockKeys = 64;
constexpr int64_t kLanes = 16;
/// Keys (in Sᵀ) or components of V (in accᵀ) per register block: against
/// the tile's 32 rows, two vectors each, 16 registers.
constexpr int64_t kBlockRows = 8;
/// Parallel workers of the kernel, each with one tile's scratch.
constexpr int64_t kWorkers = 64;
/// Steps of the two FMA loops (components in Sᵀ, keys in accᵀ) per iteration.
constexpr int64_t kUnroll = 2;

/// dst [B, heads, T, Dh] = columns [offset, offset + heads·Dh) of src [B,
/// T, ·] (the fused projection, or every position's keys or values) per
/// head, with rotate-half RoPE when there are tables (cos and sin buffers,
/// [T, Dh/2], row t's angles in row t), times `scale`: in vectors of 16
/// along each half of a head (masked at its end), a parallel loop over
/// rows.
void copyHeads(IB &b, Value src, Value dst, int64_t offset, int64_t heads,
               int64_t dh, std::optional<std::pair<Value, Value>> tables,
               double scale) {
  auto lanes = VectorType::get({kLanes}, b.getF32Type());
  auto maskType = VectorType::get({kLanes}, b.getI1Type());
  // Rotated halves when there are tables; the whole head otherwise.
  int64_t part = tables ? dh / 2 : dh;
  int64_t pieces = (part + kLanes - 1) / kLanes;
  Value batch = memref::DimOp::create(b, src, 0);
  Value steps = memref::DimOp::create(b, src, 1);
  parallelGrid(b, {batch, steps}, [&](IB &ib, ValueRange ivs) {
    Value bi = ivs[0], t = ivs[1];
    Value zero = splatF32(ib, lanes, 0);
    Value scaleV = splatF32(ib, lanes, scale);
    for (int64_t i = 0; i < pieces; ++i) {
      int64_t c = i * kLanes;
      Value mask = vector::CreateMaskOp::create(
          ib, maskType, ValueRange{idx(ib, std::min(kLanes, part - c))});
      Value cs, sn;
      if (tables) {
        cs = vector::MaskedLoadOp::create(
            ib, lanes, tables->first, ValueRange{t, idx(ib, c)}, mask, zero);
        sn = vector::MaskedLoadOp::create(
            ib, lanes, tables->second, ValueRange{t, idx(ib, c)}, mask, zero);
      }
      for (int64_t h = 0; h < heads; ++h) {
        int64_t col = offset + h * dh + c;
        auto load = [&](int64_t at) {
          return vector::MaskedLoadOp::create(
                     ib, lanes, src, ValueRange{bi, t, idx(ib, at)}, mask, zero)
              .getResult();
        };
        auto store = [&](Value v, int64_t at) {
          vector::MaskedStoreOp::create(
              ib, dst, ValueRange{bi, idx(ib, h), t, idx(ib, at)}, mask,
              arith::MulFOp::create(ib, v, scaleV));
        };
        if (!tables) {
          store(load(col), c);
          continue;
        }
        // x₁ cos − x₂ sin in the first half, x₂ cos + x₁ sin in the second.
        Value x1 = load(col), x2 = load(col + part);
        store(arith::SubFOp::create(ib, arith::MulFOp::create(ib, x1, cs),
                                    arith::MulFOp::create(ib, x2, sn)),
              c);
        store(arith::AddFOp::create(ib, arith::MulFOp::create(ib, x2, cs),
                                    arith::MulFOp::create(ib, x1, sn)),
              c + part);
      }
    }
  });
}

/// Where the V rows are: per kv head ([B, Hkv, P + T, Dh], layout bhtd) or
/// in place in the rows of the fused projection or of every position's
/// values, from column `col` (bthd).
struct ValueRows {
  Value mem;
  bool perHead;
  int64_t col, dh;

  /// Component d of V row `key` of kv head kvh.
  Value load(IB &b, Value bi, Value kvh, Value key, Value d) const {
    SmallVector<Value> at =
        perHead ? SmallVector<Value>{bi, kvh, key, d}
                : SmallVector<Value>{
                      bi, key,
                      add(b, add(b, mul(b, kvh, idx(b, dh)), d), idx(b, col))};
    return memref::LoadOp::create(b, mem, at);
  }
  /// Components [d0, d0 + 16) of V row `key` of kv head kvh (`mask`: those
  /// below Dh), as a vector.
  Value loadPiece(IB &b, Value bi, Value kvh, Value key, int64_t d0,
                  Value mask) const {
    auto lanes = VectorType::get({kLanes}, b.getF32Type());
    SmallVector<Value> at =
        perHead
            ? SmallVector<Value>{bi, kvh, key, idx(b, d0)}
            : SmallVector<Value>{
                  bi, key, add(b, mul(b, kvh, idx(b, dh)), idx(b, col + d0))};
    return vector::MaskedLoadOp::create(b, lanes, mem, at, mask,
                                        splatF32(b, lanes, 0));
  }
};

/// Masks of the pieces of 16 components of a Dh row (the last one partial).
SmallVector<Value> pieceMasks(IB &b, int64_t dh) {
  auto maskType = VectorType::get({kLanes}, b.getI1Type());
  SmallVector<Value> masks;
  for (int64_t d0 = 0; d0 < dh; d0 += kLanes)
    masks.push_back(vector::CreateMaskOp::create(
        b, maskType, ValueRange{idx(b, std::min(kLanes, dh - d0))}));
  return masks;
}

/// The epilogue of a query row: o[bi, row, h·Dh + d] = out(i) ⊙ σ(gate) for
/// each piece i of 16 components (masked by dMasks), the gate read in place
/// from the fused projection's columns from gateCol (one per head when
/// headwise).
void storeGated(IB &ib, Value fused, int64_t gateCol, Value o, Value bi,
                Value row, Value h, int64_t dh, bool headwise,
                ArrayRef<Value> dMasks,
                function_ref<Value(IB &, int64_t)> out) {
  auto lanes = VectorType::get({kLanes}, ib.getF32Type());
  Value zero = splatF32(ib, lanes, 0);
  Value headGate;
  if (headwise)
    headGate = vector::BroadcastOp::create(
        ib, lanes,
        sigmoid(ib, memref::LoadOp::create(
                        ib, fused,
                        ValueRange{bi, row, add(ib, h, idx(ib, gateCol))})));
  Value qCol = mul(ib, h, idx(ib, dh));
  for (int64_t i = 0; i < int64_t(dMasks.size()); ++i) {
    Value value = out(ib, i);
    Value col = add(ib, qCol, idx(ib, i * kLanes));
    Value gate =
        headwise
            ? headGate
            : sigmoid(ib,
                      vector::MaskedLoadOp::create(
                          ib, lanes, fused,
                          ValueRange{bi, row, add(ib, col, idx(ib, gateCol))},
                          dMasks[i], zero));
    vector::MaskedStoreOp::create(ib, o, ValueRange{bi, row, col}, dMasks[i],
                                  arith::MulFOp::create(ib, value, gate));
  }
}

/// Per-worker scratch of the blocked kernel, [workers, ...], with the
/// tile's rows in lanes: its queries qᵀ [Dh, Rq]; the block's scores, then
/// probabilities, Pᵀ [Bk, Rq]; the output accumulators accᵀ [Dh8, Rq]
/// (Dh rounded up to 8); per row the running max and sum. Then the
/// accumulators by rows, [Rq, Dh16], for the epilogue.
struct TileScratch {
  Value q, p, accT, m, l, acc;
};

/// One task: query rows t0..t0+31 (those < T; row t is position P + t
/// after the P past keys) of head h against the `keys` keys up to its last
/// row's position, in blocks of 64 (flash attention's blocking, on a CPU).
/// Per block:
/// - Sᵀ = k qᵀ (q pre-scaled by 1/√Dh), 8 keys × the tile's 32 rows in
///   registers per step of Dh (two vectors of q, eight broadcasts of k),
///   masked where the key is past the row, stored to the scratch; the
///   block's max per row on the way;
/// - the online softmax with rows in lanes, 16 rows per vector: running
///   max m' = max(m, max S), α = e^{m − m'}, P = e^{S − m'}, l = α l + Σ P:
///   no reductions across lanes, no scalar exponentials;
/// - accᵀ = α ⊙ accᵀ + Vᵀ Pᵀ, 8 components × the tile's 32 rows in
///   registers per key (two vectors of Pᵀ, eight broadcasts of V).
/// At the end the accumulators go back to rows, and the gate is applied
/// where the rows are stored.
void attendBlocks(IB &b, Value q, Value k, const ValueRows &v, Value fused,
                  int64_t gateCol, Value o, const TileScratch &sc, Value slot,
                  Value bi, Value h, Value tile, Value steps, Value keys,
                  int64_t heads, int64_t kvHeads, int64_t dh, bool headwise) {
  auto f32 = b.getF32Type();
  auto lanes = VectorType::get({kLanes}, f32);
  auto i32Lanes = VectorType::get({kLanes}, b.getI32Type());
  int64_t pieces = (dh + kLanes - 1) / kLanes; // of a Dh row
  constexpr int64_t rowVectors = kTileRows / kLanes;
  // Groups of 8 components of V in Vᵀ Pᵀ.
  int64_t dGroups = (dh + kBlockRows - 1) / kBlockRows;
  Value zero = splatF32(b, lanes, 0);
  Value masked = splatF32(b, lanes, kMasked);
  SmallVector<Value> dMasks = pieceMasks(b, dh);
  Value kvh = arith::DivUIOp::create(b, h, idx(b, heads / kvHeads));
  Value last = arith::SubIOp::create(b, steps, idx(b, 1));
  Value lastKey = arith::SubIOp::create(b, keys, idx(b, 1));
  Value past = arith::SubIOp::create(b, keys, steps);
  Value t0 = mul(b, tile, idx(b, kTileRows));
  // The position of the tile's last row.
  Value tLast =
      add(b, past,
          arith::MinUIOp::create(b, add(b, t0, idx(b, kTileRows - 1)), last));
  Value blocks = arith::CeilDivUIOp::create(b, add(b, tLast, idx(b, 1)),
                                            idx(b, kBlockKeys));
  auto at = [&](IB &ib, Value r, int64_t c = -1) {
    SmallVector<Value> i{slot, r};
    if (c >= 0)
      i.push_back(idx(ib, c));
    return i;
  };
  auto asI32 = [&](IB &ib, Value v) {
    return vector::BroadcastOp::create(
        ib, i32Lanes, arith::IndexCastOp::create(ib, ib.getI32Type(), v));
  };
  // The tile's rows' positions, 16 per vector, as i32 lanes (for the
  // causal mask).
  SmallVector<int32_t> laneList(kLanes);
  for (int64_t l = 0; l < kLanes; ++l)
    laneList[l] = l;
  Value laneIds = arith::ConstantOp::create(
      b, DenseElementsAttr::get(i32Lanes, ArrayRef<int32_t>(laneList)));
  SmallVector<Value> rowIds;
  for (int64_t rv = 0; rv < rowVectors; ++rv)
    rowIds.push_back(arith::AddIOp::create(
        b, laneIds, asI32(b, add(b, add(b, past, t0), idx(b, rv * kLanes)))));
  // qᵀ of the tile's rows (clamped past T), from q per head [B, H, T, Dh]
  // (RoPE and 1/√Dh applied): a vector of each row, its lanes stored apart.
  forRange(b, idx(b, 0), idx(b, kTileRows), [&](IB &ib, Value r) {
    Value row = arith::MinUIOp::create(ib, add(ib, t0, r), last);
    for (int64_t i = 0; i < pieces; ++i) {
      Value qv = vector::MaskedLoadOp::create(
          ib, lanes, q, ValueRange{bi, h, row, idx(ib, i * kLanes)}, dMasks[i],
          zero);
      for (int64_t l = 0; l < std::min(kLanes, dh - i * kLanes); ++l)
        memref::StoreOp::create(ib, vector::ExtractOp::create(ib, qv, l), sc.q,
                                ValueRange{slot, idx(ib, i * kLanes + l), r});
    }
  });
  // m = −∞ (kMasked), l = 0, acc = 0.
  for (int64_t rv = 0; rv < rowVectors; ++rv) {
    vector::StoreOp::create(b, masked, sc.m, at(b, idx(b, rv * kLanes)));
    vector::StoreOp::create(b, zero, sc.l, at(b, idx(b, rv * kLanes)));
  }
  forRange(b, idx(b, 0), idx(b, dGroups * kBlockRows), [&](IB &ib, Value d) {
    for (int64_t rv = 0; rv < rowVectors; ++rv)
      vector::StoreOp::create(ib, zero, sc.accT,
                              ValueRange{slot, d, idx(ib, rv * kLanes)});
  });
  forRange(b, idx(b, 0), blocks, [&](IB &lb, Value blk) {
    Value s0 = mul(lb, blk, idx(lb, kBlockKeys));
    // Keys s0 .. s0 + keysSeen − 1 are at or before some row of the tile.
    Value keysSeen = arith::MinUIOp::create(
        lb, arith::SubIOp::create(lb, add(lb, tLast, idx(lb, 1)), s0),
        idx(lb, kBlockKeys));
    Value groups =
        arith::CeilDivUIOp::create(lb, keysSeen, idx(lb, kBlockRows));
    // Sᵀ, 8 keys at a time against the 32 rows: 16 accumulators; per step
    // of Dh, two vectors of q and eight broadcasts of k. Keys past a row
    // (and past T) masked; stored; the block's max per row carried.
    ValueRange blockMax = forCarry(
        lb, idx(lb, 0), groups, SmallVector<Value>(rowVectors, masked),
        [&](IB &gb, Value g, ValueRange mx) {
          Value j0 = add(gb, s0, mul(gb, g, idx(gb, kBlockRows)));
          SmallVector<Value> keyRows;
          for (int64_t j = 0; j < kBlockRows; ++j)
            keyRows.push_back(
                arith::MinUIOp::create(gb, add(gb, j0, idx(gb, j)), lastKey));
          SmallVector<Value> init(kBlockRows * rowVectors, zero);
          ValueRange acc =
              forCarry(gb, idx(gb, 0), idx(gb, dh), init,
                       [&](IB &db, Value d, ValueRange c) {
                         SmallVector<Value> qv;
                         for (int64_t rv = 0; rv < rowVectors; ++rv)
                           qv.push_back(vector::LoadOp::create(
                               db, lanes, sc.q,
                               ValueRange{slot, d, idx(db, rv * kLanes)}));
                         SmallVector<Value> next;
                         for (int64_t j = 0; j < kBlockRows; ++j) {
                           Value ks = vector::BroadcastOp::create(
                               db, lanes,
                               memref::LoadOp::create(
                                   db, k, ValueRange{bi, kvh, keyRows[j], d}));
                           for (int64_t rv = 0; rv < rowVectors; ++rv)
                             next.push_back(vector::FMAOp::create(
                                 db, ks, qv[rv], c[j * rowVectors + rv]));
                         }
                         return next;
                       });
          SmallVector<Value> nextMax(mx.begin(), mx.end());
          for (int64_t j = 0; j < kBlockRows; ++j) {
            Value key = asI32(gb, add(gb, j0, idx(gb, j)));
            Value row = mul(gb, g, idx(gb, kBlockRows));
            for (int64_t rv = 0; rv < rowVectors; ++rv) {
              Value seen = arith::CmpIOp::create(gb, CmpIPredicate::sge,
                                                 rowIds[rv], key);
              Value sv = arith::SelectOp::create(
                  gb, seen, acc[j * rowVectors + rv], masked);
              vector::StoreOp::create(gb, sv, sc.p,
                                      ValueRange{slot, add(gb, row, idx(gb, j)),
                                                 idx(gb, rv * kLanes)});
              nextMax[rv] = arith::MaxNumFOp::create(
                  gb, nextMax[rv], sv, arith::FastMathFlags::nnan);
            }
          }
          (void)loopUnrollByFactor(
              cast<scf::ForOp>(acc.front().getDefiningOp()), kUnroll);
          return nextMax;
        });
    // The online softmax, 16 rows per vector: P = e^{S − m'} in place,
    // l = α l + Σ P.
    Value keysScored = mul(lb, groups, idx(lb, kBlockRows));
    SmallVector<Value> alphas;
    for (int64_t rv = 0; rv < rowVectors; ++rv) {
      Value r0 = idx(lb, rv * kLanes);
      Value m = vector::LoadOp::create(lb, lanes, sc.m, at(lb, r0));
      Value mNew = arith::MaxNumFOp::create(lb, m, blockMax[rv],
                                            arith::FastMathFlags::nnan);
      Value alpha = expNonPositive(lb, arith::SubFOp::create(lb, m, mNew));
      ValueRange sum = forCarry(
          lb, idx(lb, 0), keysScored, {zero},
          [&](IB &jb, Value j, ValueRange c) {
            SmallVector<Value> p{slot, j, r0};
            Value pv = expNonPositive(
                jb, arith::SubFOp::create(
                        jb, vector::LoadOp::create(jb, lanes, sc.p, p), mNew));
            vector::StoreOp::create(jb, pv, sc.p, p);
            return SmallVector<Value>{arith::AddFOp::create(jb, c[0], pv)};
          });
      Value l = vector::LoadOp::create(lb, lanes, sc.l, at(lb, r0));
      vector::StoreOp::create(
          lb,
          arith::AddFOp::create(lb, arith::MulFOp::create(lb, l, alpha),
                                sum[0]),
          sc.l, at(lb, r0));
      vector::StoreOp::create(lb, mNew, sc.m, at(lb, r0));
      alphas.push_back(alpha);
    }
    // accᵀ = α ⊙ accᵀ + Vᵀ Pᵀ, 8 components × the tile's 32 rows in
    // registers: per key, two vectors of P and eight broadcasts of V.
    forRange(lb, idx(lb, 0), idx(lb, dGroups), [&](IB &gb, Value dg) {
      Value d0 = mul(gb, dg, idx(gb, kBlockRows));
      SmallVector<Value> comps, init;
      for (int64_t dd = 0; dd < kBlockRows; ++dd) {
        comps.push_back(arith::MinUIOp::create(gb, add(gb, d0, idx(gb, dd)),
                                               idx(gb, dh - 1)));
        for (int64_t rv = 0; rv < rowVectors; ++rv)
          init.push_back(arith::MulFOp::create(
              gb,
              vector::LoadOp::create(gb, lanes, sc.accT,
                                     ValueRange{slot, add(gb, d0, idx(gb, dd)),
                                                idx(gb, rv * kLanes)}),
              alphas[rv]));
      }
      ValueRange acc = forCarry(
          gb, idx(gb, 0), keysSeen, init, [&](IB &jb, Value j, ValueRange c) {
            Value key = add(jb, s0, j);
            SmallVector<Value> pv;
            for (int64_t rv = 0; rv < rowVectors; ++rv)
              pv.push_back(vector::LoadOp::create(
                  jb, lanes, sc.p, ValueRange{slot, j, idx(jb, rv * kLanes)}));
            SmallVector<Value> next;
            for (int64_t dd = 0; dd < kBlockRows; ++dd) {
              Value vs = vector::BroadcastOp::create(
                  jb, lanes, v.load(jb, bi, kvh, key, comps[dd]));
              for (int64_t rv = 0; rv < rowVectors; ++rv)
                next.push_back(vector::FMAOp::create(jb, vs, pv[rv],
                                                     c[dd * rowVectors + rv]));
            }
            return next;
          });
      for (int64_t dd = 0; dd < kBlockRows; ++dd)
        for (int64_t rv = 0; rv < rowVectors; ++rv)
          vector::StoreOp::create(
              gb, acc[dd * rowVectors + rv], sc.accT,
              ValueRange{slot, add(gb, d0, idx(gb, dd)), idx(gb, rv * kLanes)});
      (void)loopUnrollByFactor(cast<scf::ForOp>(acc.front().getDefiningOp()),
                               kUnroll);
    });
  });
  // The accumulators by rows, for the epilogue's vectors along Dh.
  forRange(b, idx(b, 0), idx(b, dh), [&](IB &ib, Value d) {
    for (int64_t rv = 0; rv < rowVectors; ++rv) {
      Value a = vector::LoadOp::create(
          ib, lanes, sc.accT, ValueRange{slot, d, idx(ib, rv * kLanes)});
      for (int64_t l = 0; l < kLanes; ++l)
        memref::StoreOp::create(ib, vector::ExtractOp::create(ib, a, l), sc.acc,
                                ValueRange{slot, idx(ib, rv * kLanes + l), d});
    }
  });
  // o = acc / l ⊙ σ(gate), for the rows that exist.
  forRange(b, idx(b, 0), idx(b, kTileRows), [&](IB &rb, Value r) {
    Value row = add(rb, t0, r);
    ifThen(rb, cmp(rb, CmpIPredicate::ult, row, steps), [&](IB &ib) {
      Value inv = vector::BroadcastOp::create(
          ib, lanes,
          arith::DivFOp::create(ib, constF32(ib, 1.0),
                                memref::LoadOp::create(ib, sc.l, at(ib, r))));
      storeGated(ib, fused, gateCol, o, bi, row, h, dh, headwise, dMasks,
                 [&](IB &vb, int64_t i) {
                   return arith::MulFOp::create(
                              vb,
                              vector::LoadOp::create(vb, lanes, sc.acc,
                                                     at(vb, r, i * kLanes)),
                              inv)
                       .getResult();
                 });
    });
  });
}

/// The lane sums of 16 vectors of 16 lanes, in one vector: four rounds of
/// halving, each pairing vectors u, v into x + y, x and y taking the first
/// and second half of each of u's and v's segments (15 pairs: 30 shuffles
/// and 15 adds, against a shuffle tree per vector and 16 inserts). Lane l
/// ends with the sum of vectors[owner[l]]; `owner` is returned.
std::pair<Value, SmallVector<int32_t>> sumLanesOf16(IB &b,
                                                    ArrayRef<Value> vectors) {
  struct Part {
    Value v;
    SmallVector<int32_t> owner; // per lane: whose partial sums it holds
  };
  SmallVector<Part> parts;
  for (int32_t j = 0; j < kLanes; ++j)
    parts.push_back({vectors[j], SmallVector<int32_t>(kLanes, j)});
  for (int64_t g = kLanes / 2; g >= 1; g /= 2) {
    SmallVector<Part> next;
    for (size_t p = 0; p < parts.size(); p += 2) {
      const Part &u = parts[p], &v = parts[p + 1];
      SmallVector<int64_t> first(kLanes), second(kLanes);
      Part out{Value(), SmallVector<int32_t>(kLanes)};
      for (int64_t seg = 0; seg < kLanes; seg += 2 * g)
        for (int64_t k = 0; k < g; ++k) {
          // u's segment into the segment's first half, v's into its second.
          first[seg + k] = seg + k;
          second[seg + k] = seg + g + k;
          first[seg + g + k] = kLanes + seg + k;
          second[seg + g + k] = kLanes + seg + g + k;
          out.owner[seg + k] = u.owner[seg];
          out.owner[seg + g + k] = v.owner[seg];
        }
      out.v = arith::AddFOp::create(
          b, vector::ShuffleOp::create(b, u.v, v.v, first),
          vector::ShuffleOp::create(b, u.v, v.v, second));
      next.push_back(out);
    }
    parts = next;
  }
  return {parts[0].v, parts[0].owner};
}

/// Query rows at most this many take attendRow (one row a task, keys in
/// lanes) rather than the tiles of 32 rows in lanes, which would leave most
/// lanes idle: per key, a row costs about Dh/8 + 4 vector ops there against
/// 4·Dh for a whole tile here.
constexpr int64_t kRowTasksUpTo = 8;

/// Query row t of head h (position P + t) against keys 0..P+t, 16 keys at
/// a time in lanes (a decode step's path): per block, the 16 scores q·k
/// (each Dh/16 vector products summed), −∞ past the row; the online softmax
/// with m and l scalars; acc (Dh/16 vectors in registers) = α acc + Σ_j
/// e^{S_j − m'} V_j. q comes scaled by 1/√Dh and rotated (copyHeads).
void attendRow(IB &b, Value q, const ValueRows &k, const ValueRows &v,
               Value fused, int64_t gateCol, Value o, Value bi, Value h,
               Value t, Value steps, Value keys, int64_t heads, int64_t kvHeads,
               int64_t dh, bool headwise) {
  auto f32 = b.getF32Type();
  auto lanes = VectorType::get({kLanes}, f32);
  auto i32Lanes = VectorType::get({kLanes}, b.getI32Type());
  SmallVector<Value> dMasks = pieceMasks(b, dh);
  int64_t pieces = dMasks.size();
  Value zero = splatF32(b, lanes, 0);
  Value kvh = arith::DivUIOp::create(b, h, idx(b, heads / kvHeads));
  Value lastKey = arith::SubIOp::create(b, keys, idx(b, 1));
  Value pos = add(b, arith::SubIOp::create(b, keys, steps), t);
  SmallVector<Value> qv;
  for (int64_t i = 0; i < pieces; ++i)
    qv.push_back(vector::MaskedLoadOp::create(
        b, lanes, q, ValueRange{bi, h, t, idx(b, i * kLanes)}, dMasks[i],
        zero));
  auto asI32 = [&](IB &ib, Value x) {
    return vector::BroadcastOp::create(
        ib, i32Lanes, arith::IndexCastOp::create(ib, ib.getI32Type(), x));
  };
  Value posLanes = asI32(b, pos);
  Value blocks =
      arith::CeilDivUIOp::create(b, add(b, pos, idx(b, 1)), idx(b, kLanes));
  SmallVector<Value> init{constF32(b, kMasked), constF32(b, 0)};
  init.append(pieces, zero);
  ValueRange last = forCarry(
      b, idx(b, 0), blocks, init, [&](IB &lb, Value blk, ValueRange c) {
        Value j0 = mul(lb, blk, idx(lb, kLanes));
        SmallVector<Value> keyRows, products;
        for (int64_t j = 0; j < kLanes; ++j) {
          keyRows.push_back(
              arith::MinUIOp::create(lb, add(lb, j0, idx(lb, j)), lastKey));
          Value dot = zero;
          for (int64_t i = 0; i < pieces; ++i)
            dot = vector::FMAOp::create(
                lb, qv[i],
                k.loadPiece(lb, bi, kvh, keyRows[j], i * kLanes, dMasks[i]),
                dot);
          products.push_back(dot);
        }
        // Lane l: the score of key j0 + owner[l].
        auto [dots, owner] = sumLanesOf16(lb, products);
        Value laneKeys = arith::ConstantOp::create(
            lb, DenseElementsAttr::get(i32Lanes, ArrayRef<int32_t>(owner)));
        Value late = arith::CmpIOp::create(
            lb, CmpIPredicate::sgt,
            arith::AddIOp::create(lb, laneKeys, asI32(lb, j0)), posLanes);
        Value scores = arith::SelectOp::create(
            lb, late, splatF32(lb, lanes, kMasked), dots);
        Value blockMax = vector::ReductionOp::create(
            lb, vector::CombiningKind::MAXNUMF, scores);
        Value mNew = arith::MaxNumFOp::create(lb, c[0], blockMax);
        Value alpha = expNonPositive(lb, arith::SubFOp::create(lb, c[0], mNew));
        Value p = expNonPositive(
            lb, arith::SubFOp::create(
                    lb, scores, vector::BroadcastOp::create(lb, lanes, mNew)));
        SmallVector<Value> next{
            mNew,
            arith::AddFOp::create(lb, arith::MulFOp::create(lb, c[1], alpha),
                                  sumLanes(lb, p))};
        Value alphas = vector::BroadcastOp::create(lb, lanes, alpha);
        for (int64_t i = 0; i < pieces; ++i)
          next.push_back(arith::MulFOp::create(lb, c[2 + i], alphas));
        for (int64_t l = 0; l < kLanes; ++l) {
          Value pl = vector::BroadcastOp::create(
              lb, lanes, vector::ExtractOp::create(lb, p, l));
          for (int64_t i = 0; i < pieces; ++i)
            next[2 + i] = vector::FMAOp::create(
                lb, pl,
                v.loadPiece(lb, bi, kvh, keyRows[owner[l]], i * kLanes,
                            dMasks[i]),
                next[2 + i]);
        }
        return next;
      });
  Value inv = vector::BroadcastOp::create(
      b, lanes, arith::DivFOp::create(b, constF32(b, 1.0), last[1]));
  storeGated(b, fused, gateCol, o, bi, t, h, dh, headwise, dMasks,
             [&](IB &vb, int64_t i) {
               return arith::MulFOp::create(vb, last[2 + i], inv).getResult();
             });
}

} // namespace

Value seqc::buildAttentionHeads(TensorBuilder &b, ValueRange operands,
                                const AttentionShape &shape) {
  int64_t heads = shape.heads, kvHeads = shape.kvHeads, dh = shape.headDim;
  bool headwise = shape.headwise;
  int64_t qw = heads * dh, kvw = kvHeads * dh;
  int64_t gateCol = qw + 2 * kvw;
  // The keys and values: x's in the fused projection, or every position's
  // (the past ones, then x's) in operands of their own.
  Value fused = operands[0];
  bool hasPast = operands.size() >= 3;
  Value keyRows = hasPast ? operands[1] : fused;
  Value valueRows = hasPast ? operands[2] : fused;
  int64_t keyCol = hasPast ? 0 : qw, valueCol = hasPast ? 0 : qw + kvw;
  // q copied per head with RoPE applied and scaled by 1/√Dh; x's keys per
  // head with RoPE applied, past keys (rotated already) read in place; V
  // read in place by the row tasks, and by the tiles per kv head or in
  // place, as seq-select-layout chose; the gate read in place.
  ValueRows vrows{Value(), false, valueCol, dh};
  ValueRows krows{Value(), !hasPast, keyCol, dh};
  Value batch = b.dim(fused, 0), steps = b.dim(fused, 1);
  Value keys = b.dim(keyRows, 1);
  // Query row t is position P + t, after the P past keys: RoPE's tables
  // from P on.
  Value past = arith::SubIOp::create(b, keys, steps);
  // (With past keys the call carries the tables x's keys were rotated by.)
  std::optional<std::pair<Value, Value>> tables;
  if (operands.size() == 5)
    tables = {operands[3], operands[4]};
  else if (shape.ropeTheta)
    tables =
        ropeTables(b, steps, dh, *shape.ropeTheta, hasPast ? past : Value());
  // Every tensor is built; now the buffers.
  Value fb = readBuffer(b, fused);
  Value kr = hasPast ? readBuffer(b, keyRows) : fb;
  Value vr = hasPast ? readBuffer(b, valueRows) : fb;
  vrows.mem = vr;
  std::optional<std::pair<Value, Value>> tableBuffers;
  if (tables)
    tableBuffers = {readBuffer(b, tables->first),
                    readBuffer(b, tables->second)};
  Value qb = allocBuffer(b, {batch, b.index(heads), steps, b.index(dh)});
  copyHeads(b, fb, qb, 0, heads, dh, tableBuffers, 1.0 / std::sqrt(double(dh)));
  // K per kv head [B, Hkv, P + T, Dh]: x's keys rotated here; past keys
  // copied only for the tiles.
  auto keysPerHead = [&](TensorBuilder &tb) {
    Value kb = allocBuffer(tb, {batch, tb.index(kvHeads), keys, tb.index(dh)});
    copyHeads(tb, kr, kb, keyCol, kvHeads, dh,
              hasPast ? std::optional<std::pair<Value, Value>>() : tableBuffers,
              1.0);
    return kb;
  };
  krows.mem = hasPast ? kr : keysPerHead(b);
  Value ob = allocBuffer(b, {batch, steps, b.index(heads * dh)});
  Value hs = b.index(heads);
  // Few query rows (a decode step): a task per row, its keys in lanes.
  Value fewRows = cmp(b, CmpIPredicate::ule, steps, b.index(kRowTasksUpTo));
  auto rowTasks = [&](TensorBuilder &tb) {
    parallelGrid(tb, {batch, hs, steps}, [&](IB &ib, ValueRange ivs) {
      attendRow(ib, qb, krows, vrows, fb, gateCol, ob, ivs[0], ivs[1], ivs[2],
                steps, keys, heads, kvHeads, dh, headwise);
    });
  };
  auto tileTasks = [&](TensorBuilder &tb) {
    Value kb = krows.perHead ? krows.mem : keysPerHead(tb);
    ValueRows tileValues = vrows;
    if (shape.perHeadValues) {
      tileValues = {
          allocBuffer(tb, {batch, tb.index(kvHeads), keys, tb.index(dh)}), true,
          0, dh};
      copyHeads(tb, vr, tileValues.mem, valueCol, kvHeads, dh, std::nullopt,
                1.0);
    }
    Value tiles = arith::CeilDivUIOp::create(tb, steps, tb.index(kTileRows));
    // kWorkers workers, each with its own scratch, take the tasks (batch,
    // head, tile) w, w + kWorkers, w + 2·kWorkers, ...: the scratch is
    // kWorkers tiles whatever B, H and T.
    auto scratch = [&](ArrayRef<int64_t> tail) {
      SmallVector<Value> sizes{tb.index(kWorkers)};
      for (int64_t t : tail)
        sizes.push_back(tb.index(t));
      return allocBuffer(tb, sizes);
    };
    int64_t dhPadded = (dh + kLanes - 1) / kLanes * kLanes;
    int64_t dh8 = (dh + kBlockRows - 1) / kBlockRows * kBlockRows;
    TileScratch sc{scratch({dh, kTileRows}),  scratch({kBlockKeys, kTileRows}),
                   scratch({dh8, kTileRows}), scratch({kTileRows}),
                   scratch({kTileRows}),      scratch({kTileRows, dhPadded})};
    Value tasks = mul(tb, mul(tb, batch, hs), tiles);
    parallelGrid(tb, {tb.index(kWorkers)}, [&](IB &ib, ValueRange ivs) {
      Value slot = ivs[0];
      scf::ForOp::create(
          ib, slot, tasks, idx(ib, kWorkers), ValueRange{},
          [&](OpBuilder &nb, Location loc, Value task, ValueRange) {
            IB wb(loc, nb);
            Value i = arith::RemUIOp::create(wb, task, tiles);
            Value rest = arith::DivUIOp::create(wb, task, tiles);
            Value h = arith::RemUIOp::create(wb, rest, hs);
            Value bi = arith::DivUIOp::create(wb, rest, hs);
            // Tiles in the order 0, n−1, 1, n−2, ...: a tile's work grows
            // with its rows (causal), and every worker's share of this
            // order is as much work as another's.
            Value half = arith::DivUIOp::create(wb, i, idx(wb, 2));
            Value odd =
                cmp(wb, CmpIPredicate::ne,
                    arith::RemUIOp::create(wb, i, idx(wb, 2)), idx(wb, 0));
            Value tile = arith::SelectOp::create(
                wb, odd,
                arith::SubIOp::create(
                    wb, arith::SubIOp::create(wb, tiles, idx(wb, 1)), half),
                half);
            attendBlocks(wb, qb, kb, tileValues, fb, gateCol, ob, sc, slot, bi,
                         h, tile, steps, keys, heads, kvHeads, dh, headwise);
            scf::YieldOp::create(wb);
          });
    });
  };
  scf::IfOp::create(
      b, fewRows,
      [&](OpBuilder &nb, Location loc) {
        TensorBuilder tb(loc, nb);
        rowTasks(tb);
        scf::YieldOp::create(tb);
      },
      [&](OpBuilder &nb, Location loc) {
        TensorBuilder tb(loc, nb);
        tileTasks(tb);
        scf::YieldOp::create(tb);
      });
  return bufferTensor(b, ob);
}
