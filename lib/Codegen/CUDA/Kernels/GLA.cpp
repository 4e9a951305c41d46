//===- GLA.cpp - gla_core on the GPU: chunkwise and decode kernels --------===//
//
// CUDA's kernels for the "gla_core" call. The common body's chunkwise
// form is tensors whose chunks each become one GPU thread, with the pass
// along the chunks a host loop of launches. Here one launch: a block per
// (batch row, head, tile of `cols` value columns) carries its slice of the
// state S [K, cols] in workgroup memory along the whole sequence, a chunk
// of C steps at a time, six thread loops per chunk:
//   1. stage q, k and the gates g (normalized: log σ(g) / gate_norm) of
//      the chunk's steps, and v's tile (zeros past the sequence);
//   2. b_j = Σ_{i ≤ j} g_i per key dim, and b_last;
//   3. the intra-chunk scores A[j, i] = scale Σ_k q_jk k_ik e^{b_jk − b_ik}
//      for i ≤ j (the exponent per pair, ≤ 0 whatever the gates);
//   4. q̃ = scale·q e^{b}, k̂ = k e^{b_last − b} in place;
//   5. o_j = q̃_j S + Σ_{i ≤ j} A[j, i] v_i (S: the state before the chunk);
//   6. S = e^{b_last} ⊙ S + Σ_j k̂_jᵀ v_j.
// Every block recomputes its chunk's scores (C²·K) for its value tile;
// the products are K·C·cols each way. A decode step (T = 1, chosen at run
// time) and the recurrent form take a lighter kernel over the same blocks:
// per step, stage q_t, k_t, e^{g_t}, v_t; each thread updates its rows of
// S (S = e^{g} ⊙ S + k v) and sums q·S over them; one thread per column
// adds the partial sums. Key dims whose chunk does not fit the workgroup
// memory keep the common body. The GLA layer's norm and gate after the
// core are a kernel too: a block per row, a head's squares summed by 32
// threads.
//
// With bf16 products (--precision=bf16), chunks of 16 and K a multiple of
// 16, where the buffers fit (K = 64 with 32 columns; K = 128 with 16 and
// q, k staged as bf16 too), steps 5 and 6 are tensor-core tiles
// (seq-cuda-warp-mma): v is staged as bf16, step 3 stages the scores and
// step 4 q̃ and k̂ᵀ as bf16, with a bf16 copy of S before the chunk (then
// S scaled by e^{b_last} in place); the block's eight warps then compute
// o = q̃ S + A v (four warps) and S += k̂ᵀ v (four warps) at once, and a
// seventh thread loop writes the outputs. The scores are summed in f32
// (an exponent per pair) and rounded as an operand; the state stays f32
// (rounded only as the outputs' operand).
//
//===----------------------------------------------------------------------===//
#include "CUDAKernels.h"
#include "Lanes.h"
#include "lib/Codegen/CUDA/LibraryGemm.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace seqc::loops;

namespace seqc {

namespace {

using IB = ImplicitLocOpBuilder;
using Values = SmallVector<Value>;

/// Threads per block.
constexpr int64_t kThreads = 256;
/// The most workgroup memory a block's buffers take (static shared
/// memory ends at 48 KiB).
constexpr int64_t kSharedBytes = 46 * 1024;

/// Warps per block (kThreads / 32): half of them the chunk's outputs,
/// half its state update with tensor-core tiles.
constexpr int64_t kWarps = kThreads / 32, kHalfWarps = kWarps / 2;
/// Rows of bf16 staging buffers are padded by 8 elements (16 bytes).
constexpr int64_t kBF16Pad = 8;
/// The tensor-core tiles' steps per chunk (mma.sync's depth).
constexpr int64_t kMMAChunk = 16;

/// The blocks' shape: steps per chunk, value columns per block (the
/// threads' x; kThreads / cols their y), whether the chunk's products are
/// tensor-core tiles, and whether q and k are then staged as bf16 too
/// (where f32 ones do not fit: the scores' rounding adds up in a GLA
/// layer's per-head norm).
struct GLATile {
  int64_t chunk, cols;
  bool mma = false, bf16Keys = false;

