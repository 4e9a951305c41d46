//===- Attention.cpp - Gated attention in flash form on the GPU -----------===//
//
// CUDA's kernel for the "gated_attention" call. The common body is flash
// attention's tiling as tensors: on the GPU each of its query tiles is one
// thread walking all the keys. Here a block takes kRows query rows of one
// head (its kv head shared by the group: GQA), a thread per (part, row)
// holding the row's dims d ≡ part (mod parts), and walks the keys up to
// its last row (the causal tiles past it skipped) in blocks of kKeys,
// three thread loops per block:
//   1. stage the block's keys and values in workgroup memory (zeros past
//      the sequence);
//   2. scores: each thread kKeys / parts of its row's keys against the
//      staged q row, masked (−∞) past the row;
//   3. online softmax per row: m' = max(m, max S), α = e^{m − m'},
//      l' = l·α + Σ e^{S − m'}, acc' = acc·α + Σ e^{S − m'} v on the
//      thread's dims (m and l kept per thread: no thread writes what
//      another reads in the same loop);
// then o = acc / l ⊙ σ(gate) written by the same threads. q is staged
// once, scaled by 1/√Dh and rotated (RoPE) as it is read, by tables of
// the angles' cos and sin [T, Dh/2] made once per call for every batch
// row and head (no rotated copy of q in global memory); k is rotated
// before, as the common body does (AttentionHeads), since every later
// query tile stages each key again. The running state stays in workgroup
// memory between the thread loops. With past keys and values (a KV
// cache, docs/attention-ops.md) query row t is position P + t: the mask,
// the key blocks a tile walks and q's RoPE rows follow it, and the keys
// come rotated. Head dims above 256 keep the common body.
//
// With bf16 products (--precision=bf16) and Dh a multiple of 32 up to 128
// the two products are tensor-core tiles (seq-cuda-warp-mma): q, kᵀ, v
// and the weights e^{S − m'} are staged as bf16, the scores S = q kᵀ are
// two warps' 16 x 8 tiles, and acc += P v four warps' Dh/4 columns each;
// the thread loop between them masks the scores, takes the softmax's step
// and scales acc by α (m, l and acc stay f32).
//
//===----------------------------------------------------------------------===//
#include "CUDAKernels.h"
#include "Lanes.h"
#include "lib/Codegen/CUDA/LibraryGemm.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <cmath>

using namespace mlir;
using namespace seqc::loops;

namespace seqc {

namespace {

using Values = SmallVector<Value>;

/// Stands for −∞ in the running max: e^{kMasked − m} is 0 for any real m.
constexpr double kMasked = -1e30;

/// The warps of the score tiles (16 x 8 each) and of the value product
/// (Dh/4 columns each) with tensor-core tiles.
constexpr int64_t kScoreWarps = 2, kValueWarps = 4;

/// The block's shape for head dim `dh`: rows and keys per block, threads
/// per row (dividing both dh and the keys), and whether the products are
/// tensor-core tiles (`bf16` products, Dh a multiple of 32 up to 128).
struct FlashShape {
  int64_t rows = 16, keys = 16, parts = 1;
  bool mma = false;
  static std::optional<FlashShape> of(int64_t dh, bool bf16) {
    if (dh > 256)
      return std::nullopt;
    FlashShape s;
    if (dh > 128)
      s.rows = s.keys = 8;
    for (int64_t p : {8, 4, 2})
      if (dh % p == 0 && s.keys % p == 0) {
        s.parts = p;
        break;
      }
    s.mma = bf16 && dh % (8 * kValueWarps) == 0 && dh <= 128;
    return s;
  }
};

/// Rows of bf16 staging buffers are padded by 8 elements (16 bytes).
constexpr int64_t kBF16Pad = 8;

/// The flash kernel of one call (see the file comment).
class FlashKernel {
public:
  FlashKernel(TensorBuilder &b, const AttentionHeads &a, FlashShape s)
      : b(b), a(a), s(s) {}

