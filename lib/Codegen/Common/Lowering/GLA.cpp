//===- GLA.cpp - gla_core and the GLA layer
//--------------------------------===//
//
// gla_core is a kernel call ("gla_core", with the op's #seq.gla_form and
// #seq.gla_layout, heads, scale, gate_norm and, for the layer, where q, k,
// v and g sit in fused rows). Its body, per head on [B, T, H, X] views:
//
// - recurrent: a loop over time carrying S [B, H, K, V]: S = e^{g_t} ⊙ S +
//   k_tᵀ v_t, o_t = scale·q_t S;
// - chunkwise (chunks of C steps): (1) parallel over the chunks, with b_j
//   the gate's cumulative log sum in the chunk: q̃_j = scale·q_j e^{b_j},
//   the intra-chunk scores A[j, i] = scale Σ_k q_jk k_ik e^{b_jk − b_ik}
//   for i ≤ j (the exponent per pair, ≤ 0 whatever the gates), the
//   intra-chunk outputs A v, the chunk's decay e^{b_last} and its state
//   update ΔS = Σ_j (k_j e^{b_last − b_j})ᵀ v_j; (2) along the chunks,
//   o += q̃ S, then S = e^{b_last} ⊙ S + ΔS.
//
// The sub-chunk and the layouts are the CPU's register-tile decisions,
// passed on for its kernel. The GLA layer's per-head norm and swish gate
// are a kernel call ("gla_norm_gate") too.
//
//===----------------------------------------------------------------------===//
#include "Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace seqc::seq;

