//===- Spiking.cpp - Spiking neurons and WKV on the CPU
//--------------------===//
//
// The CPU's kernels for the common lowering's "neurons", "neurons_linear"
// and "wkv" calls. A neuron's membrane potential lives in a vector register
// across the whole time loop: parallel over (batch, blocks of neurons),
// sequential over time, one read of the input and one write of the spikes
// per step. For "neurons_linear" the membrane input is computed inside that
// loop nest from the linear's input and weights instead of being
// materialized.
//
//===----------------------------------------------------------------------===//
#include "CPUKernels.h"
#include "VectorLoops.h"
#include "lib/Codegen/Common/Lowering/Neurons.h"

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
/// A neuron (Neurons.h; cuba_lif in docs/spiking-ops.md) and what the
/// loops read of it: PLIF's σ(w) (an f32 scalar) and the buffers [N] of
/// the parameters given per neuron, in perNeuron's order.
struct NeuronKernel : Neuron {
  Value invTau;
  SmallVector<Value> paramBuffers;
};

/// A lane block's parameters as vectors: splat constants, or loaded once
/// per block where given per neuron (time constants as their inverses).
struct BlockParams {
  Value threshold, vr, invTau, invTauSyn, invTauMem, r, wIn, vLeak;

  BlockParams(ImplicitLocOpBuilder &ib, const LaneBlock &lb,
              const NeuronKernel &n) {
    auto param = [&](StringRef name, double value) {
      for (auto [p, buffer] : llvm::zip(n.perNeuron, n.paramBuffers))
        if (p == name)
          return lb.load(ib, buffer, {});
      return lb.splat(ib, value);
    };
    // Multiplying by 1/τ instead of dividing by τ moves H by at most an
    // ulp: a spike can only change at a tie, which SPEC §5 exempts.
    auto inverse = [&](StringRef name, double value) -> Value {
      if (!llvm::is_contained(n.perNeuron, name))
        return lb.splat(ib, 1.0 / value);
      return arith::DivFOp::create(ib, lb.splat(ib, 1.0), param(name, value));
    };
    threshold = param("threshold", n.threshold);
    vr = n.reset ? param("reset", *n.reset) : lb.splat(ib, 0.0);
    invTau = n.kind == "plif" ? lb.splat(ib, n.invTau) : inverse("tau", n.tau);
    if (n.cuba()) {
      invTauSyn = inverse("tau_syn", n.tauSyn);
      invTauMem = inverse("tau_mem", n.tauMem);
      r = param("r", n.r);
      wIn = param("w_in", n.wIn);
      vLeak = param("v_leak", n.vLeak);
    }
  }
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

/// One step: charge from (V [, I], X), fire, reset; returns (spikes, new V
/// [, new I]).
static SmallVector<Value> step(ImplicitLocOpBuilder &ib, const LaneBlock &lb,
                               const NeuronKernel &n, const BlockParams &p,
                               Value v, Value i, Value x) {
  Value h, current;
  if (n.cuba()) {
    // I' = I + (w_in X − I)/τ_syn; H = V + (v_leak − V + r I')/τ_mem.
    current = vector::FMAOp::create(
        ib, arith::SubFOp::create(ib, arith::MulFOp::create(ib, p.wIn, x), i),
        p.invTauSyn, i);
    Value in = vector::FMAOp::create(ib, p.r, current,
                                     arith::SubFOp::create(ib, p.vLeak, v));
    h = vector::FMAOp::create(ib, in, p.invTauMem, v);
  } else if (n.kind == "if") {
    h = arith::AddFOp::create(ib, v, x);
  } else {
    Value leak = arith::SubFOp::create(ib, v, p.vr);
    auto scale = [&](Value e) -> Value {
      return arith::MulFOp::create(ib, e, p.invTau);
    };
    h = n.decayInput ? arith::AddFOp::create(
                           ib, v, scale(arith::SubFOp::create(ib, x, leak)))
                     : arith::AddFOp::create(
                           ib, arith::SubFOp::create(ib, v, scale(leak)), x);
  }
  Value fired =
      arith::CmpFOp::create(ib, arith::CmpFPredicate::OGE, h, p.threshold);
  Value one = lb.splat(ib, 1.0), zero = lb.splat(ib, 0.0);
  Value s = arith::SelectOp::create(ib, fired, one, zero);
  Value next = n.reset ? arith::SelectOp::create(ib, fired, p.vr, h).getResult()
                       : arith::SubFOp::create(
                             ib, h, arith::MulFOp::create(ib, s, p.threshold))
                             .getResult();
  SmallVector<Value> out{s, next};
  if (current)
    out.push_back(current);
  return out;
}

/// Runs neurons over x3 [B, T, N] (or a fused linear) from the potential
/// `v0` and, for cuba_lif, the current `i0` ([B, N] buffers, or null: the
/// reset value and 0); returns spikes [B, T, N], the final potential [B, N]
/// and, for cuba_lif, the final current [B, N].
static Results runNeurons(TensorBuilder &b, const NeuronKernel &n,
                          const MembraneInput &input, Value v0, Value i0) {
  Value batch = input.batch, steps = input.steps, width = input.width;
  bool cuba = n.cuba();
  Value spikes = allocBuffer(b, {batch, steps, width});
  Value final = allocBuffer(b, {batch, width});
  Value current = cuba ? allocBuffer(b, {batch, width}) : Value();
  forEachLaneBlock(
      b, {batch}, width, kNeuronLanes,
      [&](ImplicitLocOpBuilder &ib, const LaneBlock &lb) {
        BlockParams p(ib, lb, n);
        // V starts at v0, else at the reset value (0 when soft).
        SmallVector<Value> start{v0 ? lb.load(ib, v0, {lb.b}) : p.vr};
        if (cuba)
          start.push_back(i0 ? lb.load(ib, i0, {lb.b}) : lb.splat(ib, 0.0));
        auto loop = scf::ForOp::create(
            ib, arith::ConstantIndexOp::create(ib, 0), steps,
            arith::ConstantIndexOp::create(ib, 1), start,
            [&](OpBuilder &nested, Location loc, Value t, ValueRange carried) {
              ImplicitLocOpBuilder nb(loc, nested);
              SmallVector<Value> out =
                  step(nb, lb, n, p, carried[0], cuba ? carried[1] : Value(),
                       input.at(nb, lb, t, steps));
              lb.store(nb, out[0], spikes, {lb.b, t});
              scf::YieldOp::create(nb, ArrayRef<Value>(out).drop_front());
            });
        lb.store(ib, loop.getResult(0), final, {lb.b});
        if (cuba)
          lb.store(ib, loop.getResult(1), current, {lb.b});
      });
  Results r{bufferTensor(b, spikes), bufferTensor(b, final)};
  if (cuba)
    r.push_back(bufferTensor(b, current));
  return r;
}

/// The membrane input of a "neurons" call (x [B, T, N]) or of a
/// "neurons_linear" one (in [B, T, K], W [N, K], the bias when `bias`).
static MembraneInput membraneInput(TensorBuilder &b, ValueRange operands,
                                   bool fused, bool bias) {
  MembraneInput in;
  if (fused) {
    Value x = operands[0], w = operands[1];
    SmallVector<OpFoldResult> s = b.sizes(w);
    in.in = readBuffer(b, x);
    in.wt =
        readBuffer(b, linalg::TransposeOp::create(b, w, b.empty({s[1], s[0]}),
                                                  ArrayRef<int64_t>{1, 0})
                          .getResult()[0]);
    if (bias)
      in.bias = readBuffer(b, operands[2]);
    in.k = b.dim(x, 2);
    in.batch = b.dim(x, 0);
    in.steps = b.dim(x, 1);
    in.width = b.dim(w, 0);
    return in;
  }
  Value x = operands[0];
  in.x = readBuffer(b, x);
  in.batch = b.dim(x, 0);
  in.steps = b.dim(x, 1);
  in.width = b.dim(x, 2);
  return in;
}

Results buildNeurons(TensorBuilder &b, DictionaryAttr kernel,
                     ValueRange operands, bool fused) {
  NeuronKernel n{Neuron::of(kernel), Value(), {}};
  NeuronOperands o = NeuronOperands::of(kernel, operands);
  if (o.plif)
    n.invTau = sigmoid(b, tensor::ExtractOp::create(b, o.plif, ValueRange{}));
  bool bias = fused && kernel.getAs<BoolAttr>("bias").getValue();
  MembraneInput input = membraneInput(b, o.membrane, fused, bias);
  for (Value p : o.params)
    n.paramBuffers.push_back(readBuffer(b, p));
  return runNeurons(b, n, input, o.v0 ? readBuffer(b, o.v0) : o.v0,
                    o.i0 ? readBuffer(b, o.i0) : o.i0);
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
        Value w = wkvDecay(ib, lb.load(ib, db, {}));
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

} // namespace seqc