  int64_t rows() const { return kThreads / cols; }
  /// Bytes of workgroup memory for key dim `k`: the cumulative gates,
  /// b_last, the state; q and k (f32, or bf16 with q̃ in place of q); then
  /// f32 v and scores, or the tiles' bf16 operands (q̃, k̂ᵀ, S, the scores,
  /// v; rows padded) and f32 outputs.
  int64_t bytes(int64_t k) const {
    int64_t pad = kBF16Pad;
    int64_t shared =
        4 * (chunk * (k + 1) + k + k * cols) +
        (bf16Keys ? 2 * 2 * chunk * (k + pad) : 4 * 2 * chunk * (k + 1));
    if (!mma)
      return shared + 4 * (chunk * cols + chunk * chunk);
    return shared + 4 * chunk * cols +
           2 * ((bf16Keys ? 0 : chunk * (k + pad)) + k * (chunk + pad) +
                k * (cols + pad) + chunk * (chunk + pad) +
                chunk * (cols + pad));
  }
  /// The tile for key dim `k`, value dim `v` and at most `chunk` steps.
  /// With `bf16` products, chunks of 16 and k a multiple of 16: tensor-core
  /// tiles of 32 or 16 value columns where their buffers fit, f32 q and k
  /// first (K = 64: 32 columns; K = 128: bf16 q and k, 16 columns). Else
  /// cols the power of two covering v up to 32, then the chunk and the
  /// columns halved (to 8 each) until the buffers fit; none past that.
  static std::optional<GLATile> of(int64_t k, int64_t v, int64_t chunk,
                                   bool bf16) {
    GLATile t{chunk, 1};
    while (t.cols < std::min<int64_t>(v, 32))
      t.cols *= 2;
    if (bf16 && chunk == kMMAChunk && k % 16 == 0 && t.cols >= 16)
      for (bool keys : {false, true}) {
        GLATile m{chunk, t.cols, true, keys};
        while (m.bytes(k) > kSharedBytes && m.cols > 16)
          m.cols /= 2;
        if (m.bytes(k) <= kSharedBytes)
          return m;
      }
    while (t.bytes(k) > kSharedBytes && t.chunk > 8)
      t.chunk = std::max<int64_t>(8, t.chunk / 2);
    while (t.bytes(k) > kSharedBytes && t.cols > 8)
      t.cols /= 2;
    if (t.bytes(k) > kSharedBytes)
      return std::nullopt;
    return t;
  }
};

Value div(IB &ib, Value a, int64_t c) {
  return arith::DivUIOp::create(ib, a, idx(ib, c));
}
Value rem(IB &ib, Value a, int64_t c) {
  return arith::RemUIOp::create(ib, a, idx(ib, c));
}
Value addF(IB &ib, Value a, Value c) { return arith::AddFOp::create(ib, a, c); }
Value mulF(IB &ib, Value a, Value c) { return arith::MulFOp::create(ib, a, c); }
Value fma(IB &ib, Value a, Value c, Value d) {
  return math::FmaOp::create(ib, a, c, d);
}
Value expF(IB &ib, Value x) { return math::ExpOp::create(ib, x); }

/// Σ over i in [from, to) by `step` of `term(i)`, from `init`.
Value sum(IB &ib, Value from, Value to, int64_t step, Value init,
          function_ref<Value(IB &, Value i, Value acc)> term) {
  return forCarry(
      ib, from, to, {init},
      [&](IB &lb, Value i, ValueRange acc) -> Values {
        return {term(lb, i, acc[0])};
      },
      step)[0];
}

/// gla_core's operands: q, k, v, g [B, T, width] buffers whose head h's
/// dims sit at columns offset + h·dim + i, the initial state, the sizes.
struct Operands {
  Value q, k, v, g, s0;
  int64_t qOff = 0, kOff = 0, vOff = 0, gOff = 0;
  int64_t heads, keyDim, valueDim;
  double scale, gateNorm;
};

/// The kernels of one call: both build the same outputs (o [B, T, H·V],
/// S [B, H, K, V]) over the same blocks.
class GLAKernels {
public:
  GLAKernels(const Operands &in, GLATile tile) : in(in), tile(tile) {}