  /// The gated heads [B, T, H·Dh], as a buffer.
  Value build() {
    batch = b.dim(a.q, 0);
    steps = b.dim(a.q, 1);
    keys = b.dim(a.k, 1);
    // Query row t is position P + t, P = keys − T (the past keys).
    Value past = arith::SubIOp::create(b, keys, steps);
    Values tensors{a.q, a.k, a.v, a.gate};
    if (a.ropeCos)
      tensors.append({a.ropeCos, a.ropeSin});
    Values in = readBuffers(b, tensors);
    q = in[0], k = in[1], v = in[2], gate = in[3];
    if (a.ropeCos)
      ropeCos = in[4], ropeSin = in[5];
    out = allocBuffer(b, {batch, steps, b.index(a.heads * a.dh)});
    Value tiles = arith::CeilDivUIOp::create(b, steps, b.index(s.rows));
    Value blocks = arith::MulIOp::create(
        b, batch, arith::MulIOp::create(b, b.index(a.heads), tiles));
    auto grid = blockLoop(b, blocks);
    ImplicitLocOpBuilder &kb = grid.first;
    Value block = grid.second;
    Value tile = arith::RemUIOp::create(kb, block, tiles);
    Value rest = arith::DivUIOp::create(kb, block, tiles);
    head = arith::RemUIOp::create(kb, rest, idx(kb, a.heads));
    bi = arith::DivUIOp::create(kb, rest, idx(kb, a.heads));
    kvHead = arith::DivUIOp::create(kb, head, idx(kb, a.group()));
    r0 = mul(kb, tile, idx(kb, s.rows));
    first = add(kb, past, r0);
    // Rows padded by a word (f32) or 16 bytes (bf16): a warp's rows fall
    // in distinct banks. With tensor-core tiles the keys are held
    // transposed (the score tiles' B) and the weights staged (P).
    Type staging = s.mma ? kb.getBF16Type() : kb.getF32Type();
    int64_t pad = s.mma ? kBF16Pad : 1;
    qs = workgroupBuffer(kb, {s.rows, a.dh + pad}, staging);
    acc = workgroupBuffer(kb, {s.rows, a.dh + 1});
    ks = s.mma ? workgroupBuffer(kb, {a.dh, s.keys + pad}, staging)
               : workgroupBuffer(kb, {s.keys, a.dh + 1});
    vs = workgroupBuffer(kb, {s.keys, a.dh + pad}, staging);
    scores = workgroupBuffer(kb, {s.rows, s.keys});
    if (s.mma)
      probs = workgroupBuffer(kb, {s.rows, s.keys + pad}, staging);
    runMax = workgroupBuffer(kb, {s.rows, s.parts});
    runSum = workgroupBuffer(kb, {s.rows, s.parts});

    threadLoop(
        kb, s.parts, s.rows,
        [&](ImplicitLocOpBuilder &ib, Value p, Value r) { start(ib, p, r); });
    // Keys [0, P + min(T, r0 + rows)): the blocks past the tile's last row
    // are never visited.
    Value last =
        add(kb, past,
            arith::MinUIOp::create(kb, steps, add(kb, r0, idx(kb, s.rows))));
    Value keyBlocks = arith::CeilDivUIOp::create(kb, last, idx(kb, s.keys));
    forRange(kb, idx(kb, 0), keyBlocks,
             [&](ImplicitLocOpBuilder &lb, Value kbi) {
               Value k0 = mul(lb, kbi, idx(lb, s.keys));
               threadLoop(lb, s.parts, s.rows,
                          [&](ImplicitLocOpBuilder &ib, Value p, Value r) {
                            stage(ib, p, r, k0);
                          });
               if (s.mma)
                 scoreTiles(lb);
               else
                 threadLoop(lb, s.parts, s.rows,
                            [&](ImplicitLocOpBuilder &ib, Value p, Value r) {
                              score(ib, p, r, k0);
                            });
               threadLoop(lb, s.parts, s.rows,
                          [&](ImplicitLocOpBuilder &ib, Value p, Value r) {
                            update(ib, p, r, k0);
                          });
               if (s.mma)
                 valueTiles(lb);
             });
    threadLoop(
        kb, s.parts, s.rows,
        [&](ImplicitLocOpBuilder &ib, Value p, Value r) { finish(ib, p, r); });
    return out;
  }

private:
  /// `body(d)` for the thread's dims d ≡ p (mod parts).
  void eachDim(ImplicitLocOpBuilder &ib, Value p,
               function_ref<void(ImplicitLocOpBuilder &, Value)> body) {
    forRange(ib, p, idx(ib, a.dh), body, s.parts);
  }

