//===- GLACore.cpp - gla_core, recurrent and chunkwise
//---------------------===//
//
// Every column of v runs its own recurrence through S[:, v].
//
// Recurrent (decode, and anything below one chunk): per step, S = e^{g} ⊙
// S + kᵀ v and o = scale·q S, in the layouts seq-select-layout chose:
//  - state [K, V] (`kv`): parallel over (batch, head, groups of 4 blocks
//    of 16 value columns), along blocks of 32 steps; per value block the
//    key rows go in register tiles of 16, S[k] = e^{g_k} S[k] + k_k v and
//    o += scale·q_k S[k], the tile's rows carried in registers along the
//    steps (a scratch buffer keeps them between step blocks);
//  - state [V, K] (`vk`, heads of few value columns): parallel over
//    (batch, head, groups of value columns), the keys in vector lanes:
//    S[v] = e^{g} ⊙ S[v] + v_v k, o_v = scale·Σ q ⊙ S[v];
//  - q, k and the decays e^g read in place (`bthd`) or from [B, H, T, K]
//    copies (`bhtd`), made where the decays are computed.
//
// Chunkwise (fla's "hardware-efficient" form, chunks of C steps, C and
// the sub-chunk c chosen by seq-chunk-gla and recorded on the op):
//  1. parallel over (batch, head, chunk): the gate's cumulative log sum
//     b_j inside the chunk; q̃_j = scale·q_j e^{b_j} (reads the state),
//     k̂_j = k_j e^{b_last − b_j} (writes it), the chunk's decay e^{b_last},
//     and the intra-chunk scores A[j, i] = scale Σ_k q_jk k_ik e^{b_jk − b_ik}
//     for i ≤ j. Within a sub-chunk the exponent is taken per pair; across
//     sub-chunks it is split at z, the first b of the query's sub-chunk:
//     (q_j e^{b_j − z})·(k_i e^{z − b_i}), both factors ≤ 1 whatever the
//     gates, which is the sub-chunks' numerical safety.
//  2. parallel over (batch, head, value block), along the chunks: o_j =
//     q̃_j S + Σ_{i≤j} A[j, i] v_i, then S = e^{b_last} S + Σ_j k̂_jᵀ v_j.
//
//===----------------------------------------------------------------------===//
#include "CPUKernels.h"
#include "VectorLoops.h"
#include "lib/Codegen/Common/LoopBuilders.h"
#include "seqc/Codegen/GLAKernelShapes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace seqc;
using namespace seqc::loops;
using arith::CmpIPredicate;

namespace {

constexpr int64_t kValueLanes = gla::kLanes;

/// The buffers and sizes both forms read.
struct GLABuffers {
  Value q, k, v, g, s0, o, s; // [B,T,H·K] ×3, [B,T,H·V], [B,H,K,V], outputs
  Value state; // [B, H, value blocks, K, 16]: each block's running state
  /// Where q, k, v and g start in their rows (fused projections keep them
  /// side by side in one [B, T, ·] tensor).
  int64_t qOff = 0, kOff = 0, vOff = 0, gOff = 0;
  Value batch, steps;
  int64_t heads, keyDim, valueDim;
  double scale;
  /// Nonzero: g holds the gate's logits, and the log decay is
  /// logsigmoid(g) / gateNorm, computed where g is read (the GLA layer).
  double gateNorm = 0;
  /// The recurrent form keeps the state as [V, K] instead of [K, V].
  bool stateVK = false;
  /// The recurrent form reads q, k and the decays per head, [B, H, T, K]
  /// copies, instead of in place.
  bool perHeadKeys = false;

  Value gate(IB &b, Value raw) const {
    if (gateNorm == 0)
      return raw;
    return arith::DivFOp::create(b, logSigmoid(b, raw),
                                 constLike(b, raw, gateNorm));
  }
};

/// A block of value columns [v0, v0 + 16) of head h, masked at the edge.
struct ValueBlock {
  Value b, h, blk, v0, mask, vCol; // vCol = h·V + v0, in o
  Value vIn;                       // the same column in v
  VectorType type;