  /// The chunkwise kernel (see the file comment) at `b`.
  Results chunkwise(TensorBuilder &b) {
    Value chunks = arith::CeilDivUIOp::create(b, steps(b), b.index(tile.chunk));
    return build(b, [&](IB &kb) {
      int64_t c = tile.chunk, keys = in.keyDim, cols = tile.cols;
      // q and k in f32 (rows padded by a word), or bf16 (by 16 bytes).
      Type bf16 = kb.getBF16Type();
      int64_t pad = kBF16Pad;
      Value qs = tile.bf16Keys ? workgroupBuffer(kb, {c, keys + pad}, bf16)
                               : workgroupBuffer(kb, {c, keys + 1});
      Value ks = tile.bf16Keys ? workgroupBuffer(kb, {c, keys + pad}, bf16)
                               : workgroupBuffer(kb, {c, keys + 1});
      Value cum = workgroupBuffer(kb, {c, keys + 1});
      // f32 v and scores, or the tiles' bf16 operands (q̃ in place of bf16
      // q) and f32 outputs.
      Value vs, scores, qt = qs, kt, st, outs;
      if (tile.mma) {
        if (!tile.bf16Keys)
          qt = workgroupBuffer(kb, {c, keys + pad}, bf16);
        kt = workgroupBuffer(kb, {keys, c + pad}, bf16); // k̂ᵀ
        st = workgroupBuffer(kb, {keys, cols + pad}, bf16);
        scores = workgroupBuffer(kb, {c, c + pad}, bf16);
        vs = workgroupBuffer(kb, {c, cols + pad}, bf16);
        outs = workgroupBuffer(kb, {c, cols});
      } else {
        vs = workgroupBuffer(kb, {c, cols});
        scores = workgroupBuffer(kb, {c, c});
      }
      Value last = workgroupBuffer(kb, {keys});
      forRange(
          kb, idx(kb, 0), chunks,
          [&](IB &lb, Value ci) {
            Value t0 = mul(lb, ci, idx(lb, c));
            // 1. Stage the chunk.
            threads(lb, [&](IB &ib, Value x, Value y, Value id) {
              strided(ib, id, c * keys, [&](IB &eb, Value e) {
                Value j = div(eb, e, keys), i = rem(eb, e, keys);
                Value t = add(eb, t0, j);
                Value inside = below(eb, t, T);
                // q and k (as the buffers hold them), zeros past T.
                auto stageKey = [&](Value from, int64_t offset, Value to) {
                  Value value = loadOrZero(eb, inside, [&](IB &l) {
                    return key(l, from, offset, t, i);
                  });
                  store(eb, stagedKey(eb, value), to, {j, i});
                };
                stageKey(q, in.qOff, qs);
                stageKey(k, in.kOff, ks);
                store(eb,
                      loadOrZero(eb, inside,
                                 [&](IB &l) { return gate(l, t, i); }),
                      cum, {j, i});
              });
              strided(ib, id, c * cols, [&](IB &eb, Value e) {
                Value j = div(eb, e, cols), x = rem(eb, e, cols);
                store(eb, staged(eb, value(eb, add(eb, t0, j), x)), vs, {j, x});
                if (tile.mma)
                  store(eb, constF32(eb, 0), outs, {j, x});
              });
            });
            // 2. The gates' cumulative sums.
            threads(lb, [&](IB &ib, Value, Value, Value id) {
              strided(ib, id, keys, [&](IB &eb, Value i) {
                Value total =
                    sum(eb, idx(eb, 0), idx(eb, c), 1, constF32(eb, 0),
                        [&](IB &sb, Value j, Value r) {
                          Value next = addF(sb, r, load(sb, cum, {j, i}));
                          store(sb, next, cum, {j, i});
                          return next;
                        });
                store(eb, total, last, {i});
              });
            });
            // 3. The intra-chunk scores.
            threads(lb, [&](IB &ib, Value, Value, Value id) {
              strided(ib, id, c * c, [&](IB &eb, Value e) {
                Value j = div(eb, e, c), i = rem(eb, e, c);
                Value causal =
                    arith::CmpIOp::create(eb, arith::CmpIPredicate::ule, i, j);
                Value a = loadOrZero(eb, causal, [&](IB &sb) {
                  Value dot = sum(
                      sb, idx(sb, 0), idx(sb, keys), 1, constF32(sb, 0),
                      [&](IB &db, Value d, Value acc) {
                        Value decay = expF(
                            db, arith::SubFOp::create(db, load(db, cum, {j, d}),
                                                      load(db, cum, {i, d})));
                        return fma(db,
                                   mulF(db, widened(db, load(db, qs, {j, d})),
                                        widened(db, load(db, ks, {i, d}))),
                                   decay, acc);
                      });
                  return mulF(sb, constF32(sb, in.scale), dot);
                });
                store(eb, staged(eb, a), scores, {j, i});
              });
            });
            // 4. q̃ = scale·q e^{b}, k̂ = k e^{b_last − b} (in place, or
            // the tiles' q̃ and k̂ᵀ; then also their S before the chunk,
            // and the state scaled by e^{b_last}).
            threads(lb, [&](IB &ib, Value, Value, Value id) {
              strided(ib, id, c * keys, [&](IB &eb, Value e) {
                Value j = div(eb, e, keys), i = rem(eb, e, keys);
                Value b = load(eb, cum, {j, i});
                Value qTilde = mulF(eb,
                                    mulF(eb, constF32(eb, in.scale),
                                         widened(eb, load(eb, qs, {j, i}))),
                                    expF(eb, b));
                Value kHat = mulF(eb, widened(eb, load(eb, ks, {j, i})),
                                  expF(eb, arith::SubFOp::create(
                                               eb, load(eb, last, {i}), b)));
                store(eb, staged(eb, qTilde), qt, {j, i});
                if (tile.mma)
                  store(eb, staged(eb, kHat), kt, {i, j});
                else
                  store(eb, kHat, ks, {j, i});
              });
              if (tile.mma)
                strided(ib, id, keys * cols, [&](IB &eb, Value e) {
                  Value d = div(eb, e, cols), x = rem(eb, e, cols);
                  Value s = load(eb, state, {d, x});
                  store(eb, staged(eb, s), st, {d, x});
                  store(eb, mulF(eb, expF(eb, load(eb, last, {d})), s), state,
                        {d, x});
                });
            });
            if (tile.mma) {
              chunkTiles(lb, qt, kt, st, scores, vs, outs);
              // 7. The chunk's outputs.
              threads(lb, [&](IB &ib, Value x, Value y, Value) {
                forRange(
                    ib, y, idx(ib, c),
                    [&](IB &jb, Value j) {
                      writeOutput(jb, load(jb, outs, {j, x}), add(jb, t0, j),
                                  x);
                    },
                    tile.rows());
              });
              return;
            }
            // 5. The chunk's outputs, with S before the chunk.
            threads(lb, [&](IB &ib, Value x, Value y, Value) {
              forRange(
                  ib, y, idx(ib, c),
                  [&](IB &jb, Value j) {
                    Value o =
                        sum(jb, idx(jb, 0), idx(jb, keys), 1, constF32(jb, 0),
                            [&](IB &db, Value d, Value acc) {
                              return fma(db, load(db, qs, {j, d}),
                                         load(db, state, {d, x}), acc);
                            });
                    o = sum(jb, idx(jb, 0), add(jb, j, idx(jb, 1)), 1, o,
                            [&](IB &db, Value i, Value acc) {
                              return fma(db, load(db, scores, {j, i}),
                                         load(db, vs, {i, x}), acc);
                            });
                    writeOutput(jb, o, add(jb, t0, j), x);
                  },
                  tile.rows());
            });
            // 6. S = e^{b_last} ⊙ S + Σ_j k̂_jᵀ v_j.
            threads(lb, [&](IB &ib, Value x, Value y, Value) {
              forRange(
                  ib, y, idx(ib, keys),
                  [&](IB &db, Value d) {
                    Value s = mulF(db, expF(db, load(db, last, {d})),
                                   load(db, state, {d, x}));
                    s = sum(db, idx(db, 0), idx(db, c), 1, s,
                            [&](IB &jb, Value j, Value acc) {
                              return fma(jb, load(jb, ks, {j, d}),
                                         load(jb, vs, {j, x}), acc);
                            });
                    store(db, s, state, {d, x});
                  },
                  tile.rows());
            });
          },
          1);
    });
  }

