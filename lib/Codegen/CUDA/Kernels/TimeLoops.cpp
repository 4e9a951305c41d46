//===- TimeLoops.cpp - Time loops in a GPU thread's registers -------------===//
//
// CUDA's kernels for the calls whose common body steps every lane once per
// time step ("neurons", "neurons_linear", "wkv", a sequential
// "linear_recurrence"): on the GPU that body is a launch per step, with
// the time loop on the host and the state in a buffer between launches.
// Here each lane (batch, channel) is one iteration of a parallel loop, one
// GPU thread, which carries its state in registers through the whole time
// loop: one launch, one read of each input and one write of each output
// per step, coalesced across the consecutive channels of a warp.
//
// "neurons_linear" computes its linear first, as a product of its own
// (cuBLASLt or the module's tiles), then the neurons on its output: fused
// into the time loop, the product would be a matrix-vector product per
// thread on the CUDA cores, where on its own it runs as a GEMM. That
// product stays f32 with --precision=bf16, as the CPU's fused one does:
// the neurons integrate it along time, and its rounding with them.
//
//===----------------------------------------------------------------------===//
#include "CUDAKernels.h"
#include "Lanes.h"
#include "lib/Codegen/Common/Lowering/Neurons.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace seqc {

Results lowerNeurons(TensorBuilder &b, DictionaryAttr kernel,
                     ValueRange operands, bool fused) {
  Neuron n = Neuron::of(kernel);
  NeuronOperands o = NeuronOperands::of(kernel, operands);
  Value x = o.membrane[0];
  if (fused) {
    bool bias = kernel.getAs<BoolAttr>("bias").getValue();
    // In f32 also with bf16 products: the neurons sum it along time.
    x = buildLinear(b, x, o.membrane[1], bias ? o.membrane[2] : Value(),
                    /*keepF32=*/true);
  }
  Value batch = b.dim(x, 0), steps = b.dim(x, 1), width = b.dim(x, 2);
  Value zero = b.index(0);
  // Every tensor is built before the buffers are taken (readBuffer).
  SmallVector<Value> in = readBuffers(b, {x, o.plif, o.v0, o.i0});
  Value xb = in[0], plif = in[1], v0 = in[2], i0 = in[3];
  SmallVector<Value> params = readBuffers(b, o.params);
  Value spikes = allocBuffer(b, {batch, steps, width});
  Value final = allocBuffer(b, {batch, width});
  Value current = n.cuba() ? allocBuffer(b, {batch, width}) : Value();
  forEachLane(
      b, batch, width, [&](ImplicitLocOpBuilder &ib, Value bi, Value c) {
        SmallVector<Value> given;
        for (Value p : params)
          given.push_back(load(ib, p, c));
        StepParams p{n, given};
        Value invTau = plif ? sigmoid(ib, load(ib, plif, {})) : Value();
        // V starts at v0, else at the reset value (0 when soft); I at i0,
        // else at 0.
        SmallVector<Value> init{v0 ? load(ib, v0, {bi, c})
                                   : p.get(ib, "reset", n.reset.value_or(0))};
        if (n.cuba())
          init.push_back(i0 ? load(ib, i0, {bi, c}) : constF32(ib, 0.0));
        SmallVector<Value> last = timeLoop(
            ib, zero, steps, init,
            [&](ImplicitLocOpBuilder &nb, Value t, ValueRange state) {
              SmallVector<Value> out =
                  neuronStep(nb, n, p, state[0], n.cuba() ? state[1] : Value(),
                             load(nb, xb, {bi, t, c}), invTau);
              store(nb, out[0], spikes, {bi, t, c});
              return SmallVector<Value>(ArrayRef<Value>(out).drop_front());
            });
        store(ib, last[0], final, {bi, c});
        if (n.cuba())
          store(ib, last[1], current, {bi, c});
      });
  Results r{bufferTensor(b, spikes), bufferTensor(b, final)};
  if (n.cuba())
    r.push_back(bufferTensor(b, current));
  return r;
}

Value lowerWKV(TensorBuilder &b, ValueRange operands) {
  Value batch = b.dim(operands[0], 0), steps = b.dim(operands[0], 1),
        width = b.dim(operands[0], 2), zero = b.index(0);
  SmallVector<Value> in = readBuffers(b, operands);
  Value out = allocBuffer(b, {batch, steps, width});
  forEachLane(
      b, batch, width, [&](ImplicitLocOpBuilder &ib, Value bi, Value c) {
        Value w = wkvDecay(ib, load(ib, in[2], c));
        Value u = load(ib, in[3], c);
        WKVState start = wkvStart(ib);
        timeLoop(ib, zero, steps, {start.aa, start.bb, start.pp},
                 [&](ImplicitLocOpBuilder &nb, Value t, ValueRange s) {
                   auto [y, next] = wkvStep(nb, {s[0], s[1], s[2]},
                                            load(nb, in[0], {bi, t, c}),
                                            load(nb, in[1], {bi, t, c}), u, w);
                   store(nb, y, out, {bi, t, c});
                   return SmallVector<Value>{next.aa, next.bb, next.pp};
                 });
      });
  return bufferTensor(b, out);
}

Results lowerSequentialScan(TensorBuilder &b, ValueRange operands) {
  Value batch = b.dim(operands[0], 0), steps = b.dim(operands[0], 1),
        width = b.dim(operands[0], 2), zero = b.index(0);
  SmallVector<Value> in = readBuffers(b, operands);
  Value h = allocBuffer(b, {batch, steps, width});
  Value final = allocBuffer(b, {batch, width});
  forEachLane(
      b, batch, width, [&](ImplicitLocOpBuilder &ib, Value bi, Value c) {
        Value h0 =
            in.size() == 3 ? load(ib, in[2], {bi, c}) : constF32(ib, 0.0);
        SmallVector<Value> last =
            timeLoop(ib, zero, steps, h0,
                     [&](ImplicitLocOpBuilder &nb, Value t, ValueRange s) {
                       Value next = math::FmaOp::create(
                           nb, load(nb, in[0], {bi, t, c}), s[0],
                           load(nb, in[1], {bi, t, c}));
                       store(nb, next, h, {bi, t, c});
                       return SmallVector<Value>{next};
                     });
        store(ib, last[0], final, {bi, c});
      });
  return {bufferTensor(b, h), bufferTensor(b, final)};
}

} // namespace seqc