  Value load(IB &ib, Value mem, ValueRange at) const {
    Value zero = splatF32(ib, type, 0);
    return vector::MaskedLoadOp::create(ib, type, mem, at, mask, zero);
  }
  void store(IB &ib, Value value, Value mem, ValueRange at) const {
    vector::MaskedStoreOp::create(ib, mem, at, mask, value);
  }
};

Value scalarAt(IB &b, Value mem, ValueRange at) {
  return memref::LoadOp::create(b, mem, at);
}

Value splat(IB &b, VectorType t, Value s) {
  return vector::BroadcastOp::create(b, t, s);
}

ValueBlock valueBlock(IB &ib, const GLABuffers &g, Value bi, Value h,
                      Value blk) {
  ValueBlock vb;
  vb.b = bi;
  vb.h = h;
  vb.blk = blk;
  vb.v0 = mul(ib, blk, idx(ib, kValueLanes));
  vb.type = VectorType::get({kValueLanes}, ib.getF32Type());
  vb.mask = vector::CreateMaskOp::create(
      ib, VectorType::get({kValueLanes}, ib.getI1Type()),
      ValueRange{arith::SubIOp::create(ib, idx(ib, g.valueDim), vb.v0)});
  vb.vCol = add(ib, mul(ib, h, idx(ib, g.valueDim)), vb.v0);
  vb.vIn = add(ib, vb.vCol, idx(ib, g.vOff));
  return vb;
}

/// parallel over (batch, head, value blocks).
void forEachValueBlock(
    TensorBuilder &b, const GLABuffers &g,
    const std::function<void(IB &, const ValueBlock &)> &fn) {
  int64_t blocks = (g.valueDim + kValueLanes - 1) / kValueLanes;
  parallelGrid(b, {g.batch, b.index(g.heads), b.index(blocks)},
               [&](IB &ib, ValueRange ivs) {
                 fn(ib, valueBlock(ib, g, ivs[0], ivs[1], ivs[2]));
               });
}

/// Row k of the block's state S[K, 16] (scratch that the block owns: no
/// allocation inside parallel loops).
struct StateRows {
  const GLABuffers &g;
  const ValueBlock &vb;
  Value load(IB &b, Value k) const {
    return vector::LoadOp::create(b, vb.type, g.state,
                                  ValueRange{vb.b, vb.h, vb.blk, k, idx(b, 0)});
  }
  void store(IB &b, Value row, Value k) const {
    vector::StoreOp::create(b, row, g.state,
                            ValueRange{vb.b, vb.h, vb.blk, k, idx(b, 0)});
  }
};

/// The block's state from s0 or zeros.
StateRows initialState(IB &b, const GLABuffers &g, const ValueBlock &vb) {
  StateRows st{g, vb};
  forRange(b, idx(b, 0), idx(b, g.keyDim), [&](IB &ib, Value k) {
    Value row = g.s0 ? vb.load(ib, g.s0, ValueRange{vb.b, vb.h, k, vb.v0})
                     : splatF32(ib, vb.type, 0);
    st.store(ib, row, k);
  });
  return st;
}

void storeFinalState(IB &b, const GLABuffers &g, const ValueBlock &vb,
                     const StateRows &st) {
  forRange(b, idx(b, 0), idx(b, g.keyDim), [&](IB &ib, Value k) {
    vb.store(ib, st.load(ib, k), g.s, ValueRange{vb.b, vb.h, k, vb.v0});
  });
}

/// What the recurrent forms read per step and key column: q, k and the
/// decay e^{g}. In place (layout bthd): q and k in the input rows, the
/// decays [B, T, H·K]. Per head (bhtd): all three copied to [B, H, T, K],
/// so that a head's next step is K floats away instead of an input row.
struct KeyRows {
  enum Which { Q, K, Decay };
  Value mem[3];
  int64_t off[3] = {0, 0, 0};
  int64_t keyDim;
  bool perHead;