  /// The step-by-step kernel (decode and the recurrent form) at `b`.
  Results stepwise(TensorBuilder &b) {
    return build(b, [&](IB &kb) {
      int64_t keys = in.keyDim, cols = tile.cols, rows = tile.rows();
      Value qs = workgroupBuffer(kb, {keys});
      Value ks = workgroupBuffer(kb, {keys});
      Value decay = workgroupBuffer(kb, {keys});
      Value vs = workgroupBuffer(kb, {cols});
      Value partial = workgroupBuffer(kb, {rows, cols});
      forRange(
          kb, idx(kb, 0), T,
          [&](IB &lb, Value t) {
            threads(lb, [&](IB &ib, Value x, Value y, Value id) {
              strided(ib, id, keys, [&](IB &eb, Value i) {
                store(
                    eb,
                    mulF(eb, constF32(eb, in.scale), key(eb, q, in.qOff, t, i)),
                    qs, {i});
                store(eb, key(eb, k, in.kOff, t, i), ks, {i});
                store(eb, expF(eb, gate(eb, t, i)), decay, {i});
              });
              strided(ib, id, cols, [&](IB &eb, Value x) {
                store(eb, value(eb, t, x), vs, {x});
              });
            });
            threads(lb, [&](IB &ib, Value x, Value y, Value) {
              Value v = load(ib, vs, {x});
              Value part = sum(ib, y, idx(ib, keys), rows, constF32(ib, 0),
                               [&](IB &db, Value d, Value acc) {
                                 Value s = fma(db, load(db, decay, {d}),
                                               load(db, state, {d, x}),
                                               mulF(db, load(db, ks, {d}), v));
                                 store(db, s, state, {d, x});
                                 return fma(db, load(db, qs, {d}), s, acc);
                               });
              store(ib, part, partial, {y, x});
            });
            threads(lb, [&](IB &ib, Value x, Value y, Value) {
              Value first = arith::CmpIOp::create(ib, arith::CmpIPredicate::eq,
                                                  y, idx(ib, 0));
              ifThen(ib, first, [&](IB &eb) {
                Value o = sum(eb, idx(eb, 0), idx(eb, rows), 1, constF32(eb, 0),
                              [&](IB &sb, Value r, Value acc) {
                                return addF(sb, acc, load(sb, partial, {r, x}));
                              });
                writeOutput(eb, o, t, x);
              });
            });
          },
          1);
    });
  }

private:
  using ThreadBody = function_ref<void(IB &, Value x, Value y, Value id)>;

