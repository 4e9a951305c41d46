//===- Spiking.cpp - Spiking neurons, WKV and spiking RWKV ----------------===//
//
// A neuron op is a kernel call ("neurons", with the neuron's kind and
// constants) on its input seen as [B, T, N]; when that input is a linear
// used only by the neuron, the call ("neurons_linear") takes the linear's
// input and weights instead, so that a target may compute the membrane
// input inside its loops over time. Either body is a loop over time
// carrying the membrane potential [B, N]: charge, fire, reset (SPEC §4.5).
// WKV is a kernel call ("wkv") whose body carries the running-max state
// (aa, bb, pp) along time; spiking_rwkv composes norms, time mixes,
// contractions, WKV and neurons. A linear on spikes is a kernel call
// ("spike_linear", a contraction) that a target may compute sparsely.
//
//===----------------------------------------------------------------------===//
#include "Neurons.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace seqc::seq;

namespace seqc {

SmallVector<NamedAttribute> Neuron::attrs(Builder &b) const {
  SmallVector<NamedAttribute> a{
      b.getNamedAttr("kind", b.getStringAttr(kind)),
      b.getNamedAttr("threshold", b.getF64FloatAttr(threshold)),
      b.getNamedAttr("decay_input", b.getBoolAttr(decayInput))};
  if (kind == "lif")
    a.push_back(b.getNamedAttr("tau", b.getF64FloatAttr(tau)));
  if (reset)
    a.push_back(b.getNamedAttr("reset", b.getF64FloatAttr(*reset)));
  if (cuba())
    for (auto [name, v] : std::initializer_list<std::pair<StringRef, double>>{
             {"tau_syn", tauSyn},
             {"tau_mem", tauMem},
             {"r", r},
             {"w_in", wIn},
             {"v_leak", vLeak}})
      a.push_back(b.getNamedAttr(name, b.getF64FloatAttr(v)));
  if (!perNeuron.empty())
    a.push_back(
        b.getNamedAttr("per_neuron", b.getStrArrayAttr(SmallVector<StringRef>(
                                         perNeuron.begin(), perNeuron.end()))));
  return a;
}

Neuron Neuron::of(DictionaryAttr kernel) {
  Neuron n;
  n.kind = kernel.getAs<StringAttr>("kind").getValue();
  auto number = [&](StringRef name, double &into) {
    if (auto a = kernel.getAs<FloatAttr>(name))
      into = a.getValueAsDouble();
  };
  number("threshold", n.threshold);
  if (auto reset = kernel.getAs<FloatAttr>("reset"))
    n.reset = reset.getValueAsDouble();
  n.decayInput = kernel.getAs<BoolAttr>("decay_input").getValue();
  number("tau", n.tau);
  number("tau_syn", n.tauSyn);
  number("tau_mem", n.tauMem);
  number("r", n.r);
  number("w_in", n.wIn);
  number("v_leak", n.vLeak);
  if (auto names = kernel.getAs<ArrayAttr>("per_neuron"))
    for (StringRef name : names.getAsValueRange<StringAttr>())
      n.perNeuron.push_back(name.str());
  return n;
}

NeuronOperands NeuronOperands::of(DictionaryAttr kernel, ValueRange operands) {
  // (the membrane's operands [, PLIF's weight] [, per-neuron parameters]
  // [, v0] [, i0])
  NeuronOperands o;
  auto flag = [&](StringRef name) {
    auto a = kernel.getAs<BoolAttr>(name);
    return a && a.getValue();
  };
  if (flag("i0")) {
    o.i0 = operands.back();
    operands = operands.drop_back();
  }
  if (flag("v0")) {
    o.v0 = operands.back();
    operands = operands.drop_back();
  }
  if (auto names = kernel.getAs<ArrayAttr>("per_neuron")) {
    o.params = operands.take_back(names.size());
    operands = operands.drop_back(names.size());
  }
  if (kernel.getAs<StringAttr>("kind").getValue() == "plif") {
    o.plif = operands.back();
    operands = operands.drop_back();
  }
  o.membrane = operands;
  return o;
}

Value StepParams::get(ImplicitLocOpBuilder &ib, StringRef name,
                      double value) const {
  for (auto [i, p] : llvm::enumerate(n.perNeuron))
    if (p == name)
      return perNeuron[i];
  return constF32(ib, value);
}

Value StepParams::inverse(ImplicitLocOpBuilder &ib, StringRef name,
                          double value) const {
  if (!llvm::is_contained(n.perNeuron, name))
    return constF32(ib, 1.0 / value);
  return arith::DivFOp::create(ib, constF32(ib, 1.0), get(ib, name, value));
}

SmallVector<Value> neuronStep(ImplicitLocOpBuilder &ib, const Neuron &n,
                              const StepParams &p, Value v, Value i, Value x,
                              Value invTau) {
  Value vr = n.reset ? p.get(ib, "reset", *n.reset) : constF32(ib, 0.0);
  Value threshold = p.get(ib, "threshold", n.threshold);
  Value h, current;
  if (n.cuba()) {
    // I' = I + (w_in X − I)/τ_syn; H = V + (v_leak − V + r I')/τ_mem.
    Value drive = arith::MulFOp::create(ib, p.get(ib, "w_in", n.wIn), x);
    current = arith::AddFOp::create(
        ib, i,
        arith::MulFOp::create(ib, arith::SubFOp::create(ib, drive, i),
                              p.inverse(ib, "tau_syn", n.tauSyn)));
    Value in = arith::AddFOp::create(
        ib, arith::SubFOp::create(ib, p.get(ib, "v_leak", n.vLeak), v),
        arith::MulFOp::create(ib, p.get(ib, "r", n.r), current));
    h = arith::AddFOp::create(
        ib, v,
        arith::MulFOp::create(ib, in, p.inverse(ib, "tau_mem", n.tauMem)));
  } else if (n.kind == "if") {
    h = arith::AddFOp::create(ib, v, x);
  } else {
    // LIF/PLIF: V + (X − (V − V_r))/τ with decay_input, else
    // V − (V − V_r)/τ + X (1/τ multiplied).
    Value leak = arith::SubFOp::create(ib, v, vr);
    Value inv = invTau ? invTau : p.inverse(ib, "tau", n.tau);
    auto scale = [&](Value e) { return arith::MulFOp::create(ib, e, inv); };
    h = n.decayInput ? arith::AddFOp::create(
                           ib, v, scale(arith::SubFOp::create(ib, x, leak)))
                           .getResult()
                     : arith::AddFOp::create(
                           ib, arith::SubFOp::create(ib, v, scale(leak)), x)
                           .getResult();
  }
  // S = [H ≥ threshold]; V = V_r where fired (hard) or H − threshold (soft).
  Value fired =
      arith::CmpFOp::create(ib, arith::CmpFPredicate::OGE, h, threshold);
  Value s =
      arith::SelectOp::create(ib, fired, constF32(ib, 1.0), constF32(ib, 0.0));
  Value reset =
      n.reset ? vr : arith::SubFOp::create(ib, h, threshold).getResult();
  Value next = arith::SelectOp::create(ib, fired, reset, h);
  SmallVector<Value> out{s, next};
  if (current)
    out.push_back(current);
  return out;
}

std::pair<Value, WKVState> wkvStep(ImplicitLocOpBuilder &ib, const WKVState &s,
                                   Value k, Value v, Value u, Value w) {
  auto sub = [&](Value x, Value y) {
    return arith::SubFOp::create(ib, x, y).getResult();
  };
  auto mulAdd = [&](Value x, Value y, Value z) {
    return arith::AddFOp::create(ib, arith::MulFOp::create(ib, x, y), z)
        .getResult();
  };
  Value uk = arith::AddFOp::create(ib, u, k);
  Value p = arith::MaximumFOp::create(ib, s.pp, uk);
  Value e1 = math::ExpOp::create(ib, sub(s.pp, p));
  Value e2 = math::ExpOp::create(ib, sub(uk, p));
  Value out = arith::DivFOp::create(
      ib, mulAdd(e1, s.aa, arith::MulFOp::create(ib, e2, v)),
      mulAdd(e1, s.bb, e2));
  // The decayed history w + pp against k.
  Value wp = arith::AddFOp::create(ib, w, s.pp);
  Value next = arith::MaximumFOp::create(ib, wp, k);
  Value f1 = math::ExpOp::create(ib, sub(wp, next));
  Value f2 = math::ExpOp::create(ib, sub(k, next));
  WKVState n{mulAdd(f1, s.aa, arith::MulFOp::create(ib, f2, v)),
             mulAdd(f1, s.bb, f2), next};
  return {out, n};
}

Value wkvDecay(ImplicitLocOpBuilder &ib, Value decay) {
  return arith::NegFOp::create(ib, math::ExpOp::create(ib, decay));
}

WKVState wkvStart(ImplicitLocOpBuilder &ib) {
  return {constF32(ib, 0.0), constF32(ib, 0.0), constF32(ib, -1e38)};
}

namespace {

using IT = utils::IteratorType;

/// Runs neurons over x [B, T, N] from the potential `v0` [B, N] (null: the
/// reset value) and, for cuba_lif, the current `i0` (null: 0); `params` are
/// the per-neuron parameters [N]; `invTau` is PLIF's σ(w) (an f32 scalar).
/// (spikes [B, T, N], the final potential [B, N] [, the final current]).
Results runNeurons(TensorBuilder &b, const Neuron &n, Value x, Value invTau,
                   ValueRange params, Value v0, Value i0) {
  SmallVector<OpFoldResult> sizes = b.sizes(x);
  SmallVector<OpFoldResult> state{sizes[0], sizes[2]};
  if (!v0) {
    // The reset value (0 when soft), per neuron where given so.
    auto reset = llvm::find(n.perNeuron, "reset");
    if (reset != n.perNeuron.end())
      v0 =
          b.generic({params[reset - n.perNeuron.begin()]}, {b.select(2, {1})},
                    b.empty(state), b.identity(2), {IT::parallel, IT::parallel},
                    [](ImplicitLocOpBuilder &, ValueRange a) {
                      return SmallVector<Value>{a[0]};
                    });
    else
      v0 = linalg::FillOp::create(b, ValueRange{b.f32(n.reset.value_or(0))},
                                  ValueRange{b.empty(state)})
               .getResult(0);
  }
  SmallVector<Value> init{v0};
  if (n.cuba())
    init.push_back(i0 ? i0 : b.zeros(state));
  init.push_back(b.empty(sizes));
  auto loop = scf::ForOp::create(
      b, b.index(0), b.dim(x, 1), b.index(1), init,
      [&](OpBuilder &nested, Location loc, Value t, ValueRange carried) {
        TensorBuilder lb(loc, nested);
        // (V [, I], X_t, params...) → (S, V' [, I']).
        SmallVector<Value> ins = llvm::to_vector(carried.drop_back());
        ins.push_back(lb.timeSlice(x, t, sizes[0]));
        SmallVector<AffineMap> maps(ins.size(), lb.identity(2));
        llvm::append_range(ins, params);
        maps.append(params.size(), lb.select(2, {1}));
        SmallVector<Value> inits(n.cuba() ? 3 : 2, lb.empty(state));
        SmallVector<Value> out = lb.generics(
            ins, maps, inits, lb.identity(2), {IT::parallel, IT::parallel},
            [&](ImplicitLocOpBuilder &ib, ValueRange a) {
              unsigned k = n.cuba() ? 3 : 2;
              StepParams p{n, a.slice(k, params.size())};
              return neuronStep(ib, n, p, a[0], n.cuba() ? a[1] : Value(),
                                a[k - 1], invTau);
            });
        SmallVector<Value> next(ArrayRef<Value>(out).drop_front());
        next.push_back(lb.insertTime(out[0], carried.back(), t));
        scf::YieldOp::create(lb, next);
      });
  Results r{loop.getResults().back(), loop.getResult(0)};
  if (n.cuba())
    r.push_back(loop.getResult(1));
  return r;
}

/// PLIF's 1/τ = σ(w) from its weight (a 0-d tensor).
Value inverseTau(TensorBuilder &b, Value w) {
  return sigmoid(b, tensor::ExtractOp::create(b, w, ValueRange{}));
}

/// x with its dims from `lead` on as one (a unit dim where it has none):
/// [B, T, ...] → [B, T, N] for an input (lead 2), [B, ...] → [B, N] for a
/// potential (lead 1), [...] → [N] for a per-neuron parameter (lead 0).
/// Neurons only see a flat last dim.
Value flattenFrom(TensorBuilder &b, Value x, int64_t lead) {
  auto t = cast<RankedTensorType>(x.getType());
  if (t.getRank() == lead + 1)
    return x;
  SmallVector<int64_t> shape(t.getShape().take_front(lead));
  SmallVector<ReassociationIndices> groups;
  for (int64_t i = 0; i + 1 < lead; ++i)
    groups.push_back({i});
  if (t.getRank() == lead) {
    SmallVector<OpFoldResult> sizes = b.sizes(x);
    sizes.push_back(b.getIndexAttr(1));
    shape.push_back(1);
    if (lead > 0)
      groups.push_back({lead - 1, lead});
    return tensor::ExpandShapeOp::create(b, t.clone(shape), x, groups, sizes);
  }
  if (lead > 0)
    groups.push_back({lead - 1});
  ReassociationIndices rest;
  int64_t n = 1;
  for (int64_t i = lead; i < t.getRank(); ++i) {
    rest.push_back(i);
    int64_t d = t.getDimSize(i);
    n = ShapedType::isDynamic(d) || ShapedType::isDynamic(n)
            ? ShapedType::kDynamic
            : n * d;
  }
  groups.push_back(rest);
  shape.push_back(n);
  return tensor::CollapseShapeOp::create(b, t.clone(shape), x, groups);
}

/// The inverse of flattenFrom() for spikes (like x) and states ([B, ...]).
Results unflatten(TensorBuilder &b, Value x, Results flat) {
  auto t = cast<RankedTensorType>(x.getType());
  if (t.getRank() == 3)
    return flat;
  SmallVector<OpFoldResult> xs = b.sizes(x);
  SmallVector<OpFoldResult> vs{xs[0]};
  vs.append(xs.begin() + 2, xs.end());
  SmallVector<int64_t> vshape{t.getDimSize(0)};
  llvm::append_range(vshape, t.getShape().drop_front(2));
  Results out;
  if (t.getRank() == 2) {
    out.push_back(tensor::CollapseShapeOp::create(
        b, t, flat[0], SmallVector<ReassociationIndices>{{0}, {1, 2}}));
    for (Value v : ArrayRef<Value>(flat).drop_front())
      out.push_back(tensor::CollapseShapeOp::create(
          b, t.clone(vshape), v, SmallVector<ReassociationIndices>{{0, 1}}));
    return out;
  }
  ReassociationIndices rest;
  for (int64_t i = 2; i < t.getRank(); ++i)
    rest.push_back(i);
  ReassociationIndices vrest;
  for (int64_t i = 1; i < t.getRank() - 1; ++i)
    vrest.push_back(i);
  out.push_back(tensor::ExpandShapeOp::create(
      b, t, flat[0], SmallVector<ReassociationIndices>{{0}, {1}, rest}, xs));
  for (Value v : ArrayRef<Value>(flat).drop_front())
    out.push_back(tensor::ExpandShapeOp::create(
        b, t.clone(vshape), v, SmallVector<ReassociationIndices>{{0}, vrest},
        vs));
  return out;
}

/// What a neuron call reads besides its membrane input: PLIF's weight, the
/// per-neuron parameters [N], the starting potential and current (each
/// may be null or empty).
struct NeuronExtras {
  Value plif;
  SmallVector<Value> params;
  Value v0, i0;