  SmallVector<Value> at(IB &b, Which w, Value bi, Value h, Value t,
                        Value col) const {
    if (perHead)
      return {bi, h, t, col};
    return {bi, t,
            add(b, add(b, mul(b, h, idx(b, keyDim)), col), idx(b, off[w]))};
  }
  Value scalar(IB &b, Which w, Value bi, Value h, Value t, Value col) const {
    return scalarAt(b, mem[w], at(b, w, bi, h, t, col));
  }
};

/// The key rows in the layout seq-select-layout chose: the decays e^{g}
/// (of the gate's log decay) for every step, key column and head are
/// computed once, not once per value block, and in the bhtd layout q and k
/// are copied next to them.
KeyRows keyRows(TensorBuilder &b, const GLABuffers &g) {
  int64_t width = g.heads * g.keyDim;
  KeyRows rows;
  rows.keyDim = g.keyDim;
  rows.perHead = g.perHeadKeys;
  auto alloc = [&] {
    return rows.perHead ? allocBuffer(b, {g.batch, b.index(g.heads), g.steps,
                                          b.index(g.keyDim)})
                        : allocBuffer(b, {g.batch, g.steps, b.index(width)});
  };
  rows.mem[KeyRows::Decay] = alloc();
  if (rows.perHead) {
    rows.mem[KeyRows::Q] = alloc();
    rows.mem[KeyRows::K] = alloc();
  } else {
    rows.mem[KeyRows::Q] = g.q;
    rows.mem[KeyRows::K] = g.k;
    rows.off[KeyRows::Q] = g.qOff;
    rows.off[KeyRows::K] = g.kOff;
  }
  // A head's keys in pieces of 16 lanes (the last one masked): whole rows
  // of H·K lanes spill registers in the exponential.
  int64_t pieces = (g.keyDim + kValueLanes - 1) / kValueLanes;
  auto vt = VectorType::get({kValueLanes}, b.getF32Type());
  parallelGrid(b, {g.batch, g.steps}, [&](IB &ib, ValueRange ivs) {
    Value bi = ivs[0], t = ivs[1];
    Value zero = splatF32(ib, vt, 0);
    forRange(ib, idx(ib, 0), idx(ib, g.heads), [&](IB &hb, Value h) {
      Value col0 = mul(hb, h, idx(hb, g.keyDim));
      for (int64_t j = 0; j < pieces; ++j) {
        Value mask = vector::CreateMaskOp::create(
            hb, VectorType::get({kValueLanes}, hb.getI1Type()),
            ValueRange{
                idx(hb, std::min(kValueLanes, g.keyDim - j * kValueLanes))});
        Value col = add(hb, col0, idx(hb, j * kValueLanes));
        auto load = [&](Value mem, int64_t off) {
          return vector::MaskedLoadOp::create(
                     hb, vt, mem, ValueRange{bi, t, add(hb, col, idx(hb, off))},
                     mask, zero)
              .getResult();
        };
        auto store = [&](Value v, KeyRows::Which w) {
          vector::MaskedStoreOp::create(
              hb, rows.mem[w],
              rows.at(hb, w, bi, h, t, idx(hb, j * kValueLanes)), mask, v);
        };
        store(math::ExpOp::create(hb, g.gate(hb, load(g.g, g.gOff))),
              KeyRows::Decay);
        if (rows.perHead) {
          store(load(g.q, g.qOff), KeyRows::Q);
          store(load(g.k, g.kOff), KeyRows::K);
        }
      }
    });
  });
  return rows;
}

/// Key rows of a register tile of the [K, V] recurrent form: the tile's
/// state, S[8 rows, two blocks of 16 value columns], stays in registers
/// along a block of steps; each broadcast of q, k and a decay serves two
/// vector FMAs.
constexpr int64_t kTileRows = 8;
/// Steps per block of the [K, V] recurrent form: the block's rows of q, k,
/// the decays, v and o stay in cache while every tile of every value
/// block of the task walks them.
constexpr int64_t kStepBlock = 32;
/// Value blocks per task of the [K, V] recurrent form (the tasks of a head
/// share its q, k and decays).
constexpr int64_t kBlocksPerTask = 4;

/// Steps [t0, t1) of key rows [k0, k0 + rows) of the value blocks vbs (one
/// or two): the tile's state rows come into registers from s0 (or zeros)
/// in the first block of steps (`entering`), else from the blocks' scratch,
/// and go after the steps to the final state in the last block of steps
/// (`leaving`), else back to the scratch: a sequence of one block of steps
/// (decode) reads and writes the state once, without the scratch. Per step
/// and row, S[k] = e^{g_k} S[k] + k_k v; the tile's share of o, scale·Σ_k
/// q_k S[k], is stored (the block's first tile) or added.
void tileStepsKV(IB &b, const GLABuffers &g, ArrayRef<ValueBlock> vbs,
                 const KeyRows &keys, Value k0, int64_t rows, bool first,
                 Value t0, Value t1, Value entering, Value leaving) {
  const ValueBlock &vb0 = vbs.front();
  int64_t cols = vbs.size();
  Value zero = splatF32(b, vb0.type, 0);
  // init[r · cols + c]: key row k0 + r of value block c.
  auto rowsOf = [&](IB &ib, bool fromS0) {
    SmallVector<Value> rowsIn;
    for (int64_t r = 0; r < rows; ++r)
      for (const ValueBlock &vb : vbs) {
        Value k = add(ib, k0, idx(ib, r));
        if (!fromS0)
          rowsIn.push_back(StateRows{g, vb}.load(ib, k));
        else if (g.s0)
          rowsIn.push_back(vb.load(ib, g.s0, ValueRange{vb.b, vb.h, k, vb.v0}));
        else
          rowsIn.push_back(splatF32(ib, vb.type, 0));
      }
    return rowsIn;
  };
  SmallVector<Type> rowTypes(rows * cols, vb0.type);
  auto enter = scf::IfOp::create(b, rowTypes, entering, true);
  for (bool fromS0 : {true, false}) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(fromS0 ? enter.thenBlock() : enter.elseBlock());
    scf::YieldOp::create(b, rowsOf(b, fromS0));
  }
  SmallVector<Value> init(enter.getResults());
  Value scale = splatF32(b, vb0.type, g.scale);
  ValueRange last =
      forCarry(b, t0, t1, init, [&](IB &tb, Value t, ValueRange s) {
        SmallVector<Value> vrows;
        for (const ValueBlock &vb : vbs)
          vrows.push_back(vb.load(tb, g.v, {vb.b, t, vb.vIn}));
        // Two accumulators per value block: half the dependent chain.
        SmallVector<Value> acc(2 * cols, zero);
        SmallVector<Value> next;
        for (int64_t r = 0; r < rows; ++r) {
          Value col = add(tb, k0, idx(tb, r));
          auto at = [&](KeyRows::Which w) {
            return splat(tb, vb0.type,
                         keys.scalar(tb, w, vb0.b, vb0.h, t, col));
          };
          Value decay = at(KeyRows::Decay), key = at(KeyRows::K);
          Value query = at(KeyRows::Q);
          for (int64_t c = 0; c < cols; ++c) {
            Value srow = vector::FMAOp::create(
                tb, key, vrows[c],
                arith::MulFOp::create(tb, decay, s[r * cols + c]));
            Value &a = acc[2 * c + r % 2];
            a = vector::FMAOp::create(tb, query, srow, a);
            next.push_back(srow);
          }
        }
        for (int64_t c = 0; c < cols; ++c) {
          const ValueBlock &vb = vbs[c];
          Value part = arith::MulFOp::create(
              tb, arith::AddFOp::create(tb, acc[2 * c], acc[2 * c + 1]), scale);
          if (!first)
            part = arith::AddFOp::create(tb, part,
                                         vb.load(tb, g.o, {vb.b, t, vb.vCol}));
          vb.store(tb, part, g.o, {vb.b, t, vb.vCol});
        }
        return next;
      });
  auto rowsOut = [&](IB &ib, bool toFinal) {
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) {
        Value k = add(ib, k0, idx(ib, r));
        const ValueBlock &vb = vbs[c];
        if (toFinal)
          vb.store(ib, last[r * cols + c], g.s,
                   ValueRange{vb.b, vb.h, k, vb.v0});
        else
          StateRows{g, vb}.store(ib, last[r * cols + c], k);
      }
  };
  scf::IfOp::create(
      b, leaving,
      [&](OpBuilder &nb, Location l) {
        IB ib(l, nb);
        rowsOut(ib, true);
        scf::YieldOp::create(ib);
      },
      [&](OpBuilder &nb, Location l) {
        IB ib(l, nb);
        rowsOut(ib, false);
        scf::YieldOp::create(ib);
      });
}