  /// `value` as the chunk's staging buffers hold it: bf16 with tensor-core
  /// tiles.
  Value staged(IB &ib, Value value) {
    return tile.mma ? toBF16(ib, ib.getLoc(), value) : value;
  }
  /// `value` as the chunk's q and k buffers hold it.
  Value stagedKey(IB &ib, Value value) {
    return tile.bf16Keys ? toBF16(ib, ib.getLoc(), value) : value;
  }
  /// A staged value as f32.
  Value widened(IB &ib, Value value) {
    if (value.getType().isF32())
      return value;
    return arith::ExtFOp::create(ib, ib.getF32Type(), value);
  }

  /// Steps 5 and 6 as tensor-core tiles, the block's warps in halves:
  /// the first the outputs o = q̃ S + A v (8 columns per warp at a time),
  /// the second the state update S += k̂ᵀ v (16 key rows per warp at a
  /// time; S already scaled by e^{b_last}).
  void chunkTiles(IB &lb, Value qt, Value kt, Value st, Value scores, Value vs,
                  Value outs) {
    int64_t c = tile.chunk, keys = in.keyDim, cols = tile.cols;
    warpLoop(lb, kWarps, [&](IB &wb, Value w) {
      OpFoldResult zero = wb.getIndexAttr(0);
      Value outputs = below(wb, w, idx(wb, kHalfWarps));
      scf::IfOp::create(
          wb, outputs,
          [&](OpBuilder &ob, Location loc) {
            IB tb(loc, ob);
            forRange(
                tb, mul(tb, w, idx(tb, 8)), idx(tb, cols),
                [&](IB &nb, Value n0) {
                  // The views in order (an argument list's is not).
                  Value o = tileView(nb, outs, zero, n0, c, 8);
                  Value s = tileView(nb, st, zero, n0, keys, 8);
                  warpTileProduct(nb, tileView(nb, qt, zero, zero, c, keys), s,
                                  o);
                  Value v = tileView(nb, vs, zero, n0, c, 8);
                  warpTileProduct(nb, tileView(nb, scores, zero, zero, c, c), v,
                                  o);
                },
                8 * kHalfWarps);
            scf::YieldOp::create(tb);
          },
          [&](OpBuilder &ob, Location loc) {
            IB tb(loc, ob);
            Value half = arith::SubIOp::create(tb, w, idx(tb, kHalfWarps));
            forRange(
                tb, mul(tb, half, idx(tb, 16)), idx(tb, keys),
                [&](IB &mb, Value m0) {
                  Value s = tileView(mb, state, m0, zero, 16, cols);
                  Value v = tileView(mb, vs, zero, zero, c, cols);
                  warpTileProduct(mb, tileView(mb, kt, m0, zero, 16, c), v, s);
                },
                16 * kHalfWarps);
            scf::YieldOp::create(tb);
          });
    });
  }

