//===- Spiking.cpp - Lowering of spiking neurons, WKV and spiking RWKV ----===//
//
// A neuron's membrane potential lives in a vector register across the whole
// time loop: parallel over (batch, blocks of neurons), sequential over time,
// one read of the input and one write of the spikes per step. When the
// input is a `linear` used only by the neuron, the membrane input is
// computed inside that loop nest instead of being materialized.
//
//===----------------------------------------------------------------------===//
#include "CPUKernels.h"
#include "VectorLoops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace seqc::seq;

namespace seqc {

/// How many time steps ahead a neuron block prefetches its input.
static constexpr int64_t kPrefetchSteps = 4;

namespace {
/// How a neuron charges, fires and resets (SPEC §4.5).
struct Neuron {
  enum Kind { LIF, PLIF, IF } kind = LIF;
  double tau = 2.0; // LIF
  Value invTau;     // PLIF: σ(w), an f32 scalar
  double threshold = 1.0;
  std::optional<double> reset; // none: soft reset
  bool decayInput = true;
};

/// The membrane input: either read from a [B, T, N] buffer or computed by a
/// fused linear layer from its input [B, T, K] and transposed weight [K, N].
struct MembraneInput {
  Value x;            // [B, T, N], or null when fused
  Value in, wt, bias; // fused linear
  Value k;            // K (index), when fused
  Value batch, steps, width;