/// The recurrent form with the state [K, V]: parallel over (batch, head,
/// groups of value blocks); along blocks of steps, pairs of value blocks
/// (a last one alone) walk their key rows in register tiles.
void recurrentKV(TensorBuilder &b, GLABuffers g) {
  KeyRows keys = keyRows(b, g);
  int64_t blocks = (g.valueDim + kValueLanes - 1) / kValueLanes;
  int64_t groups = (blocks + kBlocksPerTask - 1) / kBlocksPerTask;
  g.state = allocBuffer(b, {g.batch, b.index(g.heads), b.index(blocks),
                            b.index(g.keyDim), b.index(kValueLanes)});
  int64_t full = g.keyDim / kTileRows, tail = g.keyDim % kTileRows;
  parallelGrid(
      b, {g.batch, b.index(g.heads), b.index(groups)},
      [&](IB &ib, ValueRange ivs) {
        Value first = mul(ib, ivs[2], idx(ib, kBlocksPerTask));
        Value end = arith::MinUIOp::create(
            ib, add(ib, first, idx(ib, kBlocksPerTask)), idx(ib, blocks));
        auto block = [&](IB &bb, Value blk) {
          return valueBlock(bb, g, ivs[0], ivs[1], blk);
        };
        // Every key row of the value blocks `vbs`, steps [t0, t1).
        Value entering, leaving;
        auto tiles = [&](IB &bb, ArrayRef<ValueBlock> vbs, Value t0, Value t1) {
          if (full > 0)
            tileStepsKV(bb, g, vbs, keys, idx(bb, 0), kTileRows, true, t0, t1,
                        entering, leaving);
          if (full > 1)
            forRange(bb, idx(bb, 1), idx(bb, full), [&](IB &kb, Value tile) {
              tileStepsKV(kb, g, vbs, keys, mul(kb, tile, idx(kb, kTileRows)),
                          kTileRows, false, t0, t1, entering, leaving);
            });
          if (tail > 0)
            tileStepsKV(bb, g, vbs, keys, idx(bb, full * kTileRows), tail,
                        full == 0, t0, t1, entering, leaving);
        };
        Value stepBlocks =
            arith::CeilDivUIOp::create(ib, g.steps, idx(ib, kStepBlock));
        // No steps: the final state is s0 (or zeros).
        ifThen(ib, cmp(ib, CmpIPredicate::eq, stepBlocks, idx(ib, 0)),
               [&](IB &zb) {
                 forRange(zb, first, end, [&](IB &bb, Value blk) {
                   ValueBlock vb = block(bb, blk);
                   storeFinalState(bb, g, vb, initialState(bb, g, vb));
                 });
               });
        forRange(ib, idx(ib, 0), stepBlocks, [&](IB &sb, Value n) {
          entering = cmp(sb, CmpIPredicate::eq, n, idx(sb, 0));
          leaving =
              cmp(sb, CmpIPredicate::eq, add(sb, n, idx(sb, 1)), stepBlocks);
          Value t0 = mul(sb, n, idx(sb, kStepBlock));
          Value t1 = arith::MinUIOp::create(
              sb, add(sb, t0, idx(sb, kStepBlock)), g.steps);
          Value pairs = arith::DivUIOp::create(
              sb, arith::SubIOp::create(sb, end, first), idx(sb, 2));
          forRange(sb, idx(sb, 0), pairs, [&](IB &pb, Value pr) {
            Value blk = add(pb, first, mul(pb, pr, idx(pb, 2)));
            tiles(pb, {block(pb, blk), block(pb, add(pb, blk, idx(pb, 1)))}, t0,
                  t1);
          });
          Value lone = add(sb, first, mul(sb, pairs, idx(sb, 2)));
          ifThen(sb, cmp(sb, CmpIPredicate::ult, lone, end),
                 [&](IB &lb) { tiles(lb, {block(lb, lone)}, t0, t1); });
        });
      });
}