  Value steps(TensorBuilder &b) { return b.dim(in.q, 1); }

  /// The outputs over the blocks, `body` between the state's load and
  /// store.
  Results build(TensorBuilder &b, function_ref<void(IB &)> body) {
    Value batch = b.dim(in.q, 0);
    T = steps(b);
    Values buffers = readBuffers(b, {in.q, in.k, in.v, in.g, in.s0});
    q = buffers[0], k = buffers[1], v = buffers[2], g = buffers[3];
    s0 = buffers[4];
    int64_t width = in.heads * in.valueDim;
    out = allocBuffer(b, {batch, T, b.index(width)});
    finalState = allocBuffer(b, {batch, b.index(in.heads), b.index(in.keyDim),
                                 b.index(in.valueDim)});
    int64_t colTiles = (in.valueDim + tile.cols - 1) / tile.cols;
    Value blocks =
        arith::MulIOp::create(b, batch, b.index(in.heads * colTiles));
    auto grid = blockLoop(b, blocks);
    IB &kb = grid.first;
    Value block = grid.second;
    Value rest = div(kb, block, colTiles);
    col0 = mul(kb, rem(kb, block, colTiles), idx(kb, tile.cols));
    head = rem(kb, rest, in.heads);
    bi = div(kb, rest, in.heads);
    state = workgroupBuffer(kb, {in.keyDim, tile.cols});
    int64_t elements = in.keyDim * tile.cols;
    threads(kb, [&](IB &ib, Value, Value, Value id) {
      strided(ib, id, elements, [&](IB &eb, Value e) {
        Value d = div(eb, e, tile.cols), x = rem(eb, e, tile.cols);
        Value col = add(eb, col0, x);
        Value inside = below(eb, col, idx(eb, in.valueDim));
        Value s = s0 ? loadOrZero(eb, inside,
                                  [&](IB &l) {
                                    return load(l, s0, {bi, head, d, col});
                                  })
                     : constF32(eb, 0);
        store(eb, s, state, {d, x});
      });
    });
    body(kb);
    threads(kb, [&](IB &ib, Value, Value, Value id) {
      strided(ib, id, elements, [&](IB &eb, Value e) {
        Value d = div(eb, e, tile.cols), x = rem(eb, e, tile.cols);
        Value col = add(eb, col0, x);
        ifThen(eb, below(eb, col, idx(eb, in.valueDim)), [&](IB &sb) {
          store(sb, load(sb, state, {d, x}), finalState, {bi, head, d, col});
        });
      });
    });
    return {bufferTensor(b, out), bufferTensor(b, finalState)};
  }

  /// A thread loop over the block's threads (x: value column, y: row).
  void threads(IB &kb, ThreadBody body) {
    threadLoop(kb, tile.cols, tile.rows(), [&](IB &ib, Value x, Value y) {
      body(ib, x, y, add(ib, mul(ib, y, idx(ib, tile.cols)), x));
    });
  }
  /// `body(e)` for the thread's elements e ≡ id (mod threads) below n.
  void strided(IB &ib, Value id, int64_t n, const LoopBody &body) {
    forRange(ib, id, idx(ib, n), body, kThreads);
  }

