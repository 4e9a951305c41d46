//===- KernelCalls.cpp - The CPU's kernels for the common kernel calls ----===//
//
// The kernel calls of the target-independent lowering that the CPU
// computes its own way: linear_recurrence by the lane scans (Scan.h), the
// long causal convolutions and PGN's long windows by loops over lane
// blocks, gla_core by its register-tiled kernels (GLACore.cpp), the GLA
// layer's norm and gate by one loop over rows (GLANormGate.cpp), and
// gated attention by its blocked online-softmax kernel (GatedAttention.cpp),
// neurons and WKV with their state in registers along time (Spiking.cpp),
// a linear on spikes sparsely when they are few (SpikeLinear.cpp),
// ParaRNN's recurrence sequentially or by Newton iterations (ParaRNN.cpp),
// seq.rnn's time loop on a team of threads kept across steps (RNNScan.cpp),
// and the rgnn templates by the graph layouts and kernels of
// GraphLayout.cpp and GraphKernels.cpp.
//
//===----------------------------------------------------------------------===//
#include "CPUKernels.h"
#include "Scan.h"
#include "VectorLoops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace seqc {

/// h_t = a_t ⊙ h_{t−1} + b_t on (a, b[, h0]), whose sizes agree (the
/// common lowering checked them), in the scan form of `scan`.
static Results linearRecurrence(TensorBuilder &b, ValueRange operands,
                                Attribute scan) {
  Value a = operands[0];
  Value batch = b.dim(a, 0), steps = b.dim(a, 1), width = b.dim(a, 2);
  ScanBuffers bufs;
  bufs.a = {readBuffer(b, a)};
  bufs.b = {readBuffer(b, operands[1])};
  if (operands.size() == 3)
    bufs.init = {readBuffer(b, operands[2])};
  bufs.out = {allocBuffer(b, {batch, steps, width})};
  bufs.final = {allocBuffer(b, {batch, width})};
  buildScan(b, ScanForm::of(scan), batch, steps, width, bufs);
  return {bufferTensor(b, bufs.out[0]), bufferTensor(b, bufs.final[0])};
}

/// Channels per vector of the loops below.
constexpr int64_t kLanes = 16;

/// causal_conv_taps on (x, wᵀ [K, D], bias): x padded in front once with
/// K − 1 zero steps, p, then parallel over (b, t, vectors of channels),
/// y = b + Σ_i wᵀ[i] ⊙ p[b, t + i], accumulated in one vector in the order
/// of the unrolled form.
static Value causalConvLoop(TensorBuilder &b, ValueRange operands,
                            int64_t kernel) {
  Value x = operands[0];
  Value padded = b.padSteps(x, kernel - 1);
  Value batch = b.dim(x, 0), steps = b.dim(x, 1), width = b.dim(x, 2);
  Value pb = readBuffer(b, padded), wb = readBuffer(b, operands[1]);
  Value bb = readBuffer(b, operands[2]);
  Value y = allocBuffer(b, {batch, steps, width});
  forEachLaneBlock(
      b, {batch, steps}, width, kLanes,
      [&](ImplicitLocOpBuilder &ib, const LaneBlock &lb) {
        Value t = lb.outer[1];
        Value one = arith::ConstantIndexOp::create(ib, 1);
        auto loop = scf::ForOp::create(
            ib, arith::ConstantIndexOp::create(ib, 0),
            arith::ConstantIndexOp::create(ib, kernel), one,
            ValueRange{lb.load(ib, bb, {})},
            [&](OpBuilder &nb, Location loc, Value i, ValueRange acc) {
              ImplicitLocOpBuilder kb(loc, nb);
              Value xi =
                  lb.load(kb, pb, {lb.b, arith::AddIOp::create(kb, t, i)});
              Value sum = arith::AddFOp::create(
                  kb, acc[0],
                  arith::MulFOp::create(kb, lb.load(kb, wb, {i}), xi));
              scf::YieldOp::create(kb, sum);
            });
        lb.store(ib, loop.getResult(0), y, {lb.b, t});
      });
  return bufferTensor(b, y);
}

/// unfold_window on x [B, T, c]: with x padded in front by w zero steps, p,
/// row t of u is the w·c contiguous floats of p from step t, u[b, t, e] =
/// p[b, t·c + e] with p flattened to [B, (T + w)·c]. One loop over (b, t,
/// vectors of e), whatever the window.
static Value unfoldLoop(TensorBuilder &b, Value x, int64_t window) {
  int64_t c = cast<RankedTensorType>(x.getType()).getDimSize(2);
  Value padded = b.padSteps(x, window);
  auto pt = cast<RankedTensorType>(padded.getType());
  Value flat = tensor::CollapseShapeOp::create(
      b,
      RankedTensorType::get({pt.getDimSize(0), ShapedType::kDynamic},
                            pt.getElementType()),
      padded, SmallVector<ReassociationIndices>{{0}, {1, 2}});
  Value batch = b.dim(x, 0), steps = b.dim(x, 1);
  Value in = readBuffer(b, flat);
  Value u = allocBuffer(b, {batch, steps, b.index(c * window)});
  forEachLaneBlock(
      b, {batch, steps}, b.index(c * window), kLanes,
      [&](ImplicitLocOpBuilder &ib, const LaneBlock &lb) {
        Value t = lb.outer[1];
        Value from = arith::AddIOp::create(
            ib,
            arith::MulIOp::create(ib, t, arith::ConstantIndexOp::create(ib, c)),
            lb.n0);
        SmallVector<Value> at{lb.b, from};
        Value row =
            lb.mask ? vector::MaskedLoadOp::create(ib, lb.type, in, at, lb.mask,
                                                   lb.splat(ib, 0.0))
                          .getResult()
                    : vector::LoadOp::create(ib, lb.type, in, at).getResult();
        lb.store(ib, row, u, {lb.b, t});
      });
  return bufferTensor(b, u);
}