/// The recurrent form with the state [V, K] (rows of the state are value
/// columns, lanes are keys): for heads with few value columns, where a
/// [K, V] row would leave most of a vector's 16 lanes idle. A task owns
/// `rows` value columns of a head, all K keys, in registers; per step and
/// value column v, S[v] = e^{g} ⊙ S[v] + v_v k and o_v = scale·Σ q ⊙ S[v].
void recurrentVK(TensorBuilder &b, const GLABuffers &g) {
  KeyRows keys = keyRows(b, g);
  auto f32 = b.getF32Type();
  auto laneType = VectorType::get({kValueLanes}, f32);
  int64_t keyBlocks = (g.keyDim + kValueLanes - 1) / kValueLanes;
  int64_t rows = gla::vkRows(g.keyDim, g.valueDim);
  int64_t groups = (g.valueDim + rows - 1) / rows;
  parallelGrid(
      b, {g.batch, b.index(g.heads), b.index(groups)},
      [&](IB &ib, ValueRange ivs) {
        Value bi = ivs[0], h = ivs[1];
        // Value columns of the task, clamped: a last group that runs past V
        // repeats column V − 1, computing and storing the same values.
        SmallVector<Value> cols;
        Value v0 = mul(ib, ivs[2], idx(ib, rows));
        for (int64_t r = 0; r < rows; ++r)
          cols.push_back(arith::MinUIOp::create(ib, add(ib, v0, idx(ib, r)),
                                                idx(ib, g.valueDim - 1)));
        Value vCol = mul(ib, h, idx(ib, g.valueDim));
        SmallVector<Value> masks;
        for (int64_t j = 0; j < keyBlocks; ++j)
          masks.push_back(vector::CreateMaskOp::create(
              ib, VectorType::get({kValueLanes}, ib.getI1Type()),
              ValueRange{
                  idx(ib, std::min(kValueLanes, g.keyDim - j * kValueLanes))}));
        Value zero = splatF32(ib, laneType, 0);
        auto keysAt = [&](IB &lb, KeyRows::Which w, Value t, int64_t j) {
          return vector::MaskedLoadOp::create(
                     lb, laneType, keys.mem[w],
                     keys.at(lb, w, bi, h, t, idx(lb, j * kValueLanes)),
                     masks[j], zero)
              .getResult();
        };
        // s0[b, h, :, v] is a strided column: read lane by lane, once.
        SmallVector<Value> init;
        for (int64_t r = 0; r < rows; ++r)
          for (int64_t j = 0; j < keyBlocks; ++j) {
            Value lanes = zero;
            for (int64_t l = 0;
                 g.s0 && l < kValueLanes && j * kValueLanes + l < g.keyDim; ++l)
              lanes = vector::InsertOp::create(
                  ib,
                  scalarAt(ib, g.s0,
                           {bi, h, idx(ib, j * kValueLanes + l), cols[r]}),
                  lanes, l);
            init.push_back(lanes);
          }
        Value scale = constF32(ib, g.scale);
        ValueRange last = forCarry(
            ib, idx(ib, 0), g.steps, init, [&](IB &tb, Value t, ValueRange s) {
              SmallVector<Value> ks, ds, qs, next;
              for (int64_t j = 0; j < keyBlocks; ++j) {
                ks.push_back(keysAt(tb, KeyRows::K, t, j));
                ds.push_back(keysAt(tb, KeyRows::Decay, t, j));
                qs.push_back(keysAt(tb, KeyRows::Q, t, j));
              }
              for (int64_t r = 0; r < rows; ++r) {
                Value vv = splat(tb, laneType,
                                 scalarAt(tb, g.v,
                                          {bi, t,
                                           add(tb, add(tb, vCol, cols[r]),
                                               idx(tb, g.vOff))}));
                Value acc = zero;
                for (int64_t j = 0; j < keyBlocks; ++j) {
                  Value srow = vector::FMAOp::create(
                      tb, vv, ks[j],
                      arith::MulFOp::create(tb, ds[j], s[r * keyBlocks + j]));
                  acc = vector::FMAOp::create(tb, qs[j], srow, acc);
                  next.push_back(srow);
                }
                Value sum = sumLanes(tb, acc);
                memref::StoreOp::create(
                    tb, arith::MulFOp::create(tb, sum, scale), g.o,
                    ValueRange{bi, t, add(tb, vCol, cols[r])});
              }
              return next;
            });
        for (int64_t r = 0; r < rows; ++r)
          for (int64_t j = 0; j < keyBlocks; ++j)
            for (int64_t l = 0;
                 l < kValueLanes && j * kValueLanes + l < g.keyDim; ++l)
              memref::StoreOp::create(
                  ib, vector::ExtractOp::create(ib, last[r * keyBlocks + j], l),
                  g.s,
                  ValueRange{bi, h, idx(ib, j * kValueLanes + l), cols[r]});
      });
}

/// The recurrent form over steps [0, T), with the state layout chosen by
/// seq-select-layout.
void recurrent(TensorBuilder &b, const GLABuffers &g) {
  if (g.stateVK)
    recurrentVK(b, g);
  else
    recurrentKV(b, g);
}

/// Scratch of the chunkwise form, written by phase 1.
struct ChunkScratch {
  Value qt, kt;   // [B, T, H·K]: q̃ and k̂
  Value cum;      // [B, T, H·K]: b, the gate's cumulative sum in its chunk
  Value qz;       // [B, T, H·K]: q_j e^{b_j − z} of the current sub-chunk
  Value decay;    // [B, H, N, K]: e^{b_last}
  Value scores;   // [B, H, N, C, C]: A
  Value own;      // [B, H, N, K, V]: U_n = Σ_j k̂_jᵀ v_j of chunk n
  Value entering; // [B, H, N, K, V]: the state entering chunk n
  int64_t chunk, sub;
};

/// The steps of chunk n: [t0, t0 + len), len = min(C, T − t0).
std::pair<Value, Value> chunkSpan(IB &b, const GLABuffers &g,
                                  const ChunkScratch &c, Value n) {
  Value t0 = mul(b, n, idx(b, c.chunk));
  Value len = arith::MinUIOp::create(b, idx(b, c.chunk),
                                     arith::SubIOp::create(b, g.steps, t0));
  return {t0, len};
}

/// Σ over a vector<K> (the key dim) of a ⊙ b.
Value dot(IB &b, Value x, Value y) {
  return sumLanes(b, arith::MulFOp::create(b, x, y));
}