  /// Key dim i of head `head` at step t of `buffer` (q or k).
  Value key(IB &ib, Value buffer, int64_t offset, Value t, Value i) {
    Value col =
        add(ib, idx(ib, offset), add(ib, mul(ib, head, idx(ib, in.keyDim)), i));
    return load(ib, buffer, {bi, t, col});
  }
  /// The gate at (t, i), normalized where the call says.
  Value gate(IB &ib, Value t, Value i) {
    Value x = key(ib, g, in.gOff, t, i);
    if (in.gateNorm == 0)
      return x;
    return arith::DivFOp::create(ib, logSigmoid(ib, x),
                                 constF32(ib, in.gateNorm));
  }
  /// Column x of the block's value tile at step t, 0 outside.
  Value value(IB &ib, Value t, Value x) {
    Value col = add(ib, col0, x);
    Value inside = arith::AndIOp::create(ib, below(ib, t, T),
                                         below(ib, col, idx(ib, in.valueDim)));
    return loadOrZero(ib, inside, [&](IB &lb) {
      Value at = add(lb, idx(lb, in.vOff),
                     add(lb, mul(lb, head, idx(lb, in.valueDim)), col));
      return load(lb, v, {bi, t, at});
    });
  }
  /// o at step t, column x of the tile, where both are inside.
  void writeOutput(IB &ib, Value o, Value t, Value x) {
    Value col = add(ib, col0, x);
    Value inside = arith::AndIOp::create(ib, below(ib, t, T),
                                         below(ib, col, idx(ib, in.valueDim)));
    ifThen(ib, inside, [&](IB &lb) {
      Value at = add(lb, mul(lb, head, idx(lb, in.valueDim)), col);
      store(lb, o, out, {bi, t, at});
    });
  }