/// gla_core's form from the call's `form` (#seq.gla_form) and `layout`
/// (#seq.gla_layout): without them, recurrent with the state [K, V].
static GLAForm glaForm(DictionaryAttr kernel) {
  GLAForm form;
  if (auto layout = kernel.getAs<seq::GLALayoutAttr>("layout")) {
    form.stateVK = layout.getState() == seq::StateLayout::vk;
    form.perHeadKeys = layout.getKeys() == seq::HeadLayout::bhtd;
  }
  // (The attribute's verifier holds chunk ≥ 1 and sub-chunks dividing it.)
  auto f = kernel.getAs<seq::GLAFormAttr>("form");
  if (f && f.getMethod() == seq::GLAMethod::chunked) {
    form.chunk = f.getChunk();
    form.sub = f.getSubchunk();
  }
  return form;
}

/// An rgnn template's kernel call by the CPU's graph kernels, which read
/// the template: it is rebuilt at the call from the call's operands and
/// the kernel's attributes (all of the template's), lowered, and dropped.
static FailureOr<Results> graphTemplate(TensorBuilder &b, func::CallOp call,
                                        DictionaryAttr kernel, Checks &checks) {
  Operation *op = rebuildTemplate(b, call, kernel);
  FailureOr<Results> results = lowerGraphLayout(op, b, checks);
  if (failed(results))
    results = lowerGraphKernel(op, b);
  op->erase();
  return results;
}

FailureOr<Results> lowerKernelCall(TensorBuilder &b, func::CallOp call,
                                   Checks &checks, int64_t rnnTeamWork) {
  DictionaryAttr kernel = kernelOf(call);
  if (!kernel)
    return failure();
  if (kernel.get("template")) {
    FailureOr<Results> results = graphTemplate(b, call, kernel, checks);
    if (failed(results))
      return failure();
    return castToResultTypes(b, call, *results);
  }
  StringRef name = kernel.getAs<StringAttr>("name").getValue();
  auto integer = [&](StringRef key) {
    return kernel.getAs<IntegerAttr>(key).getInt();
  };
  auto real = [&](StringRef key) {
    return kernel.getAs<FloatAttr>(key).getValueAsDouble();
  };
  ValueRange operands = call.getOperands();
  Results results;
  if (name == "linear_recurrence")
    results = linearRecurrence(b, operands, kernel.get("scan"));
  else if (name == "causal_conv_taps")
    results = {causalConvLoop(b, operands, integer("kernel"))};
  else if (name == "unfold_window")
    results = {unfoldLoop(b, operands[0], integer("window"))};
  else if (name == "gla_core") {
    ArrayRef<int64_t> offsets;
    if (auto o = kernel.getAs<DenseI64ArrayAttr>("offsets"))
      offsets = o.asArrayRef();
    results = buildGLACore(
        b, operands[0], operands[1], operands[2], operands[3],
        operands.size() == 5 ? operands[4] : Value(), integer("heads"),
        real("scale"), real("gate_norm"), glaForm(kernel), offsets);
  } else if (name == "gated_attention") {
    AttentionShape shape{
        integer("heads"), integer("kv_heads"), integer("head_dim"),
        kernel.getAs<seq::AttentionGateAttr>("gate").getValue() ==
            seq::AttentionGate::headwise,
        std::nullopt};
    if (kernel.get("rope_theta"))
      shape.ropeTheta = real("rope_theta");
    // V per kv head unless seq-select-layout said otherwise.
    auto layout = kernel.getAs<seq::AttentionLayoutAttr>("layout");
    shape.perHeadValues =
        !layout || layout.getValues() == seq::HeadLayout::bhtd;
    results = {buildAttentionHeads(b, operands, shape)};
  } else if (name == "neurons" || name == "neurons_linear") {
    results = buildNeurons(b, kernel, operands, name == "neurons_linear");
  } else if (name == "rnn_scan") {
    results = buildRNNScan(b, kernel, operands, rnnTeamWork);
  } else if (name == "para_rnn") {
    results = buildParaRNN(b, checks, kernel, operands);
  } else if (name == "wkv") {
    results = {buildWKV(b, operands[0], operands[1], operands[2], operands[3])};
  } else if (name == "spike_linear") {
    results = {buildSpikeLinear(b, operands[0], operands[1],
                                operands.size() == 3 ? operands[2] : Value(),
                                call.getResult(0).getType())};
  } else if (name == "gla_norm_gate") {
    int64_t vd = cast<RankedTensorType>(operands[2].getType()).getDimSize(0);
    results = {buildGLANormGate(b, operands[0], operands[1],
                                integer("gate_column"), operands[2],
                                integer("heads"), vd, real("eps"))};
  } else
    return failure();
  return castToResultTypes(b, call, results);
}

} // namespace seqc