/// Phase 1 for chunk n of (batch bi, head h).
void chunkPrologue(IB &b, const GLABuffers &g, const ChunkScratch &c, Value bi,
                   Value h, Value n) {
  auto f32 = b.getF32Type();
  auto kType = VectorType::get({g.keyDim}, f32);
  auto [t0, len] = chunkSpan(b, g, c, n);
  Value kCol = mul(b, h, idx(b, g.keyDim));
  auto rowAt = [&](IB &ib, Value mem, Value j, int64_t off = 0) {
    return vector::LoadOp::create(
               ib, kType, mem,
               ValueRange{bi, add(ib, t0, j), add(ib, kCol, idx(ib, off))})
        .getResult();
  };
  // b_j, the cumulative log gate inside the chunk.
  Value zero = splatF32(b, kType, 0);
  Value last =
      forCarry(b, idx(b, 0), len, {zero}, [&](IB &ib, Value j, ValueRange acc) {
        Value s = arith::AddFOp::create(ib, acc[0],
                                        g.gate(ib, rowAt(ib, g.g, j, g.gOff)));
        vector::StoreOp::create(ib, s, c.cum,
                                ValueRange{bi, add(ib, t0, j), kCol});
        return SmallVector<Value>{s};
      })[0];
  vector::StoreOp::create(b, math::ExpOp::create(b, last), c.decay,
                          ValueRange{bi, h, n, idx(b, 0)});
  Value scale = splat(b, kType, constF32(b, g.scale));
  auto cumAt = [&](IB &ib, Value j) { return rowAt(ib, c.cum, j); };
  forRange(b, idx(b, 0), len, [&](IB &ib, Value j) {
    Value bj = cumAt(ib, j);
    Value t = add(ib, t0, j);
    Value qs = arith::MulFOp::create(
        ib, arith::MulFOp::create(ib, rowAt(ib, g.q, j, g.qOff), scale),
        math::ExpOp::create(ib, bj));
    vector::StoreOp::create(ib, qs, c.qt, ValueRange{bi, t, kCol});
    Value ks = arith::MulFOp::create(
        ib, rowAt(ib, g.k, j, g.kOff),
        math::ExpOp::create(ib, arith::SubFOp::create(ib, last, bj)));
    vector::StoreOp::create(ib, ks, c.kt, ValueRange{bi, t, kCol});
  });
  // Intra-chunk scores, by sub-chunk pairs (query sub-chunk s ≥ key u).
  Value sLen = arith::CeilDivUIOp::create(b, len, idx(b, c.sub));
  Value scaleS = constF32(b, g.scale);
  auto store = [&](IB &ib, Value v, Value j, Value i) {
    memref::StoreOp::create(ib, arith::MulFOp::create(ib, v, scaleS), c.scores,
                            ValueRange{bi, h, n, j, i});
  };
  forRange(b, idx(b, 0), sLen, [&](IB &sb, Value s) {
    Value j0 = mul(sb, s, idx(sb, c.sub));
    Value j1 = arith::MinUIOp::create(sb, add(sb, j0, idx(sb, c.sub)), len);
    Value z = cumAt(sb, j0);
    // Same sub-chunk: the exponent per pair, b_j − b_i ≤ 0.
    forRange(sb, j0, j1, [&](IB &jb, Value j) {
      Value qj = rowAt(jb, g.q, j, g.qOff), bj = cumAt(jb, j);
      forRange(jb, j0, add(jb, j, idx(jb, 1)), [&](IB &pb, Value i) {
        Value e = math::ExpOp::create(
            pb, arith::SubFOp::create(pb, bj, cumAt(pb, i)));
        store(pb,
              dot(pb, arith::MulFOp::create(pb, qj, e),
                  rowAt(pb, g.k, i, g.kOff)),
              j, i);
      });
    });
    // Earlier sub-chunks: split at z, both factors ≤ 1.
    forRange(sb, j0, j1, [&](IB &jb, Value j) {
      Value qj = arith::MulFOp::create(
          jb, rowAt(jb, g.q, j, g.qOff),
          math::ExpOp::create(jb, arith::SubFOp::create(jb, cumAt(jb, j), z)));
      vector::StoreOp::create(jb, qj, c.qz,
                              ValueRange{bi, add(jb, t0, j), kCol});
    });
    forRange(sb, idx(sb, 0), j0, [&](IB &ib, Value i) {
      Value ki = arith::MulFOp::create(
          ib, rowAt(ib, g.k, i, g.kOff),
          math::ExpOp::create(ib, arith::SubFOp::create(ib, z, cumAt(ib, i))));
      forRange(ib, j0, j1, [&](IB &jb, Value j) {
        store(jb, dot(jb, rowAt(jb, c.qz, j), ki), j, i);
      });
    });
  });
}

/// Rows (outputs, or state rows) that phase 2 carries together: four
/// independent FMA chains that share each loaded v row.
constexpr int64_t kSweepRows = 4;

/// min(first + r, count − 1) for r < kSweepRows: the rows of a group,
/// clamped so that reads stay inside.
SmallVector<Value> groupRows(IB &b, Value first, Value count) {
  Value lastRow = arith::SubIOp::create(b, count, idx(b, 1));
  SmallVector<Value> rows;
  for (int64_t r = 0; r < kSweepRows; ++r)
    rows.push_back(
        arith::MinUIOp::create(b, add(b, first, idx(b, r)), lastRow));
  return rows;
}

/// The vector of value block `vb` in row k of a [B, H, N, K, V] buffer
/// (chunk states): masked at the value tail.
Value chunkRow(IB &b, const ValueBlock &vb, Value mem, Value n, Value k) {
  return vb.load(b, mem, ValueRange{vb.b, vb.h, n, k, vb.v0});
}