  const Operands &in;
  GLATile tile;
  Value T, q, k, v, g, s0, out, finalState;
  Value bi, head, col0, state; ///< the block's batch row, head, first column
};

/// The GLA layer's epilogue: y = rms_norm(o_h) ⊙ w ⊙ silu(gate) per head
/// (the common body's formula), a block per (batch row, step) of
/// kThreads threads as 32 columns × 8 heads: each thread sums the squares
/// of its head's columns ≡ x (mod 32) (a warp reads a head's row in
/// order), a thread per head adds its 32 partial sums into 1/rms, then
/// every thread writes its share of the row.
Value normGateKernel(TensorBuilder &b, Value oTensor, Value fusedTensor,
                     Value wTensor, int64_t heads, int64_t gateCol,
                     double eps) {
  constexpr int64_t kCols = 32, kHeadRows = kThreads / kCols;
  int64_t width = cast<ShapedType>(oTensor.getType()).getDimSize(2);
  int64_t vd = width / heads;
  Value batch = b.dim(oTensor, 0), steps = b.dim(oTensor, 1);
  Values in = readBuffers(b, {oTensor, fusedTensor, wTensor});
  Value o = in[0], fused = in[1], w = in[2];
  Value y = allocBuffer(b, {batch, steps, b.index(width)});
  auto grid = blockLoop(b, arith::MulIOp::create(b, batch, steps));
  IB &kb = grid.first;
  Value bi = arith::DivUIOp::create(kb, grid.second, steps);
  Value t = arith::RemUIOp::create(kb, grid.second, steps);
  Value part = workgroupBuffer(kb, {heads, kCols});
  Value inverse = workgroupBuffer(kb, {heads});
  auto thread = [&](function_ref<void(IB &, Value, Value, Value)> body) {
    threadLoop(kb, kCols, kHeadRows, [&](IB &ib, Value x, Value h) {
      body(ib, x, h, add(ib, mul(ib, h, idx(ib, kCols)), x));
    });
  };
  thread([&](IB &ib, Value x, Value h0, Value) {
    forRange(
        ib, h0, idx(ib, heads),
        [&](IB &hb, Value h) {
          Value base = mul(hb, h, idx(hb, vd));
          Value squares =
              sum(hb, x, idx(hb, vd), kCols, constF32(hb, 0),
                  [&](IB &sb, Value d, Value acc) {
                    Value v = load(sb, o, {bi, t, add(sb, base, d)});
                    return fma(sb, v, v, acc);
                  });
          store(hb, squares, part, {h, x});
        },
        kHeadRows);
  });
  thread([&](IB &ib, Value, Value, Value id) {
    forRange(
        ib, id, idx(ib, heads),
        [&](IB &hb, Value h) {
          Value total = sum(hb, idx(hb, 0), idx(hb, kCols), 1, constF32(hb, 0),
                            [&](IB &sb, Value x, Value acc) {
                              return addF(sb, acc, load(sb, part, {h, x}));
                            });
          Value mean = mulF(hb, total, constF32(hb, 1.0 / double(vd)));
          store(hb,
                math::RsqrtOp::create(hb, addF(hb, mean, constF32(hb, eps))),
                inverse, {h});
        },
        kThreads);
  });
  thread([&](IB &ib, Value, Value, Value id) {
    forRange(
        ib, id, idx(ib, width),
        [&](IB &eb, Value c) {
          Value h = div(eb, c, vd), d = rem(eb, c, vd);
          Value gate = load(eb, fused, {bi, t, add(eb, idx(eb, gateCol), c)});
          Value norm =
              mulF(eb, load(eb, o, {bi, t, c}), load(eb, inverse, {h}));
          store(eb, mulF(eb, mulF(eb, norm, load(eb, w, {d})), silu(eb, gate)),
                y, {bi, t, c});
        },
        kThreads);
  });
  return bufferTensor(b, y);
}

} // namespace

FailureOr<Results> lowerGLANormGate(TensorBuilder &b, DictionaryAttr kernel,
                                    ValueRange operands) {
  int64_t heads = kernel.getAs<IntegerAttr>("heads").getInt();
  // Its buffers: 33 words per head.
  if (heads * 33 * 4 > kSharedBytes ||
      ShapedType::isDynamic(
          cast<ShapedType>(operands[0].getType()).getDimSize(2)))
    return failure();
  return Results{
      normGateKernel(b, operands[0], operands[1], operands[2], heads,
                     kernel.getAs<IntegerAttr>("gate_column").getInt(),
                     kernel.getAs<FloatAttr>("eps").getValueAsDouble())};
}

FailureOr<Results> lowerGLACore(TensorBuilder &b, DictionaryAttr kernel,
                                ValueRange operands) {
  auto real = [&](StringRef key) {
    return kernel.getAs<FloatAttr>(key).getValueAsDouble();
  };
  Operands in;
  in.q = operands[0], in.k = operands[1], in.v = operands[2];
  in.g = operands[3];
  in.s0 = operands.size() == 5 ? operands[4] : Value();
  in.heads = kernel.getAs<IntegerAttr>("heads").getInt();
  in.scale = real("scale");
  in.gateNorm = real("gate_norm");
  int64_t keys = cast<ShapedType>(in.q.getType()).getDimSize(2);
  int64_t values = cast<ShapedType>(in.v.getType()).getDimSize(2);
  if (auto offsets = kernel.getAs<DenseI64ArrayAttr>("offsets")) {
    ArrayRef<int64_t> o = offsets.asArrayRef();
    in.qOff = o[0], in.kOff = o[1], in.vOff = o[2], in.gOff = o[3];
    keys = o[4], values = o[5];
  }
  if (ShapedType::isDynamic(keys) || ShapedType::isDynamic(values))
    return failure();
  in.keyDim = keys / in.heads;
  in.valueDim = values / in.heads;

  auto form = kernel.getAs<seq::GLAFormAttr>("form");
  bool chunked = form && form.getMethod() == seq::GLAMethod::chunked;
  std::optional<GLATile> tile = GLATile::of(
      in.keyDim, in.valueDim, chunked ? form.getChunk() : 1,
      bf16Products(
          b.getInsertionBlock()->getParentOp()->getParentOfType<ModuleOp>()));
  if (!tile)
    return failure();
  GLAKernels kernels(in, *tile);
  if (!chunked)
    return kernels.stepwise(b);
  // A decode step (T = 1) takes the step kernel, longer sequences the
  // chunkwise one; a static length decides here.
  int64_t steps = cast<ShapedType>(in.q.getType()).getDimSize(1);
  if (!ShapedType::isDynamic(steps))
    return steps == 1 ? kernels.stepwise(b) : kernels.chunkwise(b);
  Value decode = arith::CmpIOp::create(b, arith::CmpIPredicate::eq,
                                       b.dim(in.q, 1), b.index(1));
  auto branch = [&](bool step) {
    return [&, step](OpBuilder &nested, Location loc) {
      TensorBuilder lb(loc, nested);
      Results r = step ? kernels.stepwise(lb) : kernels.chunkwise(lb);
      scf::YieldOp::create(lb, ValueRange(r));
    };
  };
  auto choice = scf::IfOp::create(b, decode, branch(true), branch(false));
  return Results(choice.getResults());
}

} // namespace seqc