  void appendTo(SmallVectorImpl<Value> &operands) const {
    if (plif)
      operands.push_back(plif);
    llvm::append_range(operands, params);
    if (v0)
      operands.push_back(v0);
    if (i0)
      operands.push_back(i0);
  }
  /// The kernel body's run on membrane input `in`; `args` are the call's
  /// block arguments from the first extra on.
  Results run(TensorBuilder &kb, const Neuron &n, Value in,
              ValueRange args) const {
    unsigned k = 0;
    Value inv = plif ? inverseTau(kb, args[k++]) : Value();
    ValueRange p = args.slice(k, params.size());
    k += params.size();
    Value v = v0 ? args[k++] : Value();
    Value i = i0 ? args[k++] : Value();
    return runNeurons(kb, n, in, inv, p, v, i);
  }
};

/// The attributes of a neuron call: the neuron's, and whether its last
/// operands are the initial potential (and current).
SmallVector<NamedAttribute> callAttrs(TensorBuilder &b, const Neuron &n,
                                      const NeuronExtras &e) {
  SmallVector<NamedAttribute> attrs = n.attrs(b);
  attrs.push_back(b.getNamedAttr("v0", b.getBoolAttr(bool(e.v0))));
  if (n.cuba())
    attrs.push_back(b.getNamedAttr("i0", b.getBoolAttr(bool(e.i0))));
  return attrs;
}

/// Neurons on x [B, T, N]: the "neurons" kernel call, operands (x [, PLIF's
/// weight] [, per-neuron parameters] [, v0] [, i0]).
Results neuronCall(TensorBuilder &b, const Neuron &n, Value x,
                   const NeuronExtras &e) {
  SmallVector<Value> operands{x};
  e.appendTo(operands);
  return buildKernelCall(b, "neurons", callAttrs(b, n, e), operands,
                         [&](TensorBuilder &kb, ValueRange args) {
                           return e.run(kb, n, args[0], args.drop_front());
                         });
}

/// A neuron op on x, whose operand may be a linear fused into it; the
/// extras' states and parameters as the op has them ([B, ...], [...]).
Results neuronOp(TensorBuilder &b, Value x, const Neuron &n, NeuronExtras e) {
  if (e.v0)
    e.v0 = flattenFrom(b, e.v0, 1);
  if (e.i0)
    e.i0 = flattenFrom(b, e.i0, 1);
  for (Value &p : e.params)
    p = flattenFrom(b, p, 0);
  auto lin = x.getDefiningOp<LinearOp>();
  if (!lin || !isFusedIntoNeuron(lin))
    return unflatten(b, x, neuronCall(b, n, flattenFrom(b, x, 2), e));
  // (in, W [, bias], extras...); the linear, dead once its neuron is
  // replaced, goes with it (seq-lower-to-tensors erases it).
  SmallVector<Value> operands{lin.getX(), lin.getWeights()[0]};
  bool bias = lin.getBias();
  if (bias)
    operands.push_back(lin.getWeights()[1]);
  e.appendTo(operands);
  SmallVector<NamedAttribute> attrs = callAttrs(b, n, e);
  attrs.push_back(b.getNamedAttr("bias", b.getBoolAttr(bias)));
  return buildKernelCall(
      b, "neurons_linear", attrs, operands,
      [&](TensorBuilder &kb, ValueRange args) {
        Value in = buildLinear(kb, args[0], args[1], bias ? args[2] : Value());
        return e.run(kb, n, in, args.drop_front(bias ? 3 : 2));
      });
}

/// WKV in the running-max form over k, v [B, T, D] (wkvStep per step,
/// on [B, D] slices).
Value wkvBody(TensorBuilder &b, Value k, Value v, Value decay, Value first) {
  SmallVector<OpFoldResult> sizes = b.sizes(k);
  SmallVector<OpFoldResult> state{sizes[0], sizes[2]};
  Value lowest = linalg::FillOp::create(b, ValueRange{b.f32(-1e38)},
                                        ValueRange{b.empty(state)})
                     .getResult(0);
  AffineMap id = b.identity(2), channel = b.select(2, {1});
  auto loop = scf::ForOp::create(
      b, b.index(0), b.dim(k, 1), b.index(1),
      ValueRange{b.zeros(state), b.zeros(state), lowest, b.empty(sizes)},
      [&](OpBuilder &nested, Location loc, Value t, ValueRange s) {
        TensorBuilder lb(loc, nested);
        // (aa, bb, pp, k, v, u, decay) per element → (out, aa, bb, pp).
        SmallVector<Value> ins{s[0],
                               s[1],
                               s[2],
                               lb.timeSlice(k, t, sizes[0]),
                               lb.timeSlice(v, t, sizes[0]),
                               first,
                               decay};
        SmallVector<AffineMap> maps{id, id, id, id, id, channel, channel};
        SmallVector<Value> out = lb.generics(
            ins, maps, SmallVector<Value>(4, lb.empty(state)), id,
            {IT::parallel, IT::parallel},
            [&](ImplicitLocOpBuilder &ib, ValueRange a) {
              auto [y, next] = wkvStep(ib, {a[0], a[1], a[2]}, a[3], a[4], a[5],
                                       wkvDecay(ib, a[6]));
              return SmallVector<Value>{y, next.aa, next.bb, next.pp};
            });
        scf::YieldOp::create(lb, ValueRange{out[1], out[2], out[3],
                                            lb.insertTime(out[0], s[3], t)});
      });
  return loop.getResult(3);
}

Value wkvCall(TensorBuilder &b, Value k, Value v, Value decay, Value first) {
  return buildKernelCall(b, "wkv", {}, {k, v, decay, first},
                         [](TensorBuilder &kb, ValueRange a) {
                           return Results{wkvBody(kb, a[0], a[1], a[2], a[3])};
                         })[0];
}

/// shift(z)_t = z_{t−1}, 0 at t = 0; then z⊙μ + shift(z)⊙(1−μ).
Value timeMix(TensorBuilder &b, Value z, Value mu) {
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

/// x + the spikes of neurons charged by a.
Value addSpikes(TensorBuilder &b, Value x, Value a, const Neuron &n) {
  Value spikes = neuronCall(b, n, a, NeuronExtras())[0];
  return b.map({x, spikes}, x, [](ImplicitLocOpBuilder &ib, ValueRange v) {
    return arith::AddFOp::create(ib, v[0], v[1]);
  });
}

/// SpikeGPT's block (SPEC §4.5), composed of the pieces above.
Value spikingRWKV(TensorBuilder &b, SpikingRWKVOp op) {
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
  lif.tau = op.getTau().convertToDouble();
  lif.threshold = op.getVThreshold().convertToDouble();
  lif.reset = 0.0;

  Value z = buildLayerNorm(b, x, ln1w, ln1b, kEps);
  Value k = buildLinear(b, timeMix(b, z, muK), wk);
  Value v = buildLinear(b, timeMix(b, z, muV), wv);
  Value r = buildLinear(b, timeMix(b, z, muR), wr);
  Value att = wkvCall(b, k, v, decay, first);
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

std::optional<double> resetOf(std::optional<APFloat> a) {
  if (!a)
    return std::nullopt;
  return a->convertToDouble();
}

/// The threshold and reset every neuron op has, and decay_input where the
/// op has one.
template <typename OpTy> Neuron neuronOf(OpTy op, StringRef kind) {
  Neuron n;
  n.kind = kind;
  n.threshold = op.getVThreshold().convertToDouble();
  n.reset = resetOf(op.getVReset());
  if constexpr (std::is_same_v<OpTy, LIFOp> || std::is_same_v<OpTy, PLIFOp>)
    n.decayInput = op.getDecayInput();
  return n;
}

/// The per-neuron parameters of a neuron op (its `per_neuron` names, its
/// weights in that order): their kernel names into `n`, the weights into
/// `e`; a time constant given so is checked at run time (> 1, or ≥ 1 for
/// tau_syn), as the attribute's verifier does for one value.
template <typename OpTy>
void perNeuronOf(TensorBuilder &b, OpTy op, Checks &checks, Neuron &n,
                 NeuronExtras &e) {
  std::optional<ArrayAttr> names = op.getPerNeuron();
  if (!names)
    return;
  for (auto [name, w] : llvm::zip(names->template getAsValueRange<StringAttr>(),
                                  op.getWeights())) {
    std::string kernelName = name == "v_threshold" ? "threshold"
                             : name == "v_reset"   ? "reset"
                                                   : name.str();
    n.perNeuron.push_back(kernelName);
    e.params.push_back(w);
    if (name != "tau" && name != "tau_mem" && name != "tau_syn")
      continue;
    bool strict = name != "tau_syn";
    // Whether any value is ≤ 1 (< 1 for tau_syn) or NaN.
    Value flat = flattenFrom(b, w, 0);
    Value bad = b.generic(
        {flat}, {b.identity(1)},
        linalg::FillOp::create(b, ValueRange{b.f32(0.0)},
                               ValueRange{b.empty({})})
            .getResult(0),
        b.select(1, {}), {IT::reduction},
        [&](ImplicitLocOpBuilder &ib, ValueRange a) {
          Value out = arith::CmpFOp::create(ib,
                                            strict ? arith::CmpFPredicate::ULE
                                                   : arith::CmpFPredicate::ULT,
                                            a[0], constF32(ib, 1.0));
          Value flag = arith::SelectOp::create(ib, out, constF32(ib, 1.0),
                                               constF32(ib, 0.0));
          return SmallVector<Value>{arith::MaximumFOp::create(ib, a[1], flag)};
        });
    Value any = arith::CmpFOp::create(
        b, arith::CmpFPredicate::OGT,
        tensor::ExtractOp::create(b, bad, ValueRange{}), b.f32(0.0));
    checks.failIf(b, any,
                  "node '" + nodeName(op) + "': weight '" + nodeName(op) + "." +
                      name.str() + "' must be " +
                      (strict ? "greater than 1" : "at least 1") +
                      " for every neuron");
  }
}

} // namespace

Value buildSpikeLinearCall(TensorBuilder &b, LinearOp op) {
  SmallVector<Value> operands{op.getX(), op.getWeights()[0]};
  if (op.getBias())
    operands.push_back(op.getWeights()[1]);
  return buildKernelCall(
      b, "spike_linear", {}, operands, [](TensorBuilder &kb, ValueRange a) {
        return Results{
            buildLinear(kb, a[0], a[1], a.size() == 3 ? a[2] : Value())};
      })[0];
}

void populateSpikingPatterns(RewritePatternSet &patterns, Checks &checks) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<LowerOpPattern<LIFOp>>(
      ctx, checks, [](TensorBuilder &b, LIFOp op, Checks &checks) {
        Neuron n = neuronOf(op, "lif");
        n.tau = op.getTau().convertToDouble();
        NeuronExtras e;
        e.v0 = op.getV0();
        perNeuronOf(b, op, checks, n, e);
        return FailureOr<Results>(neuronOp(b, op.getX(), n, e));
      });
  patterns.add<LowerOpPattern<PLIFOp>>(
      ctx, checks, [](TensorBuilder &b, PLIFOp op, Checks &) {
        NeuronExtras e;
        e.plif = op.getWeights()[0];
        e.v0 = op.getV0();
        return FailureOr<Results>(
            neuronOp(b, op.getX(), neuronOf(op, "plif"), e));
      });
  patterns.add<LowerOpPattern<IFNeuronOp>>(
      ctx, checks, [](TensorBuilder &b, IFNeuronOp op, Checks &checks) {
        Neuron n = neuronOf(op, "if");
        NeuronExtras e;
        e.v0 = op.getV0();
        perNeuronOf(b, op, checks, n, e);
        return FailureOr<Results>(neuronOp(b, op.getX(), n, e));
      });
  patterns.add<LowerOpPattern<CubaLIFOp>>(
      ctx, checks, [](TensorBuilder &b, CubaLIFOp op, Checks &checks) {
        Neuron n = neuronOf(op, "cuba_lif");
        n.tauSyn = op.getTauSyn().convertToDouble();
        n.tauMem = op.getTauMem().convertToDouble();
        n.r = op.getR().convertToDouble();
        n.wIn = op.getWIn().convertToDouble();
        n.vLeak = op.getVLeak().convertToDouble();
        NeuronExtras e;
        e.v0 = op.getV0();
        e.i0 = op.getI0();
        perNeuronOf(b, op, checks, n, e);
        return FailureOr<Results>(neuronOp(b, op.getX(), n, e));
      });
  patterns.add<LowerOpPattern<WKVOp>>(
      ctx, checks, [](TensorBuilder &b, WKVOp op, Checks &checks) {
        Value k = op.getK(), v = op.getV();
        std::string node = nodeName(op);
        for (int64_t d : {0, 1})
          std::tie(k, v) = checks.sameDim(b, k, d, v, d,
                                          "node '" + node +
                                              "': sizes of k and v "
                                              "differ along dim " +
                                              std::to_string(d));
        return FailureOr<Results>(
            Results{wkvCall(b, k, v, op.getWeights()[0], op.getWeights()[1])});
      });
  patterns.add<LowerOpPattern<SpikingRWKVOp>>(
      ctx, checks, [](TensorBuilder &b, SpikingRWKVOp op, Checks &) {
        return FailureOr<Results>(Results{spikingRWKV(b, op)});
      });
}

} // namespace seqc