/// Phase 1b, for chunk n and one value block: the chunk's own state
/// contribution U_n = Σ_j k̂_jᵀ v_j, key rows k0..k0+3 together.
void chunkState(IB &b, const GLABuffers &g, const ChunkScratch &c,
                const ValueBlock &vb, Value n) {
  auto [t0, len] = chunkSpan(b, g, c, n);
  Value kCol = mul(b, vb.h, idx(b, g.keyDim));
  SmallVector<Value> zeros(kSweepRows, splatF32(b, vb.type, 0));
  Value kGroups = idx(b, (g.keyDim + kSweepRows - 1) / kSweepRows);
  forRange(b, idx(b, 0), kGroups, [&](IB &kb, Value grp) {
    Value k0 = mul(kb, grp, idx(kb, kSweepRows));
    SmallVector<Value> ks = groupRows(kb, k0, idx(kb, g.keyDim));
    ValueRange acc = forCarry(
        kb, idx(kb, 0), len, zeros, [&](IB &jb, Value j, ValueRange a) {
          Value t = add(jb, t0, j);
          Value vrow = vb.load(jb, g.v, {vb.b, t, vb.vIn});
          SmallVector<Value> out;
          for (int64_t r = 0; r < kSweepRows; ++r) {
            Value kh = scalarAt(jb, c.kt, {vb.b, t, add(jb, kCol, ks[r])});
            out.push_back(
                vector::FMAOp::create(jb, splat(jb, vb.type, kh), vrow, a[r]));
          }
          return out;
        });
    for (int64_t r = 0; r < kSweepRows; ++r) {
      Value k = add(kb, k0, idx(kb, r));
      ifThen(kb, cmp(kb, CmpIPredicate::ult, k, idx(kb, g.keyDim)),
             [&](IB &sb) {
               vb.store(sb, acc[r], c.own, {vb.b, vb.h, n, k, vb.v0});
             });
    }
  });
}

/// Phase 2, one value block along the chunks: the state entering chunk n
/// is stored, then S = e^{b_last} S + U_n. O(K) per chunk.
void passStates(IB &b, const GLABuffers &g, const ChunkScratch &c,
                const ValueBlock &vb, Value chunks) {
  StateRows st = initialState(b, g, vb);
  forRange(b, idx(b, 0), chunks, [&](IB &nb, Value n) {
    forRange(nb, idx(nb, 0), idx(nb, g.keyDim), [&](IB &kb, Value k) {
      Value srow = st.load(kb, k);
      vb.store(kb, srow, c.entering, {vb.b, vb.h, n, k, vb.v0});
      Value decay = scalarAt(kb, c.decay, {vb.b, vb.h, n, k});
      st.store(kb,
               arith::AddFOp::create(
                   kb,
                   arith::MulFOp::create(kb, splat(kb, vb.type, decay), srow),
                   chunkRow(kb, vb, c.own, n, k)),
               k);
    });
  });
  storeFinalState(b, g, vb, st);
}

/// Phase 3, chunk n and one value block: o_j = q̃_j S_n + Σ_{i≤j} A[j, i]
/// v_i, rows j0..j0+3 together.
void chunkOutputs(IB &b, const GLABuffers &g, const ChunkScratch &c,
                  const ValueBlock &vb, Value n) {
  auto [t0, len] = chunkSpan(b, g, c, n);
  Value kCol = mul(b, vb.h, idx(b, g.keyDim));
  Value zeroF = constF32(b, 0.0);
  SmallVector<Value> zeros(kSweepRows, splatF32(b, vb.type, 0));
  Value groups = arith::CeilDivUIOp::create(b, len, idx(b, kSweepRows));
  forRange(b, idx(b, 0), groups, [&](IB &jb, Value grp) {
    Value j0 = mul(jb, grp, idx(jb, kSweepRows));
    SmallVector<Value> rows = groupRows(jb, j0, len);
    ValueRange inter = forCarry(
        jb, idx(jb, 0), idx(jb, g.keyDim), zeros,
        [&](IB &kb, Value k, ValueRange acc) {
          Value srow = chunkRow(kb, vb, c.entering, n, k);
          SmallVector<Value> next;
          for (int64_t r = 0; r < kSweepRows; ++r) {
            Value q = scalarAt(kb, c.qt,
                               {vb.b, add(kb, t0, rows[r]), add(kb, kCol, k)});
            next.push_back(
                vector::FMAOp::create(kb, splat(kb, vb.type, q), srow, acc[r]));
          }
          return next;
        });
    ValueRange out = forCarry(
        jb, idx(jb, 0), add(jb, rows.back(), idx(jb, 1)), inter,
        [&](IB &ib, Value i, ValueRange acc) {
          Value vrow = vb.load(ib, g.v, {vb.b, add(ib, t0, i), vb.vIn});
          SmallVector<Value> next;
          for (int64_t r = 0; r < kSweepRows; ++r) {
            // A is written for i ≤ j only.
            Value a = scalarAt(ib, c.scores, {vb.b, vb.h, n, rows[r], i});
            Value causal = cmp(ib, CmpIPredicate::ule, i, rows[r]);
            a = arith::SelectOp::create(ib, causal, a, zeroF);
            next.push_back(
                vector::FMAOp::create(ib, splat(ib, vb.type, a), vrow, acc[r]));
          }
          return next;
        });
    for (int64_t r = 0; r < kSweepRows; ++r) {
      Value row = add(jb, j0, idx(jb, r));
      ifThen(jb, cmp(jb, CmpIPredicate::ult, row, len), [&](IB &sb) {
        vb.store(sb, out[r], g.o, ValueRange{vb.b, add(sb, t0, row), vb.vCol});
      });
    }
  });
}