  /// `value` as the staging buffers hold it: bf16 with tensor-core tiles.
  Value staged(ImplicitLocOpBuilder &ib, Value value) {
    return s.mma ? toBF16(ib, ib.getLoc(), value) : value;
  }

  /// q[row, d] of the block's head, rotated here by RoPE's tables where
  /// the model has rope_theta: the lower component of pair i = d (d < Dh/2) is
  /// x_d cos − x_{d+Dh/2} sin, the upper one (i = d − Dh/2) x_d cos +
  /// x_{d−Dh/2} sin (RoPE's Dh is even: checked where the model is read).
  Value query(ImplicitLocOpBuilder &ib, Value row, Value d) {
    Value x = load(ib, q, {bi, row, head, d});
    if (!a.ropeCos)
      return x;
    int64_t half = a.dh / 2;
    Value lower =
        arith::CmpIOp::create(ib, arith::CmpIPredicate::ult, d, idx(ib, half));
    Value down = arith::SubIOp::create(ib, d, idx(ib, half));
    Value up = add(ib, d, idx(ib, half));
    Value pair = arith::SelectOp::create(ib, lower, d, down);
    Value partner = arith::SelectOp::create(ib, lower, up, down);
    Value other = load(ib, q, {bi, row, head, partner});
    Value cosTerm =
        arith::MulFOp::create(ib, x, load(ib, ropeCos, {row, pair}));
    Value sinTerm =
        arith::MulFOp::create(ib, other, load(ib, ropeSin, {row, pair}));
    Value difference = arith::SubFOp::create(ib, cosTerm, sinTerm);
    Value sum = arith::AddFOp::create(ib, cosTerm, sinTerm);
    return arith::SelectOp::create(ib, lower, difference, sum);
  }

  /// q's row staged (rotated, scaled by 1/√Dh), acc = 0, m = −∞, l = 0.
  void start(ImplicitLocOpBuilder &ib, Value p, Value r) {
    Value row = add(ib, r0, r);
    Value inside = below(ib, row, steps);
    Value scale = constF32(ib, 1.0 / std::sqrt(double(a.dh)));
    eachDim(ib, p, [&](ImplicitLocOpBuilder &lb, Value d) {
      Value value = loadOrZero(lb, inside, [&](ImplicitLocOpBuilder &tl) {
        return arith::MulFOp::create(tl, query(tl, row, d), scale).getResult();
      });
      store(lb, staged(lb, value), qs, {r, d});
      store(lb, constF32(lb, 0), acc, {r, d});
    });
    store(ib, constF32(ib, kMasked), runMax, {r, p});
    store(ib, constF32(ib, 0), runSum, {r, p});
  }

  /// Keys and values [k0, k0 + keys) into workgroup memory, the block's
  /// threads over their elements in order (coalesced along Dh); with
  /// tensor-core tiles the keys transposed and the scores zeroed (the
  /// tiles add to them).
  void stage(ImplicitLocOpBuilder &ib, Value p, Value r, Value k0) {
    int64_t threads = s.parts * s.rows, elements = s.keys * a.dh;
    Value id = add(ib, mul(ib, r, idx(ib, s.parts)), p);
    if (s.mma)
      forRange(
          ib, id, idx(ib, s.rows * s.keys),
          [&](ImplicitLocOpBuilder &lb, Value e) {
            store(lb, constF32(lb, 0), scores,
                  {arith::DivUIOp::create(lb, e, idx(lb, s.keys)),
                   arith::RemUIOp::create(lb, e, idx(lb, s.keys))});
          },
          threads);
    forRange(
        ib, id, idx(ib, elements),
        [&](ImplicitLocOpBuilder &lb, Value e) {
          Value kk = arith::DivUIOp::create(lb, e, idx(lb, a.dh));
          Value d = arith::RemUIOp::create(lb, e, idx(lb, a.dh));
          Value key = add(lb, k0, kk);
          auto values = scf::IfOp::create(
              lb, below(lb, key, keys),
              [&](OpBuilder &tb, Location tl) {
                ImplicitLocOpBuilder in(tl, tb);
                scf::YieldOp::create(
                    in, ValueRange{load(in, k, {bi, key, kvHead, d}),
                                   load(in, v, {bi, key, kvHead, d})});
              },
              [&](OpBuilder &eb, Location el) {
                ImplicitLocOpBuilder out(el, eb);
                Value zero = constF32(out, 0);
                scf::YieldOp::create(out, ValueRange{zero, zero});
              });
          if (s.mma)
            store(lb, staged(lb, values.getResult(0)), ks, {d, kk});
          else
            store(lb, values.getResult(0), ks, {kk, d});
          store(lb, staged(lb, values.getResult(1)), vs, {kk, d});
        },
        threads);
  }

