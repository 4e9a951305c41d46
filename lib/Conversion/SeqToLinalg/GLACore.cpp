//===- GLACore.cpp - gla_core, recurrent and chunkwise
//---------------------===//
//
// Every column of v runs its own recurrence through S[:, v], so both forms
// are parallel over (batch, head, blocks of 16 value columns) and keep a
// block's state S[K, 16] in a small local buffer.
//
// Recurrent (decode, and anything below one chunk): per step and key row
// k, S[k] = e^{g_k} S[k] + k_k v and o += scale·q_k S[k].
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
#include "GraphLoops.h"
#include "Lowering.h"
#include "VectorLoops.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace seqc;
using namespace seqc::graph;
using arith::CmpIPredicate;

namespace {

constexpr int64_t kValueLanes = 16;

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
  scf::ParallelOp::create(
      b, ValueRange{b.index(0), b.index(0), b.index(0)},
      ValueRange{g.batch, b.index(g.heads), b.index(blocks)},
      ValueRange{b.index(1), b.index(1), b.index(1)},
      [&](OpBuilder &nested, Location loc, ValueRange ivs) {
        IB ib(loc, nested);
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

/// The decay e^{g} (of the gate's log decay), for every step, key column
/// and head: computed once, not once per value block.
Value decays(TensorBuilder &b, const GLABuffers &g) {
  int64_t width = g.heads * g.keyDim;
  Value d = allocBuffer(b, {g.batch, g.steps, b.index(width)});
  auto vt = VectorType::get({width}, b.getF32Type());
  scf::ParallelOp::create(
      b, ValueRange{b.index(0), b.index(0)}, ValueRange{g.batch, g.steps},
      ValueRange{b.index(1), b.index(1)},
      [&](OpBuilder &nested, Location loc, ValueRange ivs) {
        IB ib(loc, nested);
        SmallVector<Value> at{ivs[0], ivs[1], idx(ib, 0)};
        Value raw = vector::LoadOp::create(
            ib, vt, g.g, ValueRange{ivs[0], ivs[1], idx(ib, g.gOff)});
        vector::StoreOp::create(ib, math::ExpOp::create(ib, g.gate(ib, raw)), d,
                                at);
      });
  return d;
}

/// The recurrent form over steps [0, T).
void recurrent(TensorBuilder &b, const GLABuffers &g) {
  Value decay = decays(b, g);
  forEachValueBlock(b, g, [&](IB &ib, const ValueBlock &vb) {
    StateRows st = initialState(ib, g, vb);
    Value kCol = mul(ib, vb.h, idx(ib, g.keyDim));
    Value scale = constF32(ib, g.scale);
    Value zero = splatF32(ib, vb.type, 0);
    forRange(ib, idx(ib, 0), g.steps, [&](IB &tb, Value t) {
      Value vrow = vb.load(tb, g.v, ValueRange{vb.b, t, vb.vIn});
      Value out = forCarry(
          tb, idx(tb, 0), idx(tb, g.keyDim), {zero},
          [&](IB &kb, Value k, ValueRange acc) {
            Value col = add(kb, kCol, k);
            Value a = scalarAt(kb, decay, {vb.b, t, col});
            Value srow = vector::FMAOp::create(
                kb,
                splat(kb, vb.type,
                      scalarAt(kb, g.k,
                               {vb.b, t, add(kb, col, idx(kb, g.kOff))})),
                vrow,
                arith::MulFOp::create(kb, splat(kb, vb.type, a),
                                      st.load(kb, k)));
            st.store(kb, srow, k);
            Value qs = arith::MulFOp::create(
                kb, scalarAt(kb, g.q, {vb.b, t, add(kb, col, idx(kb, g.qOff))}),
                scale);
            return SmallVector<Value>{vector::FMAOp::create(
                kb, splat(kb, vb.type, qs), srow, acc[0])};
          })[0];
      vb.store(tb, out, g.o, ValueRange{vb.b, t, vb.vCol});
    });
    storeFinalState(ib, g, vb, st);
  });
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
  return vector::ReductionOp::create(b, vector::CombiningKind::ADD,
                                     arith::MulFOp::create(b, x, y));
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
  scf::ParallelOp::create(
      b, ValueRange{b.index(0), b.index(0), b.index(0), b.index(0)},
      ValueRange{g.batch, b.index(g.heads), chunks, b.index(blocks)},
      ValueRange{b.index(1), b.index(1), b.index(1), b.index(1)},
      [&](OpBuilder &nested, Location loc, ValueRange ivs) {
        IB ib(loc, nested);
        ValueBlock vb = valueBlock(ib, g, ivs[0], ivs[1], ivs[3]);
        fn(ib, vb, ivs[2]);
      });
}

void chunkwise(TensorBuilder &b, const GLABuffers &g, int64_t chunk,
               int64_t sub) {
  Value chunks = arith::CeilDivUIOp::create(b, g.steps, b.index(chunk));
  Value width = b.index(g.heads * g.keyDim);
  Value heads = b.index(g.heads), keys = b.index(g.keyDim);
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
  scf::ParallelOp::create(b, ValueRange{b.index(0), b.index(0), b.index(0)},
                          ValueRange{g.batch, heads, chunks},
                          ValueRange{b.index(1), b.index(1), b.index(1)},
                          [&](OpBuilder &nested, Location loc, ValueRange ivs) {
                            IB ib(loc, nested);
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

Results seqc::buildGLACore(TensorBuilder &b, Checks &checks, Value q, Value k,
                           Value v, Value g, Value s0, int64_t heads,
                           double scale, double gateNorm, int64_t chunk,
                           int64_t sub, const std::string &node,
                           ArrayRef<int64_t> offsets) {
  // With offsets, q/k/v/g sit side by side in wider rows, and the key and
  // value widths are offsets[4] and offsets[5].
  int64_t kd = offsets.empty()
                   ? cast<RankedTensorType>(q.getType()).getDimSize(2) / heads
                   : offsets[4] / heads;
  int64_t vd = offsets.empty()
                   ? cast<RankedTensorType>(v.getType()).getDimSize(2) / heads
                   : offsets[5] / heads;
  for (int64_t d : {0, 1}) {
    std::string what = d == 0 ? "batch" : "length";
    std::tie(q, k) = checks.sameDim(
        b, q, d, k, d, "node '" + node + "': " + what + " of q and k differ");
    std::tie(q, v) = checks.sameDim(
        b, q, d, v, d, "node '" + node + "': " + what + " of q and v differ");
    std::tie(q, g) = checks.sameDim(
        b, q, d, g, d, "node '" + node + "': " + what + " of q and g differ");
  }
  if (s0)
    std::tie(q, s0) = checks.sameDim(
        b, q, 0, s0, 0, "node '" + node + "': batch of q and s0 differ");
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
  buf.state = allocBuffer(b, {buf.batch, b.index(heads),
                              b.index((vd + kValueLanes - 1) / kValueLanes),
                              b.index(kd), b.index(kValueLanes)});
  if (chunk <= 0) {
    recurrent(b, buf);
  } else {
    // Below one chunk (decode: T = 1), the recurrent form: no scratch, no
    // scores.
    Value full = cmp(b, CmpIPredicate::uge, buf.steps, b.index(chunk));
    scf::IfOp::create(
        b, full,
        [&](OpBuilder &tb, Location loc) {
          TensorBuilder ib(loc, tb);
          chunkwise(ib, buf, chunk, sub);
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
