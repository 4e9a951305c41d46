//===- SelectLayout.cpp - The seq-select-layout pass ----------------------===//
//
// Chooses the layouts attention's consumers read and carry (see the pass
// description in Passes.td) and records them on each op as `seq.layout`.
//
//===----------------------------------------------------------------------===//
#include "dialects/seq/SeqDialect.h"
#include "seqc/Conversion/GLAShapes.h"
#include "seqc/Transforms/Passes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringExtras.h"

namespace seqc {
#define GEN_PASS_DEF_SEQSELECTLAYOUT
#include "seqc/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace seqc::seq;
namespace gla = seqc::gla;
using gla::ceilDiv;

namespace {

/// A horizontal sum of a vector's 16 lanes: about 4 shuffles and 4 adds.
constexpr int64_t kReduceOps = 8;
/// A copy per head pays for itself when the consumer reads each row at
/// least this many times (measured on gla_core, K = 64, T = 2048..8192: a
/// per-head copy of q, k and the decays is 6% faster when 8 blocks of
/// value columns read them and 4% slower with one).
constexpr int64_t kCopyReuse = 4;
/// gated_attention reads V per kv head from T steps on (or T unknown): a
/// tile reads every V row up to its own, and once a head's rows, a fused
/// projection row apart, no longer stay in cache, compact rows pay for the
/// copy (the benchmark's layer, 4 KB rows, ms in place / per head: T = 256:
/// 2.57 / 2.58, T = 2048: 42.5 / 36.2).
constexpr int64_t kValueCopySteps = 512;

/// Vector ops per step and head of the recurrent GLA forms: [K, V] does 3
/// per key row and 16 value columns; [V, K] 3 per value column and 16 keys,
/// plus a horizontal sum per value column, and its ops measured about
/// twice as slow (gla_core, H = 4, K = 64, T = 8192, 2 threads; [K, V]
/// against [V, K] ms: V = 4: 3.2 / 1.7, V = 8: 2.3 / 3.0, V = 16: 2.3 /
/// 3.7, V = 32: 3.1 / 7.1).
int64_t stateCost(int64_t keyDim, int64_t valueDim, bool vk) {
  if (vk)
    return 2 * (3 * valueDim * ceilDiv(keyDim, gla::kLanes) +
                kReduceOps * valueDim);
  return 3 * keyDim * ceilDiv(valueDim, gla::kLanes);
}

struct SeqSelectLayout : seqc::impl::SeqSelectLayoutBase<SeqSelectLayout> {
  using SeqSelectLayoutBase::SeqSelectLayoutBase;

  /// The forced choice of `option`, or "" for auto; fails on an unknown one.
  FailureOr<StringRef> forced(StringRef name, StringRef value,
                              ArrayRef<StringRef> allowed) {
    if (value == "auto")
      return StringRef();
    if (llvm::is_contained(allowed, value))
      return value;
    getOperation().emitError("seq-select-layout: ")
        << name << " must be one of auto, " << llvm::join(allowed, ", ")
        << ", got '" << value << "'";
    return failure();
  }

  void runOnOperation() override {
    auto st = forced("state", state, {"kv", "vk"});
    auto ks = forced("keys", keys, {"bthd", "bhtd"});
    auto vs = forced("values", values, {"bthd", "bhtd"});
    if (failed(st) || failed(ks) || failed(vs))
      return signalPassFailure();
    Builder b(&getContext());
    auto dict = [&](ArrayRef<std::pair<StringRef, StringRef>> entries) {
      SmallVector<NamedAttribute> attrs;
      for (auto [name, value] : entries)
        attrs.push_back(b.getNamedAttr(name, b.getStringAttr(value)));
      return b.getDictionaryAttr(attrs);
    };
    getOperation().walk([&](Operation *op) {
      if (auto attn = dyn_cast<GatedAttentionOp>(op)) {
        int64_t steps =
            cast<RankedTensorType>(attn.getX().getType()).getDimSize(1);
        bool copy = ShapedType::isDynamic(steps) || steps >= kValueCopySteps;
        StringRef v = !vs->empty() ? *vs : copy ? "bhtd" : "bthd";
        op->setAttr(
            "seq.layout",
            dict({{"queries", "bhtd"}, {"keys", "bhtd"}, {"values", v}}));
        return;
      }
      int64_t heads, keyDim, valueDim;
      if (auto core = dyn_cast<GLACoreOp>(op)) {
        heads = core.getHeads();
        keyDim = cast<RankedTensorType>(core.getQ().getType()).getDimSize(2);
        valueDim = cast<RankedTensorType>(core.getV().getType()).getDimSize(2);
        if (ShapedType::isDynamic(keyDim) || ShapedType::isDynamic(valueDim))
          return; // the lowering rejects it
        keyDim /= heads;
        valueDim /= heads;
      } else if (auto layer = dyn_cast<GLAOp>(op)) {
        heads = layer.getHeads();
        keyDim = int64_t(layer.getKeyDim()) / heads;
        valueDim = int64_t(layer.getValueDim()) / heads;
      } else {
        return;
      }
      bool vk = !st->empty() ? *st == "vk"
                             : stateCost(keyDim, valueDim, true) <
                                   stateCost(keyDim, valueDim, false);
      bool perHead = !ks->empty()
                         ? *ks == "bhtd"
                         : gla::keyReads(keyDim, valueDim, vk) >= kCopyReuse;
      op->setAttr("seq.layout", dict({{"keys", perHead ? "bhtd" : "bthd"},
                                      {"values", "bthd"},
                                      {"state", vk ? "vk" : "kv"}}));
    });
  }
};

} // namespace