  Value at(ImplicitLocOpBuilder &ib, const LaneBlock &lb, Value t,
           Value steps) const {
    if (x) {
      // A block walks down a column of rows a whole row apart, which the
      // hardware prefetcher does not follow: fetch a few steps ahead.
      Value ahead = arith::MinUIOp::create(
          ib,
          arith::AddIOp::create(
              ib, t, arith::ConstantIndexOp::create(ib, kPrefetchSteps)),
          arith::SubIOp::create(ib, steps,
                                arith::ConstantIndexOp::create(ib, 1)));
      for (int64_t line = 0; line < lb.type.getNumElements() * 4; line += 64)
        memref::PrefetchOp::create(
            ib, x,
            ValueRange{
                lb.b, ahead,
                arith::AddIOp::create(
                    ib, lb.n0, arith::ConstantIndexOp::create(ib, line / 4))},
            ib.getBoolAttr(false), ib.getI32IntegerAttr(3),
            ib.getBoolAttr(true));
      return lb.load(ib, x, {lb.b, t});
    }
    Value acc = bias ? lb.load(ib, bias, {}) : lb.splat(ib, 0.0);
    auto loop = scf::ForOp::create(
        ib, arith::ConstantIndexOp::create(ib, 0), k,
        arith::ConstantIndexOp::create(ib, 1), ValueRange{acc},
        [&](OpBuilder &nested, Location loc, Value kk, ValueRange carried) {
          ImplicitLocOpBuilder nb(loc, nested);
          Value xs = memref::LoadOp::create(nb, in, ValueRange{lb.b, t, kk});
          Value w = lb.load(nb, wt, {kk});
          Value r = vector::FMAOp::create(nb, lb.splat(nb, xs), w, carried[0]);
          scf::YieldOp::create(nb, r);
        });
    return loop.getResult(0);
  }
};
} // namespace

/// One step: charge from (V, X), fire, reset; returns (spikes, new V).
static std::pair<Value, Value> step(ImplicitLocOpBuilder &ib,
                                    const LaneBlock &lb, const Neuron &n,
                                    Value v, Value x) {
  Value vr = lb.splat(ib, n.reset.value_or(0.0));
  Value h;
  if (n.kind == Neuron::IF) {
    h = arith::AddFOp::create(ib, v, x);
  } else {
    Value leak = arith::SubFOp::create(ib, v, vr);
    // Multiplying by 1/τ instead of dividing by τ moves H by at most an
    // ulp: a spike can only change at a tie, which SPEC §5 exempts.
    auto scale = [&](Value e) -> Value {
      Value inv = n.kind == Neuron::PLIF ? lb.splat(ib, n.invTau)
                                         : lb.splat(ib, 1.0 / n.tau);
      return arith::MulFOp::create(ib, e, inv);
    };
    h = n.decayInput ? arith::AddFOp::create(
                           ib, v, scale(arith::SubFOp::create(ib, x, leak)))
                     : arith::AddFOp::create(
                           ib, arith::SubFOp::create(ib, v, scale(leak)), x);
  }
  Value fired = arith::CmpFOp::create(ib, arith::CmpFPredicate::OGE, h,
                                      lb.splat(ib, n.threshold));
  Value one = lb.splat(ib, 1.0), zero = lb.splat(ib, 0.0);
  Value s = arith::SelectOp::create(ib, fired, one, zero);
  Value next =
      n.reset
          ? arith::SelectOp::create(ib, fired, vr, h).getResult()
          : arith::SubFOp::create(
                ib, h, arith::MulFOp::create(ib, s, lb.splat(ib, n.threshold)))
                .getResult();
  return {s, next};
}

/// Runs neurons over x3 [B, T, N] (or a fused linear); returns spikes
/// [B, T, N] and the final potential [B, N].
static std::pair<Value, Value> runNeurons(TensorBuilder &b, const Neuron &n,
                                          const MembraneInput &input) {
  Value batch = input.batch, steps = input.steps, width = input.width;
  Value spikes = allocBuffer(b, {batch, steps, width});
  Value final = allocBuffer(b, {batch, width});
  forEachLaneBlock(
      b, {batch}, width, kNeuronLanes,
      [&](ImplicitLocOpBuilder &ib, const LaneBlock &lb) {
        Value v0 = lb.splat(ib, n.reset.value_or(0.0));
        auto loop = scf::ForOp::create(
            ib, arith::ConstantIndexOp::create(ib, 0), steps,
            arith::ConstantIndexOp::create(ib, 1), ValueRange{v0},
            [&](OpBuilder &nested, Location loc, Value t, ValueRange carried) {
              ImplicitLocOpBuilder nb(loc, nested);
              auto [s, v] =
                  step(nb, lb, n, carried[0], input.at(nb, lb, t, steps));
              lb.store(nb, s, spikes, {lb.b, t});
              scf::YieldOp::create(nb, v);
            });
        lb.store(ib, loop.getResult(0), final, {lb.b});
      });
  return {bufferTensor(b, spikes), bufferTensor(b, final)};
}

/// [B, T, ...] ↔ [B, T, N]: neurons only see a flat last dim.
static Value flatten(TensorBuilder &b, Value x) {
  auto t = cast<RankedTensorType>(x.getType());
  if (t.getRank() == 3)
    return x;
  if (t.getRank() == 2) {
    SmallVector<OpFoldResult> sizes = b.sizes(x);
    sizes.push_back(b.getIndexAttr(1));
    return tensor::ExpandShapeOp::create(
        b, t.clone({t.getDimSize(0), t.getDimSize(1), 1}), x,
        SmallVector<ReassociationIndices>{{0}, {1, 2}}, sizes);
  }
  ReassociationIndices rest;
  for (int64_t i = 2; i < t.getRank(); ++i)
    rest.push_back(i);
  int64_t n = 1;
  for (int64_t d : t.getShape().drop_front(2))
    n = ShapedType::isDynamic(d) || ShapedType::isDynamic(n)
            ? ShapedType::kDynamic
            : n * d;
  return tensor::CollapseShapeOp::create(
      b, t.clone({t.getDimSize(0), t.getDimSize(1), n}), x,
      SmallVector<ReassociationIndices>{{0}, {1}, rest});
}

/// The inverse of flatten() for spikes (like x) and potentials ([B, ...]).
static Results unflatten(TensorBuilder &b, Value x, Value spikes, Value v) {
  auto t = cast<RankedTensorType>(x.getType());
  if (t.getRank() == 3)
    return {spikes, v};
  SmallVector<OpFoldResult> xs = b.sizes(x);
  SmallVector<OpFoldResult> vs{xs[0]};
  vs.append(xs.begin() + 2, xs.end());
  SmallVector<int64_t> vshape{t.getDimSize(0)};
  llvm::append_range(vshape, t.getShape().drop_front(2));
  if (t.getRank() == 2) {
    auto y = tensor::CollapseShapeOp::create(
        b, t, spikes, SmallVector<ReassociationIndices>{{0}, {1, 2}});
    auto vt = tensor::CollapseShapeOp::create(
        b, t.clone(vshape), v, SmallVector<ReassociationIndices>{{0, 1}});
    return {y, vt};
  }
  ReassociationIndices rest;
  for (int64_t i = 2; i < t.getRank(); ++i)
    rest.push_back(i);
  ReassociationIndices vrest;
  for (int64_t i = 1; i < t.getRank() - 1; ++i)
    vrest.push_back(i);
  Value y = tensor::ExpandShapeOp::create(
      b, t, spikes, SmallVector<ReassociationIndices>{{0}, {1}, rest}, xs);
  Value vt = tensor::ExpandShapeOp::create(
      b, t.clone(vshape), v, SmallVector<ReassociationIndices>{{0}, vrest}, vs);
  return {y, vt};
}

/// [K, N] = transpose of an nn.Linear weight [N, K].
static Value transposed(TensorBuilder &b, Value w) {
  SmallVector<OpFoldResult> s = b.sizes(w);
  Value init = b.empty({s[1], s[0]});
  return linalg::TransposeOp::create(b, w, init, ArrayRef<int64_t>{1, 0})
      .getResult()[0];
}

/// The membrane input of a neuron op: its operand, or — when that operand
/// is a rank-3 `linear` used only here — the linear itself, fused.
static MembraneInput membraneInput(TensorBuilder &b, Value x3, Value x) {
  MembraneInput in;
  auto lin = x.getDefiningOp<LinearOp>();
  if (lin && isFusedIntoNeuron(lin)) {
    in.in = readBuffer(b, lin.getX());
    in.wt = readBuffer(b, transposed(b, lin.getWeights()[0]));
    if (lin.getBias())
      in.bias = readBuffer(b, lin.getWeights()[1]);
    in.k = b.dim(lin.getX(), 2);
    in.batch = b.dim(lin.getX(), 0);
    in.steps = b.dim(lin.getX(), 1);
    in.width = b.dim(lin.getWeights()[0], 0);
    return in;
  }
  in.x = readBuffer(b, x3);
  in.batch = b.dim(x3, 0);
  in.steps = b.dim(x3, 1);
  in.width = b.dim(x3, 2);
  return in;
}

static Results neuronOp(TensorBuilder &b, Value x, const Neuron &n) {
  Value x3 = flatten(b, x);
  MembraneInput input = membraneInput(b, x3, x);
  auto [spikes, v] = runNeurons(b, n, input);
  if (!input.x) // fused: x is the linear's result, about to be erased
    return {spikes, v};
  return unflatten(b, x, spikes, v);
}

static std::optional<double> resetOf(std::optional<APFloat> a) {
  if (!a)
    return std::nullopt;
  return a->convertToDouble();
}

/// WKV in the running-max form, state (aa, bb, pp) in registers per lane.
Value buildWKV(TensorBuilder &b, Value k, Value v, Value decay, Value first) {
  Value batch = b.dim(k, 0), steps = b.dim(k, 1), width = b.dim(k, 2);
  Value kb = readBuffer(b, k), vb = readBuffer(b, v);
  Value db = readBuffer(b, decay), fb = readBuffer(b, first);
  Value out = allocBuffer(b, {batch, steps, width});
  forEachLaneBlock(
      b, {batch}, width, kWKVLanes,
      [&](ImplicitLocOpBuilder &ib, const LaneBlock &lb) {
        Value w = arith::NegFOp::create(
            ib, math::ExpOp::create(ib, lb.load(ib, db, {})));
        Value u = lb.load(ib, fb, {});
        Value init[] = {lb.splat(ib, 0.0), lb.splat(ib, 0.0),
                        lb.splat(ib, -1e38)};
        scf::ForOp::create(
            ib, arith::ConstantIndexOp::create(ib, 0), steps,
            arith::ConstantIndexOp::create(ib, 1), ValueRange(init),
            [&](OpBuilder &nested, Location loc, Value t, ValueRange s) {
              ImplicitLocOpBuilder nb(loc, nested);
              Value aa = s[0], bb = s[1], pp = s[2];
              Value kt = lb.load(nb, kb, {lb.b, t}),
                    vt = lb.load(nb, vb, {lb.b, t});
              auto fma = [&](Value x, Value y, Value z) {
                return vector::FMAOp::create(nb, x, y, z).getResult();
              };
              // (e^{x−m}, e^{y−m}, m = max(x, y)): two exponents over a
              // shared running max.
              auto scaled = [&](Value x, Value y) {
                Value m = arith::MaximumFOp::create(nb, x, y);
                return std::make_tuple(
                    Value(math::ExpOp::create(nb,
                                              arith::SubFOp::create(nb, x, m))),
                    Value(math::ExpOp::create(nb,
                                              arith::SubFOp::create(nb, y, m))),
                    m);
              };
              // Output: the current token weighted by e^{u+k}.
              auto [e1, e2, p] = scaled(pp, arith::AddFOp::create(nb, u, kt));
              Value num = fma(e1, aa, arith::MulFOp::create(nb, e2, vt));
              Value den = fma(e1, bb, e2);
              lb.store(nb, arith::DivFOp::create(nb, num, den), out, {lb.b, t});
              // State: decay by e^w, add e^{k}.
              auto [f1, f2, p2] = scaled(arith::AddFOp::create(nb, w, pp), kt);
              scf::YieldOp::create(
                  nb, ValueRange{fma(f1, aa, arith::MulFOp::create(nb, f2, vt)),
                                 fma(f1, bb, f2), p2});
            });
      });
  return bufferTensor(b, out);
}

/// shift(z)_t = z_{t−1}, 0 at t = 0; then z⊙μ + shift(z)⊙(1−μ).
static Value timeMix(TensorBuilder &b, Value z, Value mu) {
  using IT = utils::IteratorType;
  return b.generic(
      {z, mu}, {b.identity(3), b.select(3, {2})}, b.empty(b.sizes(z)),
      b.identity(3), SmallVector<IT>(3, IT::parallel),
      [&](ImplicitLocOpBuilder &ib, ValueRange a) {
        Value bi = linalg::IndexOp::create(ib, 0);
        Value t = linalg::IndexOp::create(ib, 1);
        Value d = linalg::IndexOp::create(ib, 2);
        Value zero = arith::ConstantIndexOp::create(ib, 0);
        Value one = arith::ConstantIndexOp::create(ib, 1);
        Value prevT =
            arith::MaxSIOp::create(ib, arith::SubIOp::create(ib, t, one), zero);
        Value prev = tensor::ExtractOp::create(ib, z, ValueRange{bi, prevT, d});
        Value first =
            arith::CmpIOp::create(ib, arith::CmpIPredicate::eq, t, zero);
        prev = arith::SelectOp::create(ib, first, constF32(ib, 0.0), prev);
        Value rest = arith::SubFOp::create(ib, constF32(ib, 1.0), a[1]);
        return SmallVector<Value>{
            arith::AddFOp::create(ib, arith::MulFOp::create(ib, a[0], a[1]),
                                  arith::MulFOp::create(ib, prev, rest))};
      });
}

static Value addSpikes(TensorBuilder &b, Value x, Value a, const Neuron &n) {
  MembraneInput input;
  input.x = readBuffer(b, a);
  input.batch = b.dim(a, 0);
  input.steps = b.dim(a, 1);
  input.width = b.dim(a, 2);
  Value spikes = runNeurons(b, n, input).first;
  return b.map({x, spikes}, x, [](ImplicitLocOpBuilder &ib, ValueRange v) {
    return arith::AddFOp::create(ib, v[0], v[1]);
  });
}

/// SpikeGPT's block (SPEC §4.5), composed of the pieces above.
static Value spikingRWKV(TensorBuilder &b, SpikingRWKVOp op) {
  ValueRange w = op.getWeights();
  unsigned i = 0;
  auto next = [&] { return w[i++]; };
  Value x = op.getX();
  constexpr double kEps = 1e-5; // torch.nn.LayerNorm's
  if (op.getFirst()) {
    Value g = next(), bias = next();
    x = buildLayerNorm(b, x, g, bias, kEps);
  }
  Value ln1w = next(), ln1b = next(), ln2w = next(), ln2b = next();
  Value decay = next(), first = next(), muK = next(), muV = next(),
        muR = next();
  Value wk = next(), wv = next(), wr = next(), wo = next();
  Value fmuK = next(), fmuR = next();
  Value fk = next(), fr = next(), fv = next();
  Neuron lif;
  lif.kind = Neuron::LIF;
  lif.tau = op.getTau().convertToDouble();
  lif.threshold = op.getVThreshold().convertToDouble();
  lif.reset = 0.0;

  Value z = buildLayerNorm(b, x, ln1w, ln1b, kEps);
  Value k = buildLinear(b, timeMix(b, z, muK), wk);
  Value v = buildLinear(b, timeMix(b, z, muV), wv);
  Value r = buildLinear(b, timeMix(b, z, muR), wr);
  Value att = buildWKV(b, k, v, decay, first);
  Value gated =
      b.map({r, att}, att, [](ImplicitLocOpBuilder &ib, ValueRange a) {
        return arith::MulFOp::create(ib, sigmoid(ib, a[0]), a[1]);
      });
  x = addSpikes(b, x, buildLinear(b, gated, wo), lif);

  z = buildLayerNorm(b, x, ln2w, ln2b, kEps);
  Value kk = buildLinear(b, timeMix(b, z, fmuK), fk);
  Value sq = b.map({kk}, kk, [](ImplicitLocOpBuilder &ib, ValueRange a) {
    Value r = arith::MaximumFOp::create(ib, a[0], constF32(ib, 0.0));
    return arith::MulFOp::create(ib, r, r);
  });
  Value rr = buildLinear(b, timeMix(b, z, fmuR), fr);
  Value vv = buildLinear(b, sq, fv);
  Value f = b.map({rr, vv}, vv, [](ImplicitLocOpBuilder &ib, ValueRange a) {
    return arith::MulFOp::create(ib, sigmoid(ib, a[0]), a[1]);
  });
  return addSpikes(b, x, f, lif);
}

/// The threshold and reset every neuron op has, and decay_input where the
/// op has one.
template <typename OpTy> static Neuron neuronOf(OpTy op, Neuron::Kind kind) {
  Neuron n;
  n.kind = kind;
  n.threshold = op.getVThreshold().convertToDouble();
  n.reset = resetOf(op.getVReset());
  if constexpr (!std::is_same_v<OpTy, IFNeuronOp>)
    n.decayInput = op.getDecayInput();
  return n;
}

FailureOr<Results> lowerSpiking(Operation *op, TensorBuilder &b,
                                Checks &checks) {
  if (auto o = dyn_cast<LIFOp>(op)) {
    Neuron n = neuronOf(o, Neuron::LIF);
    n.tau = o.getTau().convertToDouble();
    return neuronOp(b, o.getX(), n);
  }
  if (auto o = dyn_cast<PLIFOp>(op)) {
    Neuron n = neuronOf(o, Neuron::PLIF);
    Value w = tensor::ExtractOp::create(b, o.getWeights()[0], ValueRange{});
    n.invTau = sigmoid(b, w);
    return neuronOp(b, o.getX(), n);
  }
  if (auto o = dyn_cast<IFNeuronOp>(op))
    return neuronOp(b, o.getX(), neuronOf(o, Neuron::IF));
  if (auto o = dyn_cast<WKVOp>(op)) {
    Value k = o.getK(), v = o.getV();
    std::string node = nodeName(op);
    for (int64_t d : {0, 1})
      std::tie(k, v) = checks.sameDim(b, k, d, v, d,
                                      "node '" + node +
                                          "': sizes of k and v "
                                          "differ along dim " +
                                          std::to_string(d));
    return Results{buildWKV(b, k, v, o.getWeights()[0], o.getWeights()[1])};
  }
  if (auto o = dyn_cast<SpikingRWKVOp>(op))
    return Results{spikingRWKV(b, o)};
  return failure();
}

} // namespace seqc