/// parallel over (batch, head, chunk, value block).
void forEachChunkBlock(
    TensorBuilder &b, const GLABuffers &g, Value chunks,
    const std::function<void(IB &, const ValueBlock &, Value)> &fn) {
  int64_t blocks = (g.valueDim + kValueLanes - 1) / kValueLanes;
  parallelGrid(b, {g.batch, b.index(g.heads), chunks, b.index(blocks)},
               [&](IB &ib, ValueRange ivs) {
                 ValueBlock vb = valueBlock(ib, g, ivs[0], ivs[1], ivs[3]);
                 fn(ib, vb, ivs[2]);
               });
}

void chunkwise(TensorBuilder &b, GLABuffers g, int64_t chunk, int64_t sub) {
  Value chunks = arith::CeilDivUIOp::create(b, g.steps, b.index(chunk));
  Value width = b.index(g.heads * g.keyDim);
  Value heads = b.index(g.heads), keys = b.index(g.keyDim);
  g.state = allocBuffer(
      b, {g.batch, heads, b.index((g.valueDim + kValueLanes - 1) / kValueLanes),
          keys, b.index(kValueLanes)});
  ChunkScratch c;
  c.chunk = chunk;
  c.sub = sub;
  c.qt = allocBuffer(b, {g.batch, g.steps, width});
  c.kt = allocBuffer(b, {g.batch, g.steps, width});
  c.cum = allocBuffer(b, {g.batch, g.steps, width});
  c.qz = allocBuffer(b, {g.batch, g.steps, width});
  c.decay = allocBuffer(b, {g.batch, heads, chunks, keys});
  c.scores =
      allocBuffer(b, {g.batch, heads, chunks, b.index(chunk), b.index(chunk)});
  c.own = allocBuffer(b, {g.batch, heads, chunks, keys, b.index(g.valueDim)});
  c.entering =
      allocBuffer(b, {g.batch, heads, chunks, keys, b.index(g.valueDim)});
  parallelGrid(b, {g.batch, heads, chunks}, [&](IB &ib, ValueRange ivs) {
    chunkPrologue(ib, g, c, ivs[0], ivs[1], ivs[2]);
  });
  forEachChunkBlock(b, g, chunks, [&](IB &ib, const ValueBlock &vb, Value n) {
    chunkState(ib, g, c, vb, n);
  });
  forEachValueBlock(b, g, [&](IB &ib, const ValueBlock &vb) {
    passStates(ib, g, c, vb, chunks);
  });
  forEachChunkBlock(b, g, chunks, [&](IB &ib, const ValueBlock &vb, Value n) {
    chunkOutputs(ib, g, c, vb, n);
  });
}

} // namespace

Results seqc::buildGLACore(TensorBuilder &b, Value q, Value k, Value v, Value g,
                           Value s0, int64_t heads, double scale,
                           double gateNorm, GLAForm form,
                           ArrayRef<int64_t> offsets) {
  // With offsets, q/k/v/g sit side by side in wider rows, and the key and
  // value widths are offsets[4] and offsets[5].
  int64_t kd = offsets.empty()
                   ? cast<RankedTensorType>(q.getType()).getDimSize(2) / heads
                   : offsets[4] / heads;
  int64_t vd = offsets.empty()
                   ? cast<RankedTensorType>(v.getType()).getDimSize(2) / heads
                   : offsets[5] / heads;
  GLABuffers buf;
  buf.batch = b.dim(q, 0);
  buf.steps = b.dim(q, 1);
  buf.heads = heads;
  buf.keyDim = kd;
  buf.valueDim = vd;
  buf.scale = scale;
  buf.gateNorm = gateNorm;
  if (!offsets.empty()) {
    buf.qOff = offsets[0];
    buf.kOff = offsets[1];
    buf.vOff = offsets[2];
    buf.gOff = offsets[3];
  }
  buf.q = readBuffer(b, q);
  buf.k = readBuffer(b, k);
  buf.v = readBuffer(b, v);
  buf.g = readBuffer(b, g);
  buf.s0 = s0 ? readBuffer(b, s0) : Value();
  buf.o = allocBuffer(b, {buf.batch, buf.steps, b.index(heads * vd)});
  buf.s = allocBuffer(b, {buf.batch, b.index(heads), b.index(kd), b.index(vd)});
  buf.stateVK = form.stateVK;
  buf.perHeadKeys = form.perHeadKeys;
  if (form.chunk <= 0) {
    recurrent(b, buf);
  } else {
    // Below one chunk (decode: T = 1), the recurrent form: no scratch, no
    // scores.
    Value full = cmp(b, CmpIPredicate::uge, buf.steps, b.index(form.chunk));
    scf::IfOp::create(
        b, full,
        [&](OpBuilder &tb, Location loc) {
          TensorBuilder ib(loc, tb);
          chunkwise(ib, buf, form.chunk, form.sub);
          scf::YieldOp::create(ib);
        },
        [&](OpBuilder &eb, Location loc) {
          TensorBuilder ib(loc, eb);
          recurrent(ib, buf);
          scf::YieldOp::create(ib);
        });
  }
  return {bufferTensor(b, buf.o), bufferTensor(b, buf.s)};
}