namespace seqc {

using IT = utils::IteratorType;

namespace {

/// gla_core's operands as [B, T, H, X] views and its sizes.
struct Heads {
  Value q, k, v, g; // [B, T, H, K] ×2, [B, T, H, V], [B, T, H, K]
  int64_t heads, keyDim, valueDim;
  double scale;
  OpFoldResult batch, steps;
};

Value mulF(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::MulFOp::create(b, x, y);
}
Value addF(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::AddFOp::create(b, x, y);
}
Value expF(ImplicitLocOpBuilder &b, Value x) {
  return math::ExpOp::create(b, x);
}

/// The recurrent form: (o [B, T, H, V], S).
std::pair<Value, Value> recurrentForm(TensorBuilder &b, const Heads &h,
                                      Value s) {
  SmallVector<OpFoldResult> oSizes = b.sizes(h.v);
  SmallVector<OpFoldResult> row{h.batch, b.getIndexAttr(h.heads),
                                b.getIndexAttr(h.valueDim)};
  auto loop = scf::ForOp::create(
      b, b.index(0), b.dim(h.q, 1), b.index(1), ValueRange{s, b.empty(oSizes)},
      [&](OpBuilder &nested, Location loc, Value t, ValueRange carried) {
        TensorBuilder lb(loc, nested);
        Value qt = lb.timeSlice(h.q, t, h.batch); // [B, H, K]
        Value kt = lb.timeSlice(h.k, t, h.batch);
        Value gt = lb.timeSlice(h.g, t, h.batch);
        Value vt = lb.timeSlice(h.v, t, h.batch); // [B, H, V]
        // S[b, h, k, v] = e^{g[b, h, k]} S + k[b, h, k] v[b, h, v]
        Value next = lb.generic(
            {gt, kt, vt},
            {lb.select(4, {0, 1, 2}), lb.select(4, {0, 1, 2}),
             lb.select(4, {0, 1, 3})},
            carried[0], lb.identity(4), loopTypes(4),
            [](ImplicitLocOpBuilder &ib, ValueRange a) {
              return SmallVector<Value>{addF(ib, mulF(ib, expF(ib, a[0]), a[3]),
                                             mulF(ib, a[1], a[2]))};
            });
        // o[b, h, v] = Σ_k scale·q[b, h, k] S[b, h, k, v]
        double scale = h.scale;
        Value ot = lb.generic(
            {qt, next}, {lb.select(4, {0, 1, 3}), lb.select(4, {0, 1, 3, 2})},
            lb.zeros(row), lb.select(4, {0, 1, 2}), loopTypes(3, 1),
            [scale](ImplicitLocOpBuilder &ib, ValueRange a) {
              return SmallVector<Value>{
                  addF(ib, a[2],
                       mulF(ib, mulF(ib, constF32(ib, scale), a[0]), a[1]))};
            });
        scf::YieldOp::create(
            lb, ValueRange{next, lb.insertTime(ot, carried[1], t)});
      });
  return {loop.getResult(1), loop.getResult(0)};
}

/// The chunkwise form: (o [B, T, H, V], S).
std::pair<Value, Value> chunkwiseForm(TensorBuilder &b, const Heads &h, Value s,
                                      int64_t chunk) {
  Value steps = b.dim(h.q, 1);
  Value chunks = arith::CeilDivUIOp::create(b, steps, b.index(chunk));
  OpFoldResult H = b.getIndexAttr(h.heads), K = b.getIndexAttr(h.keyDim),
               V = b.getIndexAttr(h.valueDim);
  double scale = h.scale;

  // (1) Per chunk, in parallel: the intra-chunk outputs, q̃, the decay and
  // the state update.
  ValueRange parts = forEachChunk(
      b, chunks,
      ValueRange{b.empty(b.sizes(h.v)), b.empty(b.sizes(h.q)),
                 b.empty({h.batch, chunks, H, K}),
                 b.empty({h.batch, chunks, H, K, V})},
      [&](TensorBuilder &cb, Value c, ValueRange outs) {
        auto [lo, n] = chunkSpan(cb, c, chunk, steps);
        StepRows rows = stepRows(cb, h.q, lo, n);
        StepRows vRows = stepRows(cb, h.v, lo, n);
        Value q = rows.of(cb, h.q), k = rows.of(cb, h.k), g = rows.of(cb, h.g);
        Value v = vRows.of(cb, h.v);
        // b_j = Σ_{i ≤ j} g_i over (b, j, h, k; i).
        Value cum = cb.generic(
            {g}, {cb.select(5, {0, 4, 2, 3})}, cb.zeros(cb.sizes(g)),
            cb.select(5, {0, 1, 2, 3}), loopTypes(4, 1),
            [](ImplicitLocOpBuilder &ib, ValueRange a) {
              Value j = linalg::IndexOp::create(ib, 1);
              Value i = linalg::IndexOp::create(ib, 4);
              Value in =
                  arith::CmpIOp::create(ib, arith::CmpIPredicate::ule, i, j);
              return SmallVector<Value>{addF(
                  ib, a[1],
                  arith::SelectOp::create(ib, in, a[0], constF32(ib, 0.0)))};
            });
        // b_last [B, H, K] = Σ_i g_i.
        Value last = cb.generic(
            {g}, {cb.select(4, {0, 3, 1, 2})}, cb.zeros({h.batch, H, K}),
            cb.select(4, {0, 1, 2}), loopTypes(3, 1),
            [](ImplicitLocOpBuilder &ib, ValueRange a) {
              return SmallVector<Value>{addF(ib, a[1], a[0])};
            });
        // q̃ = scale·q e^{b}.
        Value qt = cb.map({q, cum}, q,
                          [scale](ImplicitLocOpBuilder &ib, ValueRange a) {
                            return mulF(ib, mulF(ib, constF32(ib, scale), a[0]),
                                        expF(ib, a[1]));
                          });
        // A[b, h, j, i] = Σ_k [i ≤ j] scale·q_jk k_ik e^{b_jk − b_ik}.
        Value scores = cb.generic(
            {q, k, cum, cum},
            {cb.select(5, {0, 2, 1, 4}), cb.select(5, {0, 3, 1, 4}),
             cb.select(5, {0, 2, 1, 4}), cb.select(5, {0, 3, 1, 4})},
            cb.zeros({h.batch, H, n, n}), cb.select(5, {0, 1, 2, 3}),
            loopTypes(4, 1), [scale](ImplicitLocOpBuilder &ib, ValueRange a) {
              Value j = linalg::IndexOp::create(ib, 2);
              Value i = linalg::IndexOp::create(ib, 3);
              Value in =
                  arith::CmpIOp::create(ib, arith::CmpIPredicate::ule, i, j);
              Value zero = constF32(ib, 0.0);
              Value decay = expF(
                  ib, arith::SelectOp::create(
                          ib, in, arith::SubFOp::create(ib, a[2], a[3]), zero));
              Value term = mulF(ib, mulF(ib, constF32(ib, scale), a[0]),
                                mulF(ib, a[1], decay));
              return SmallVector<Value>{
                  addF(ib, a[4], arith::SelectOp::create(ib, in, term, zero))};
            });
        // Intra-chunk outputs [B, n, H, V] = Σ_i A[b, h, j, i] v_i.
        Value intra = cb.generic(
            {scores, v},
            {cb.select(5, {0, 2, 1, 4}), cb.select(5, {0, 4, 2, 3})},
            cb.zeros(cb.sizes(v)), cb.select(5, {0, 1, 2, 3}), loopTypes(4, 1),
            [](ImplicitLocOpBuilder &ib, ValueRange a) {
              return SmallVector<Value>{addF(ib, a[2], mulF(ib, a[0], a[1]))};
            });
        // ΔS[b, h, k, v] = Σ_j k_jk e^{b_last,k − b_jk} v_jv.
        Value update = cb.generic(
            {k, cum, last, v},
            {cb.select(5, {0, 4, 1, 2}), cb.select(5, {0, 4, 1, 2}),
             cb.select(5, {0, 1, 2}), cb.select(5, {0, 4, 1, 3})},
            cb.zeros({h.batch, H, K, V}), cb.select(5, {0, 1, 2, 3}),
            loopTypes(4, 1), [](ImplicitLocOpBuilder &ib, ValueRange a) {
              Value kHat = mulF(
                  ib, a[0], expF(ib, arith::SubFOp::create(ib, a[2], a[1])));
              return SmallVector<Value>{addF(ib, a[4], mulF(ib, kHat, a[3]))};
            });
        Value decay =
            cb.map({last}, last, [](ImplicitLocOpBuilder &ib, ValueRange a) {
              return expF(ib, a[0]);
            });
        StepRows row = stepRows(cb, outs[2], c, cb.getIndexAttr(1));
        StepRows stateRow = stepRows(cb, outs[3], c, cb.getIndexAttr(1));
        return SmallVector<ChunkWrite>{{intra, stepRows(cb, outs[0], lo, n)},
                                       {qt, stepRows(cb, outs[1], lo, n)},
                                       {decay, row},
                                       {update, stateRow}};
      });

  // (2) Along the chunks: the inter-chunk outputs, then the state.
  auto loop = scf::ForOp::create(
      b, b.index(0), chunks, b.index(1), ValueRange{s, parts[0]},
      [&](OpBuilder &nested, Location loc, Value c, ValueRange carried) {
        TensorBuilder lb(loc, nested);
        auto [lo, n] = chunkSpan(lb, c, chunk, steps);
        StepRows rows = stepRows(lb, carried[1], lo, n);
        // o_c[b, j, h, v] += Σ_k q̃[b, j, h, k] S[b, h, k, v].
        Value o = lb.generic(
            {stepRows(lb, parts[1], lo, n).of(lb, parts[1]), carried[0]},
            {lb.select(5, {0, 1, 2, 4}), lb.select(5, {0, 2, 4, 3})},
            rows.of(lb, carried[1]), lb.select(5, {0, 1, 2, 3}),
            loopTypes(4, 1), [](ImplicitLocOpBuilder &ib, ValueRange a) {
              return SmallVector<Value>{addF(ib, a[2], mulF(ib, a[0], a[1]))};
            });
        // S = e^{b_last} ⊙ S + ΔS.
        Value decay = lb.timeSlice(parts[2], c, h.batch);
        Value update = lb.timeSlice(parts[3], c, h.batch);
        Value next = lb.generic(
            {decay, update}, {lb.select(4, {0, 1, 2}), lb.identity(4)},
            carried[0], lb.identity(4), loopTypes(4),
            [](ImplicitLocOpBuilder &ib, ValueRange a) {
              return SmallVector<Value>{addF(ib, mulF(ib, a[0], a[2]), a[1])};
            });
        scf::YieldOp::create(lb,
                             ValueRange{next, rows.into(lb, o, carried[1])});
      });
  return {loop.getResult(1), loop.getResult(0)};
}

} // namespace

Results buildGLACoreCall(TensorBuilder &b, Checks &checks, Operation *op,
                         Value q, Value k, Value v, Value g, Value s0,
                         int64_t heads, double scale, double gateNorm,
                         ArrayRef<int64_t> offsets) {
  std::string node = nodeName(op);
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
  SmallVector<NamedAttribute> attrs{
      b.getNamedAttr("heads", b.getI64IntegerAttr(heads)),
      b.getNamedAttr("scale", b.getF64FloatAttr(scale)),
      b.getNamedAttr("gate_norm", b.getF64FloatAttr(gateNorm))};
  if (!offsets.empty())
    attrs.push_back(b.getNamedAttr("offsets", b.getDenseI64ArrayAttr(offsets)));
  auto form = op->getAttrOfType<GLAFormAttr>("seq.gla_form");
  if (form)
    attrs.push_back(b.getNamedAttr("form", form));
  if (auto layout = op->getAttrOfType<GLALayoutAttr>("seq.layout"))
    attrs.push_back(b.getNamedAttr("layout", layout));
  int64_t chunk =
      form && form.getMethod() == GLAMethod::chunked ? form.getChunk() : 0;

  SmallVector<Value> operands{q, k, v, g};
  if (s0)
    operands.push_back(s0);
  return buildKernelCall(
      b, "gla_core", attrs, operands, [&](TensorBuilder &kb, ValueRange args) {
        // With offsets, q, k, v and g sit side by side in wider rows, the
        // key and value widths being offsets[4] and offsets[5].
        int64_t kd =
            offsets.empty()
                ? cast<RankedTensorType>(args[0].getType()).getDimSize(2)
                : offsets[4];
        int64_t vd =
            offsets.empty()
                ? cast<RankedTensorType>(args[2].getType()).getDimSize(2)
                : offsets[5];
        Value qv = args[0], kv = args[1], vv = args[2], gv = args[3];
        if (!offsets.empty()) {
          qv = fusedPart(kb, qv, offsets[0], kd);
          kv = fusedPart(kb, kv, offsets[1], kd);
          vv = fusedPart(kb, vv, offsets[2], vd);
          gv = fusedPart(kb, gv, offsets[3], kd);
        }
        if (gateNorm != 0)
          gv = kb.map({gv}, gv,
                      [gateNorm](ImplicitLocOpBuilder &ib, ValueRange a) {
                        return arith::DivFOp::create(ib, logSigmoid(ib, a[0]),
                                                     constF32(ib, gateNorm))
                            .getResult();
                      });
        Heads h;
        h.heads = heads;
        h.keyDim = kd / heads;
        h.valueDim = vd / heads;
        h.scale = scale;
        h.q = kb.splitLast(qv, heads, h.keyDim);
        h.k = kb.splitLast(kv, heads, h.keyDim);
        h.g = kb.splitLast(gv, heads, h.keyDim);
        h.v = kb.splitLast(vv, heads, h.valueDim);
        SmallVector<OpFoldResult> sizes = kb.sizes(qv);
        h.batch = sizes[0];
        h.steps = sizes[1];
        Value s = args.size() == 5 ? args[4]
                                   : kb.zeros({h.batch, kb.getIndexAttr(heads),
                                               kb.getIndexAttr(h.keyDim),
                                               kb.getIndexAttr(h.valueDim)});
        auto [o, last] = chunk > 0 ? chunkwiseForm(kb, h, s, chunk)
                                   : recurrentForm(kb, h, s);
        return Results{kb.mergeLast(o), last};
      });
}

/// y = rms_norm(o_h) ⊙ w ⊙ silu(gate) per head, the gate being columns
/// [gateCol, gateCol + H·V) of `fused`: a kernel call whose body is a
/// reduction over each head's values and one elementwise op.
static Value normGate(TensorBuilder &b, Value o, Value fused, int64_t gateCol,
                      Value w, int64_t heads, int64_t vd, double eps) {
  return buildKernelCall(
      b, "gla_norm_gate",
      {b.getNamedAttr("gate_column", b.getI64IntegerAttr(gateCol)),
       b.getNamedAttr("heads", b.getI64IntegerAttr(heads)),
       b.getNamedAttr("eps", b.getF64FloatAttr(eps))},
      {o, fused, w}, [&](TensorBuilder &kb, ValueRange args) {
        Value oh = kb.splitLast(args[0], heads, vd); // [B, T, H, V]
        Value gate = kb.splitLast(fusedPart(kb, args[1], gateCol, heads * vd),
                                  heads, vd);
        SmallVector<OpFoldResult> rowSizes = kb.sizes(oh);
        rowSizes.pop_back();
        Value squares = kb.generic(
            {oh}, {kb.identity(4)}, kb.zeros(rowSizes), kb.select(4, {0, 1, 2}),
            loopTypes(3, 1), [](ImplicitLocOpBuilder &ib, ValueRange a) {
              return SmallVector<Value>{addF(ib, a[1], mulF(ib, a[0], a[0]))};
            });
        double inv = 1.0 / double(vd);
        Value y = kb.generic(
            {oh, squares, args[2], gate},
            {kb.identity(4), kb.select(4, {0, 1, 2}), kb.select(4, {3}),
             kb.identity(4)},
            kb.empty(kb.sizes(oh)), kb.identity(4), loopTypes(4),
            [inv, eps](ImplicitLocOpBuilder &ib, ValueRange a) {
              Value mean = mulF(ib, a[1], constF32(ib, inv));
              Value r =
                  math::RsqrtOp::create(ib, addF(ib, mean, constF32(ib, eps)));
              return SmallVector<Value>{
                  mulF(ib, mulF(ib, mulF(ib, a[0], r), a[2]), silu(ib, a[3]))};
            });
        return Results{kb.mergeLast(y)};
      })[0];
}

static Results glaLayer(TensorBuilder &b, Checks &checks, GLAOp op) {
  ValueRange w = op.getWeights();
  Value x = op.getX();
  int64_t heads = op.getHeads();
  int64_t kd = op.getKeyDim(), vd = op.getValueDim();
  int64_t rank = cast<RankedTensorType>(w[4].getType()).getDimSize(0);
  // q, k, v, the output gate and the decay gate's first factor read x:
  // one contraction over their stacked weights, [B, T, 2·kd + 2·vd + rank].
  Value fused = buildFusedLinear(b, x, {w[0], w[1], w[2], w[3], w[4]});
  int64_t gateCol = 2 * kd + vd, lowCol = 2 * kd + 2 * vd;
  // The decay gate's logits (its logsigmoid and normalizer are applied
  // where gla_core reads them).
  Value low = fusedPart(b, fused, lowCol, rank);
  Value gk = buildLinear(b, low, w[5], w[6]);
  double scale = 1.0 / std::sqrt(double(kd / heads));
  Results core = buildGLACoreCall(
      b, checks, op, fused, fused, fused, gk, op.getS0(), heads, scale,
      op.getGateNorm().convertToDouble(), {0, kd, 2 * kd, 0, kd, vd});
  Value o = normGate(b, core[0], fused, gateCol, w[7], heads, vd / heads,
                     op.getEps().convertToDouble());
  return {buildLinear(b, o, w[8]), core[1]};
}

void populateGLAPatterns(RewritePatternSet &patterns, Checks &checks) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<LowerOpPattern<GLACoreOp>>(
      ctx, checks,
      [](TensorBuilder &b, GLACoreOp op, Checks &checks) -> FailureOr<Results> {
        for (Value v : {op.getQ(), op.getV()})
          if (cast<RankedTensorType>(v.getType()).isDynamicDim(2))
            return op->emitOpError("needs static feature widths to lower");
        return buildGLACoreCall(b, checks, op, op.getQ(), op.getK(), op.getV(),
                                op.getG(), op.getS0(), op.getHeads(),
                                op.getScale().convertToDouble(), 0.0);
      });
  patterns.add<LowerOpPattern<GLAOp>>(
      ctx, checks, [](TensorBuilder &b, GLAOp op, Checks &checks) {
        return FailureOr<Results>(glaLayer(b, checks, op));
      });
}

} // namespace seqc