  /// Row r's scores against keys kk ≡ p (mod parts), −∞ past the row.
  void score(ImplicitLocOpBuilder &ib, Value p, Value r, Value k0) {
    int64_t mine = s.keys / s.parts;
    Values keys;
    for (int64_t i = 0; i < mine; ++i)
      keys.push_back(add(ib, p, idx(ib, i * s.parts)));
    auto loop = scf::ForOp::create(
        ib, idx(ib, 0), idx(ib, a.dh), idx(ib, 1),
        Values(mine, constF32(ib, 0)),
        [&](OpBuilder &ob, Location loc, Value d, ValueRange dots) {
          ImplicitLocOpBuilder lb(loc, ob);
          Value x = load(lb, qs, {r, d});
          Values next;
          for (int64_t i = 0; i < mine; ++i)
            next.push_back(math::FmaOp::create(
                lb, x, load(lb, ks, {keys[i], d}), dots[i]));
          scf::YieldOp::create(lb, next);
        });
    Value row = add(ib, first, r);
    for (int64_t i = 0; i < mine; ++i) {
      Value late = arith::CmpIOp::create(ib, arith::CmpIPredicate::ugt,
                                         add(ib, k0, keys[i]), row);
      store(ib,
            arith::SelectOp::create(ib, late, constF32(ib, kMasked),
                                    loop.getResult(i)),
            scores, {r, keys[i]});
    }
  }

  /// c[rows, width] += a[rows, depth] b[depth, width] by `warps` warps,
  /// each width / warps columns of b and c.
  void columnTiles(ImplicitLocOpBuilder &lb, int64_t warps, Value a,
                   int64_t depth, Value b, Value c, int64_t width) {
    int64_t cols = width / warps;
    warpLoop(lb, warps, [&](ImplicitLocOpBuilder &wb, Value w) {
      Value col = mul(wb, w, idx(wb, cols));
      OpFoldResult zero = wb.getIndexAttr(0);
      // The views in order (an argument list's order is unspecified).
      Value cView = tileView(wb, c, zero, col, s.rows, cols);
      Value bView = tileView(wb, b, zero, col, depth, cols);
      Value aView = tileView(wb, a, zero, zero, s.rows, depth);
      warpTileProduct(wb, aView, bView, cView);
    });
  }
  /// S = q kᵀ: a warp per 16 x 8 tile of the block's scores.
  void scoreTiles(ImplicitLocOpBuilder &lb) {
    columnTiles(lb, kScoreWarps, qs, a.dh, ks, scores, s.keys);
  }
  /// acc += P v: a warp per Dh/4 columns.
  void valueTiles(ImplicitLocOpBuilder &lb) {
    columnTiles(lb, kValueWarps, probs, s.keys, vs, acc, a.dh);
  }

