//===- LowerLinearToGemm.cpp - The seq-lower-linear-to-gemm pass ----------===//
//
// The CPU's last mile for projections: each linear `linalg.contract`
// (isLinearContraction) becomes the packed GEMM kernel of Gemm.h. The bias
// is read from a `linalg.broadcast` init; a zero `linalg.fill` init is no
// bias; any other init is added after the product. W is packed where the
// outermost loop that does not define it begins, so a recurrence packs
// its weights once, not every step. With `seq.precision = "bf16"` the
// products read bf16, by AMX tiles or vdpbf16ps where the target has them
// (Gemm.h).
//
//===----------------------------------------------------------------------===//
#include "Gemm.h"
#include "dialects/seq/SeqDialect.h"
#include "lib/Codegen/Common/Lowering/Lowering.h"
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace seqc {
#define GEN_PASS_DEF_SEQLOWERLINEARTOGEMM
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// The bias of a linear's init, if it is one: the row broadcast over the
/// leading dims.
Value biasOf(Value init) {
  auto broadcast = init.getDefiningOp<linalg::BroadcastOp>();
  if (!broadcast)
    return {};
  auto in = cast<RankedTensorType>(broadcast.getInput().getType());
  auto out = cast<RankedTensorType>(init.getType());
  ArrayRef<int64_t> dims = broadcast.getDimensions();
  if (in.getRank() != 1 || int64_t(dims.size()) != out.getRank() - 1)
    return {};
  for (auto [i, d] : llvm::enumerate(dims))
    if (d != int64_t(i))
      return {};
  return broadcast.getInput();
}

/// Whether a linear's init is zeros.
bool isZeros(Value init) {
  auto fill = init.getDefiningOp<linalg::FillOp>();
  if (!fill)
    return false;
  auto c = fill.getInputs()[0].getDefiningOp<arith::ConstantOp>();
  auto f = c ? dyn_cast<FloatAttr>(c.getValue()) : FloatAttr();
  return f && f.getValue().isZero();
}

/// The op before which W is packed: the outermost loop around `op` that
/// W's definition is not inside, or `op` itself.
Operation *packPoint(Operation *op, Value w) {
  Operation *at = op;
  Region *home = w.getParentRegion();
  for (Operation *parent = op->getParentOp(); parent;
       parent = parent->getParentOp()) {
    if (!isa<LoopLikeOpInterface>(parent) ||
        parent->isAncestor(home->getParentOp()))
      break;
    at = parent;
  }
  return at;
}

/// How the module's products multiply: with `seq.precision = "bf16"`, by
/// the target's bf16 tiles or dot products (`forced`: "tiles" or "dot"
/// asks for one, failing where the target lacks it); f32 otherwise (also
/// SPEC §5's fallback on a target with neither).
FailureOr<seqc::GemmKind> gemmKind(ModuleOp module, StringRef forced) {
  auto target = module->getAttrOfType<seqc::seq::TargetAttr>("seq.target");
  if (forced != "auto" && forced != "tiles" && forced != "dot")
    return module.emitError("seq-lower-linear-to-gemm: bf16-kernel is auto, "
                            "tiles or dot, not '")
           << forced << "'";
  if (!seqc::bf16Products(module) || !target)
    return seqc::GemmKind::F32;
  bool tiles = target.getBf16Tiles(), dot = target.getBf16Dot();
  if ((forced == "tiles" && !tiles) || (forced == "dot" && !dot))
    return module.emitError("seq-lower-linear-to-gemm: bf16-kernel=")
           << forced << ", which the target " << target << " lacks";
  if (tiles && forced != "dot")
    return seqc::GemmKind::BF16Tiles;
  if (dot)
    return seqc::GemmKind::BF16Dot;
  return seqc::GemmKind::F32;
}

struct SeqLowerLinearToGemm
    : seqc::impl::SeqLowerLinearToGemmBase<SeqLowerLinearToGemm> {
  using SeqLowerLinearToGemmBase::SeqLowerLinearToGemmBase;

  void runOnOperation() override {
    FailureOr<seqc::GemmKind> chosen = gemmKind(getOperation(), bf16Kernel);
    if (failed(chosen))
      return signalPassFailure();
    seqc::GemmKind kind = *chosen;
    SmallVector<linalg::ContractOp> linears;
    getOperation().walk([&](linalg::ContractOp op) {
      if (seqc::isLinearContraction(op))
        linears.push_back(op);
    });
    for (linalg::ContractOp op : linears) {
      Value x = op.getDpsInputs()[0], w = op.getDpsInputs()[1];
      Value init = op.getDpsInits()[0];
      Value bias = biasOf(init);
      seqc::TensorBuilder pb(op->getLoc(), packPoint(op, w));
      seqc::PackedWeight packed = seqc::packWeight(
          pb, w, seqc::bf16Operands(op) ? kind : seqc::GemmKind::F32);
      seqc::TensorBuilder b(op->getLoc(), op);
      Value y = seqc::linearPacked(b, x, packed, bias);
      if (y.getType() != op.getResultTypes()[0])
        y = tensor::CastOp::create(b, op.getResultTypes()[0], y);
      if (!bias && !isZeros(init))
        y = b.map({y, init}, init, [](ImplicitLocOpBuilder &ib, ValueRange a) {
          return arith::AddFOp::create(ib, a[0], a[1]);
        });
      op->getResult(0).replaceAllUsesWith(y);
      op->erase();
      if (Operation *def = init.getDefiningOp(); def && isOpTriviallyDead(def))
        def->erase();
    }
  }
};

} // namespace