  /// The online softmax step of row r on the thread's dims (with
  /// tensor-core tiles: the scores masked here, the weights of the keys
  /// kk ≡ p (mod parts) staged for the value tiles, acc only scaled).
  void update(ImplicitLocOpBuilder &ib, Value p, Value r, Value k0) {
    Values sc;
    Value m = load(ib, runMax, {r, p});
    Value mNew = m;
    Value row = add(ib, first, r);
    for (int64_t kk = 0; kk < s.keys; ++kk) {
      sc.push_back(load(ib, scores, {r, idx(ib, kk)}));
      if (s.mma) {
        Value late = arith::CmpIOp::create(ib, arith::CmpIPredicate::ugt,
                                           add(ib, k0, idx(ib, kk)), row);
        sc.back() =
            arith::SelectOp::create(ib, late, constF32(ib, kMasked), sc.back());
      }
      mNew = arith::MaximumFOp::create(ib, mNew, sc.back());
    }
    auto expOf = [&](Value x) {
      return math::ExpOp::create(ib, arith::SubFOp::create(ib, x, mNew));
    };
    Value alpha = expOf(m);
    Value l = arith::MulFOp::create(ib, load(ib, runSum, {r, p}), alpha);
    Values weights;
    for (Value x : sc) {
      weights.push_back(expOf(x));
      l = arith::AddFOp::create(ib, l, weights.back());
    }
    if (s.mma)
      for (int64_t kk = 0; kk < s.keys; ++kk)
        ifThen(ib,
               arith::CmpIOp::create(ib, arith::CmpIPredicate::eq,
                                     idx(ib, kk % s.parts), p),
               [&](ImplicitLocOpBuilder &tb) {
                 store(tb, staged(tb, weights[kk]), probs, {r, idx(tb, kk)});
               });
    eachDim(ib, p, [&](ImplicitLocOpBuilder &lb, Value d) {
      Value sum = arith::MulFOp::create(lb, load(lb, acc, {r, d}), alpha);
      if (!s.mma)
        for (int64_t kk = 0; kk < s.keys; ++kk)
          sum = math::FmaOp::create(lb, weights[kk],
                                    load(lb, vs, {idx(lb, kk), d}), sum);
      store(lb, sum, acc, {r, d});
    });
    store(ib, mNew, runMax, {r, p});
    store(ib, l, runSum, {r, p});
  }

  /// o = acc / l ⊙ σ(gate) for row r inside the sequence.
  void finish(ImplicitLocOpBuilder &ib, Value p, Value r) {
    Value row = add(ib, r0, r);
    ifThen(ib, below(ib, row, steps), [&](ImplicitLocOpBuilder &lb) {
      Value l = load(lb, runSum, {r, p});
      Value base = mul(lb, head, idx(lb, a.dh));
      Value headGate =
          a.headwise ? sigmoid(lb, load(lb, gate, {bi, row, head})) : Value();
      eachDim(lb, p, [&](ImplicitLocOpBuilder &eb, Value d) {
        Value col = add(eb, base, d);
        Value g =
            headGate ? headGate : sigmoid(eb, load(eb, gate, {bi, row, col}));
        Value o = arith::DivFOp::create(eb, load(eb, acc, {r, d}), l);
        store(eb, arith::MulFOp::create(eb, o, g), out, {bi, row, col});
      });
    });
  }

  TensorBuilder &b;
  const AttentionHeads &a;
  FlashShape s;
  Value batch, steps, keys, q, k, v, gate, out; ///< keys: P + T
  Value ropeCos, ropeSin; ///< [T, Dh/2] where q is rotated here
  /// The block's batch row, head, kv head, first row and its position.
  Value bi, head, kvHead, r0, first;
  Value qs, acc, ks, vs, scores, probs, runMax, runSum;
};

} // namespace

FailureOr<Results> lowerGatedAttention(TensorBuilder &b, DictionaryAttr kernel,
                                       ValueRange operands) {
  std::optional<FlashShape> shape = FlashShape::of(
      kernel.getAs<IntegerAttr>("head_dim").getInt(),
      bf16Products(
          b.getInsertionBlock()->getParentOp()->getParentOfType<ModuleOp>()));
  if (!shape)
    return failure();
  AttentionHeads a = AttentionHeads::of(b, kernel, operands,
                                        /*rotateQueries=*/false);
  return Results{bufferTensor(b, FlashKernel(b, a, *shape).build())};
}

} // namespace seqc
