//===- Gemm.cpp - y = x Wᵀ + b as a register-blocked vector kernel --------===//
#include "Gemm.h"
#include "VectorLoops.h"
#include "dialects/seq/SeqDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"

using namespace mlir;

namespace seqc {

static Value asIndex(TensorBuilder &b, OpFoldResult v) {
  return getValueOrCreateConstantIndexOp(b, b.getLoc(), v);
}

namespace {
/// W [N, K] as a view of a model weight: element (n, k) of W is element
/// index(n, k) of the weight (widened to f32 when stored as f16/bf16).
/// A fused projection is a stack of model weights (`parts`, rows
/// [rowStart_i, rowStart_{i+1})): element (n, k) comes from the part that
/// holds row n.
struct WeightView {
  using IndexFn =
      std::function<SmallVector<Value>(ImplicitLocOpBuilder &, Value, Value)>;
  WeightView(seq::WeightOp weight, std::string suffix, IndexFn index)
      : weight(weight), suffix(std::move(suffix)), index(std::move(index)) {}

  seq::WeightOp weight;
  std::string suffix; ///< names the view in the global's symbol
  IndexFn index;
  SmallVector<seq::WeightOp> parts;
  SmallVector<int64_t> rowStart;
};

seq::WeightOp underlyingWeight(Value v) {
  if (auto ext = v.getDefiningOp<arith::ExtFOp>())
    v = ext.getIn();
  return v.getDefiningOp<seq::WeightOp>();
}
} // namespace

/// The view of a model weight that `w` is, if any: the weight itself, its
/// transpose, a static column slice of it, or its last two dims swapped and
/// flattened; through an f16/bf16 widening.
static std::optional<WeightView> weightView(Value w) {
  auto plain = [](ImplicitLocOpBuilder &, Value n, Value k) {
    return SmallVector<Value>{n, k};
  };
  auto underlying = underlyingWeight;
  if (auto concat = w.getDefiningOp<tensor::ConcatOp>();
      concat && concat.getDim() == 0) {
    WeightView view({}, "", plain);
    view.rowStart.push_back(0);
    for (Value part : concat.getInputs()) {
      auto weight = underlying(part);
      auto type = cast<RankedTensorType>(part.getType());
      if (!weight || type.getRank() != 2 || type.isDynamicDim(0))
        return std::nullopt;
      view.parts.push_back(weight);
      view.rowStart.push_back(view.rowStart.back() + type.getDimSize(0));
      view.suffix +=
          (view.parts.size() == 1 ? "" : "+") + weight.getTensorName().str();
    }
    view.weight = view.parts.front();
    return view;
  }
  if (auto weight = underlying(w))
    return WeightView{weight, "", plain};
  if (auto t = w.getDefiningOp<linalg::TransposeOp>()) {
    if (auto weight = underlying(t.getInput()))
      return WeightView{weight, ".T",
                        [](ImplicitLocOpBuilder &, Value n, Value k) {
                          return SmallVector<Value>{k, n};
                        }};
  }
  if (auto slice = w.getDefiningOp<tensor::ExtractSliceOp>()) {
    auto weight = underlying(slice.getSource());
    ArrayRef<int64_t> offsets = slice.getStaticOffsets();
    if (weight && offsets.size() == 2 && !ShapedType::isDynamic(offsets[0]) &&
        !ShapedType::isDynamic(offsets[1]) && slice.hasUnitStride()) {
      int64_t r = offsets[0], c = offsets[1];
      return WeightView{
          weight, ".at" + std::to_string(r) + "_" + std::to_string(c),
          [r, c](ImplicitLocOpBuilder &ib, Value n, Value k) {
            return SmallVector<Value>{
                arith::AddIOp::create(ib, n,
                                      arith::ConstantIndexOp::create(ib, r)),
                arith::AddIOp::create(ib, k,
                                      arith::ConstantIndexOp::create(ib, c))};
          }};
    }
  }
  if (auto flat = w.getDefiningOp<tensor::CollapseShapeOp>()) {
    auto src = flat.getSrcType();
    bool lastTwo = src.getRank() == 3 &&
                   flat.getReassociationIndices().size() == 2 &&
                   flat.getReassociationIndices()[0].size() == 1;
    int64_t inner = src.getDimSize(2);
    // [N, A, B] with its last two dims swapped, then flattened: element
    // (n, k) is weight[n, k % A, k / A].
    auto swap = flat.getSrc().getDefiningOp<linalg::TransposeOp>();
    if (swap && lastTwo && swap.getPermutation() == ArrayRef<int64_t>{0, 2, 1})
      if (auto weight = underlying(swap.getInput()))
        return WeightView{weight, ".swapflat",
                          [inner](ImplicitLocOpBuilder &ib, Value n, Value k) {
                            Value a = arith::ConstantIndexOp::create(ib, inner);
                            return SmallVector<Value>{
                                n, arith::RemUIOp::create(ib, k, a),
                                arith::DivUIOp::create(ib, k, a)};
                          }};
  }
  return std::nullopt;
}

/// Element (n, k) of a view, as f32: from the part holding row n of a
/// stack (loaded clamped from every part and selected: this runs once per
/// packing), or from the weight through the view's index.
static Value loadView(ImplicitLocOpBuilder &b, const WeightView &view, Value wb,
                      ArrayRef<Value> parts, Value n, Value k) {
  auto widen = [&](Value v) {
    return v.getType().isF32()
               ? v
               : arith::ExtFOp::create(b, b.getF32Type(), v).getResult();
  };
  if (parts.empty())
    return widen(memref::LoadOp::create(b, wb, view.index(b, n, k)));
  Value out;
  for (size_t i = 0; i < parts.size(); ++i) {
    Value lo = arith::ConstantIndexOp::create(b, view.rowStart[i]);
    Value rows = arith::ConstantIndexOp::create(b, view.rowStart[i + 1] -
                                                       view.rowStart[i]);
    Value local = arith::MinUIOp::create(
        b, arith::SubIOp::create(b, arith::MaxUIOp::create(b, n, lo), lo),
        arith::SubIOp::create(b, rows, arith::ConstantIndexOp::create(b, 1)));
    Value v = widen(memref::LoadOp::create(b, parts[i], ValueRange{local, k}));
    out =
        i == 0
            ? v
            : arith::SelectOp::create(
                  b, arith::CmpIOp::create(b, arith::CmpIPredicate::uge, n, lo),
                  v, out)
                  .getResult();
  }
  return out;
}

/// Where lane `l` of step `s` of panel `p` reads W [n, k]: column
/// 32p + l at step s (f32 panels), or column 32p + l/2 at step 2s + l%2
/// (bf16 pairs); `inside` when both exist (the lane is 0 otherwise).
struct LaneSource {
  Value col, step, inside;
};
static LaneSource laneSource(ImplicitLocOpBuilder &b, Value p, Value s, Value l,
                             bool bf16, Value n, Value k) {
  auto index = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, v).getResult();
  };
  Value col = l, step = s;
  if (bf16) {
    col = arith::DivUIOp::create(b, l, index(2));
    step = arith::AddIOp::create(b, arith::MulIOp::create(b, s, index(2)),
                                 arith::RemUIOp::create(b, l, index(2)));
  }
  col = arith::AddIOp::create(b, arith::MulIOp::create(b, p, index(kGemmPanel)),
                              col);
  Value inside = arith::AndIOp::create(
      b, arith::CmpIOp::create(b, arith::CmpIPredicate::ult, col, n),
      arith::CmpIOp::create(b, arith::CmpIPredicate::ult, step, k));
  return {col, step, inside};
}

/// The panels of W [N, K], a view of a model weight, in a module global,
/// packed when the global was last filled from another address (first run,
/// or weights moved).
static Value globalPanels(TensorBuilder &b, const WeightView &view, int64_t n,
                          int64_t k, GemmKind kind) {
  seq::WeightOp weight = view.weight;
  // (The builder may be inside a region not yet attached to the module.)
  auto module = weight->getParentOfType<ModuleOp>();
  std::string name =
      view.parts.empty()
          ? ("seqc_packed." + weight.getTensorName() + view.suffix).str()
          : "seqc_packed." + view.suffix;
  bool bf16 = kind != GemmKind::F32;
  if (bf16)
    name += kind == GemmKind::BF16Tiles ? ".bf16tiles" : ".bf16";
  int64_t numPanels = (n + kGemmPanel - 1) / kGemmPanel;
  int64_t steps = bf16 ? pairSteps(k, kind) : k;
  int64_t lanes = bf16 ? 2 * kGemmPanel : kGemmPanel;
  auto type = MemRefType::get({numPanels, steps, lanes},
                              bf16 ? Type(b.getBF16Type()) : b.getF32Type());
  auto srcType = MemRefType::get({}, b.getI64Type());
  if (!module.lookupSymbol(name)) {
    OpBuilder mb(module.getBodyRegion());
    memref::GlobalOp::create(
        mb, weight.getLoc(), name, mb.getStringAttr("private"), type,
        mb.getUnitAttr(), /*constant=*/false, mb.getI64IntegerAttr(64));
    memref::GlobalOp::create(
        mb, weight.getLoc(), name + ".src", mb.getStringAttr("private"),
        srcType,
        DenseElementsAttr::get(RankedTensorType::get({}, mb.getI64Type()),
                               mb.getI64IntegerAttr(0).getValue()),
        /*constant=*/false, /*alignment=*/nullptr);
  }
  Value panels = memref::GetGlobalOp::create(b, type, name);
  Value src = memref::GetGlobalOp::create(b, srcType, name + ".src");
  Value wb = readBuffer(b, weight.getResult());
  SmallVector<Value> partBuffers;
  for (seq::WeightOp part : view.parts)
    partBuffers.push_back(part == weight ? wb
                                         : readBuffer(b, part.getResult()));
  // Repacked when any source moved: a hash of their addresses in order
  // (h = h·1000003 xor address, so that swapped addresses differ too).
  Value at = arith::ConstantIntOp::create(b, b.getI64Type(), 0);
  Value prime = arith::ConstantIntOp::create(b, b.getI64Type(), 1000003);
  for (Value buf : partBuffers.empty() ? SmallVector<Value>{wb} : partBuffers)
    at = arith::XOrIOp::create(
        b, arith::MulIOp::create(b, at, prime),
        arith::IndexCastOp::create(
            b, b.getI64Type(),
            memref::ExtractAlignedPointerAsIndexOp::create(b, buf)));
  Value stale = arith::CmpIOp::create(b, arith::CmpIPredicate::ne,
                                      memref::LoadOp::create(b, src), at);
  scf::IfOp::create(b, stale, [&](OpBuilder &tb, Location tl) {
    TensorBuilder ib(tl, tb);
    Value last = ib.index(n - 1);
    scf::ParallelOp::create(
        ib, ValueRange{ib.index(0)}, ValueRange{ib.index(numPanels)},
        ValueRange{ib.index(1)}, [&](OpBuilder &pb, Location pl, ValueRange p) {
          TensorBuilder lb(pl, pb);
          scf::ForOp::create(
              lb, lb.index(0), lb.index(steps), lb.index(1), ValueRange{},
              [&](OpBuilder &kb, Location kl, Value kk, ValueRange) {
                TensorBuilder cb(kl, kb);
                scf::ForOp::create(
                    cb, cb.index(0), cb.index(lanes), cb.index(1), ValueRange{},
                    [&](OpBuilder &eb, Location el, Value l, ValueRange) {
                      TensorBuilder xb(el, eb);
                      LaneSource source = laneSource(xb, p[0], kk, l, bf16,
                                                     xb.index(n), xb.index(k));
                      Value row = arith::MinUIOp::create(xb, source.col, last);
                      Value v = loadView(xb, view, wb, partBuffers, row,
                                         arith::MinUIOp::create(
                                             xb, source.step, xb.index(k - 1)));
                      Value packed = arith::SelectOp::create(xb, source.inside,
                                                             v, xb.f32(0));
                      if (bf16)
                        packed = arith::TruncFOp::create(xb, xb.getBF16Type(),
                                                         packed);
                      memref::StoreOp::create(xb, packed, panels,
                                              ValueRange{p[0], kk, l});
                      scf::YieldOp::create(xb);
                    });
                scf::YieldOp::create(cb);
              });
          scf::ReduceOp::create(lb);
        });
    memref::StoreOp::create(ib, at, src);
    scf::YieldOp::create(ib);
  });
  return panels;
}

OpFoldResult panelCount(TensorBuilder &b, OpFoldResult n) {
  if (auto c = getConstantIntValue(n))
    return b.getIndexAttr((*c + kGemmPanel - 1) / kGemmPanel);
  return arith::CeilDivUIOp::create(b, asIndex(b, n), b.index(kGemmPanel))
      .getResult();
}

PackedWeight packWeight(TensorBuilder &b, Value w, GemmKind kind) {
  SmallVector<OpFoldResult> ws = b.sizes(w);
  auto staticN = getConstantIntValue(ws[0]);
  auto staticK = getConstantIntValue(ws[1]);
  if (auto view = weightView(w); view && staticN && staticK)
    return {Value(), globalPanels(b, *view, *staticN, *staticK, kind), ws[0],
            ws[1], kind};
  bool bf16 = kind != GemmKind::F32;
  Value n = asIndex(b, ws[0]), k = asIndex(b, ws[1]);
  OpFoldResult steps = ws[1];
  if (bf16)
    steps = getAsOpFoldResult(pairSteps(b, k, kind));
  SmallVector<OpFoldResult> shape{
      panelCount(b, ws[0]), steps,
      b.getIndexAttr(bf16 ? 2 * kGemmPanel : kGemmPanel)};
  using IT = utils::IteratorType;
  Value packed = b.generic(
      {}, {}, b.empty(shape, bf16 ? b.getBF16Type() : Type()), b.identity(3),
      {IT::parallel, IT::parallel, IT::parallel},
      [&](ImplicitLocOpBuilder &ib, ValueRange) {
        LaneSource at = laneSource(ib, linalg::IndexOp::create(ib, 0),
                                   linalg::IndexOp::create(ib, 1),
                                   linalg::IndexOp::create(ib, 2), bf16, n, k);
        auto clamp = [&](Value i, Value size) {
          return arith::MinUIOp::create(
              ib, i,
              arith::SubIOp::create(ib, size,
                                    arith::ConstantIndexOp::create(ib, 1)));
        };
        Value v = tensor::ExtractOp::create(
            ib, w, ValueRange{clamp(at.col, n), clamp(at.step, k)});
        Value out =
            arith::SelectOp::create(ib, at.inside, v, constF32(ib, 0.0));
        if (bf16)
          out = arith::TruncFOp::create(ib, ib.getBF16Type(), out);
        return SmallVector<Value>{out};
      });
  return {packed, Value(), ws[0], ws[1], kind};
}

int64_t pairSteps(int64_t k, GemmKind kind) {
  int64_t pairs = (k + 1) / 2;
  if (kind == GemmKind::BF16Tiles)
    return (pairs + kTilePairs - 1) / kTilePairs * kTilePairs;
  return pairs;
}

Value pairSteps(ImplicitLocOpBuilder &b, Value k, GemmKind kind) {
  auto index = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, v).getResult();
  };
  if (auto known = getConstantIntValue(k))
    return index(pairSteps(*known, kind));
  Value pairs = arith::CeilDivUIOp::create(b, k, index(2));
  if (kind != GemmKind::BF16Tiles)
    return pairs;
  return arith::MulIOp::create(
      b, arith::CeilDivUIOp::create(b, pairs, index(kTilePairs)),
      index(kTilePairs));
}

/// The index of row `row` of the flattened leading dims `lead`.
SmallVector<Value> rowIndex(ImplicitLocOpBuilder &ib, Value row,
                            ArrayRef<Value> lead) {
  SmallVector<Value> idx(lead.size());
  for (size_t j = lead.size(); j-- > 0;) {
    if (j == 0) {
      idx[j] = row;
      break;
    }
    idx[j] = arith::RemUIOp::create(ib, row, lead[j]);
    row = arith::DivUIOp::create(ib, row, lead[j]);
  }
  return idx;
}

SmallVector<Value> withLast(SmallVector<Value> idx, Value last) {
  idx.push_back(last);
  return idx;
}

PanelPieces panelPieces(ImplicitLocOpBuilder &ib, Value n, Value n0, Value bias,
                        ValueRange biasLead) {
  auto vt = VectorType::get({kGemmLanes}, ib.getF32Type());
  Value zeros = splatF32(ib, vt, 0.0);
  PanelPieces pieces;
  for (int64_t j = 0; j < kGemmPanel / kGemmLanes; ++j) {
    Value c0 = arith::AddIOp::create(
        ib, n0, arith::ConstantIndexOp::create(ib, j * kGemmLanes));
    Value mask = vector::CreateMaskOp::create(
        ib, VectorType::get({kGemmLanes}, ib.getI1Type()),
        ValueRange{
            arith::SubIOp::create(ib, arith::MaxUIOp::create(ib, n, c0), c0)});
    SmallVector<Value> biasAt(biasLead);
    biasAt.push_back(c0);
    pieces.masks.push_back(mask);
    pieces.init.push_back(
        bias ? vector::MaskedLoadOp::create(ib, vt, bias, biasAt, mask, zeros)
                   .getResult()
             : zeros);
  }
  return pieces;
}

/// One block of up to kGemmRows rows from `row0` (rows past `rowEnd` are
/// read clamped and not stored) by panel `p` of `panels[panelLead..., p,
/// k, kGemmPanel]`, steps [k0, k1) of k. `rows.in` / `rows.out` give the
/// index of a row in x and y (flattening leading dims: memref.expand_shape
/// of two dynamic dims crashes MLIR 22's expand-strided-metadata; or
/// through an index list).
static void gemmBlock(ImplicitLocOpBuilder &ib, Value x, Value panels,
                      ValueRange panelLead, Value y, const GemmRows &rows,
                      Value row0, Value rowEnd, Value p, Value n0,
                      const PanelPieces &pieces, Value k0, Value k1,
                      bool accumulate) {
  auto vt = VectorType::get({kGemmLanes}, ib.getF32Type());
  bool bf16 = cast<MemRefType>(panels.getType()).getElementType().isBF16();
  auto pairType = VectorType::get({2 * kGemmLanes}, ib.getBF16Type());
  auto pairBits = VectorType::get({kGemmLanes}, ib.getI32Type());
  constexpr int64_t kPieces = kGemmPanel / kGemmLanes;
  Value one = arith::ConstantIndexOp::create(ib, 1);
  Value lastRow = arith::SubIOp::create(ib, rowEnd, one);
  SmallVector<SmallVector<Value>> reads;
  for (int64_t r = 0; r < kGemmRows; ++r) {
    Value row =
        arith::AddIOp::create(ib, row0, arith::ConstantIndexOp::create(ib, r));
    reads.push_back(rows.in(ib, arith::MinUIOp::create(ib, row, lastRow)));
  }
  // acc[r · kPieces + j]: row r, columns [16j, 16j + 16) of the panel.
  SmallVector<Value> acc;
  for (int64_t r = 0; r < kGemmRows; ++r)
    acc.append(pieces.init);
  auto loop = scf::ForOp::create(
      ib, k0, k1, one, acc,
      [&](OpBuilder &nested, Location loc, Value kk, ValueRange carried) {
        ImplicitLocOpBuilder nb(loc, nested);
        auto index = [&](int64_t v) {
          return arith::ConstantIndexOp::create(nb, v).getResult();
        };
        // f32: one step of k, each lane a column, times x's element. bf16:
        // two steps, each lane a column's pair, times x's pair (vdpbf16ps).
        SmallVector<Value> w;
        for (int64_t j = 0; j < kPieces; ++j) {
          SmallVector<Value> at(panelLead);
          at.append({p, kk, index(j * (bf16 ? 2 : 1) * kGemmLanes)});
          w.push_back(
              vector::LoadOp::create(nb, bf16 ? pairType : vt, panels, at));
        }
        SmallVector<Value> next;
        for (int64_t r = 0; r < kGemmRows; ++r) {
          Value xs;
          if (bf16) {
            Value pair = vector::LoadOp::create(
                nb, VectorType::get({2}, nb.getBF16Type()), x,
                withLast(reads[r], arith::MulIOp::create(nb, kk, index(2))));
            xs = vector::BitCastOp::create(
                nb, pairType,
                vector::BroadcastOp::create(
                    nb, pairBits,
                    vector::BitCastOp::create(
                        nb, VectorType::get({1}, nb.getI32Type()), pair)));
          } else {
            xs = vector::BroadcastOp::create(
                nb, vt, memref::LoadOp::create(nb, x, withLast(reads[r], kk)));
          }
          for (int64_t j = 0; j < kPieces; ++j) {
            Value acc = carried[r * kPieces + j];
            next.push_back(
                bf16 ? x86vector::DotBF16Op::create(nb, vt, acc, xs, w[j])
                           .getResult()
                     : vector::FMAOp::create(nb, xs, w[j], acc).getResult());
          }
        }
        scf::YieldOp::create(nb, next);
      });
  Value zeros = splatF32(ib, vt, 0.0);
  for (int64_t r = 0; r < kGemmRows; ++r) {
    Value row =
        arith::AddIOp::create(ib, row0, arith::ConstantIndexOp::create(ib, r));
    Value valid =
        arith::CmpIOp::create(ib, arith::CmpIPredicate::ult, row, rowEnd);
    scf::IfOp::create(ib, valid, [&](OpBuilder &tb, Location tl) {
      ImplicitLocOpBuilder sb(tl, tb);
      SmallVector<Value> out = rows.out(sb, row);
      for (int64_t j = 0; j < kPieces; ++j) {
        SmallVector<Value> to = withLast(
            out,
            arith::AddIOp::create(
                sb, n0, arith::ConstantIndexOp::create(sb, j * kGemmLanes)));
        Value v = loop.getResult(r * kPieces + j);
        if (accumulate)
          v = arith::AddFOp::create(sb, v,
                                    vector::MaskedLoadOp::create(
                                        sb, vt, y, to, pieces.masks[j], zeros));
        vector::MaskedStoreOp::create(sb, y, to, pieces.masks[j], v);
      }
      scf::YieldOp::create(sb);
    });
  }
  // Four steps of k per iteration: less loop overhead per FMA. (After the
  // stores: the unrolling sends the results' uses to its remainder loop.)
  (void)loopUnrollByFactor(loop, 4);
}

void gemmTask(ImplicitLocOpBuilder &ib, Value x, Value panels,
              ValueRange panelLead, Value bias, ValueRange biasLead, Value y,
              Value n, Value k, Value r0, Value r1, Value p,
              const GemmRows &rows) {
  auto vt = VectorType::get({kGemmLanes}, ib.getF32Type());
  Value zeroIdx = arith::ConstantIndexOp::create(ib, 0);
  Value n0 = arith::MulIOp::create(
      ib, p, arith::ConstantIndexOp::create(ib, kGemmPanel));
  // Slices after the first start from zeros (they add to y).
  PanelPieces pieces = panelPieces(ib, n, n0, bias, biasLead);
  PanelPieces zeroPieces = pieces;
  zeroPieces.init.assign(pieces.init.size(), splatF32(ib, vt, 0.0));
  // The rows, a slice of kGemmDepth steps of k at a time (its part of the
  // panel stays in L1 across the row blocks); slices after the first add
  // to y.
  auto slice = [&](ImplicitLocOpBuilder &sb, Value k0,
                   const PanelPieces &blockPieces, bool accumulate) {
    Value k1 = arith::MinUIOp::create(
        sb, k,
        arith::AddIOp::create(sb, k0,
                              arith::ConstantIndexOp::create(sb, kGemmDepth)));
    scf::ForOp::create(
        sb, r0, r1, arith::ConstantIndexOp::create(sb, kGemmRows), ValueRange{},
        [&](OpBuilder &fb, Location fl, Value row0, ValueRange) {
          ImplicitLocOpBuilder bb(fl, fb);
          gemmBlock(bb, x, panels, panelLead, y, rows, row0, r1, p, n0,
                    blockPieces, k0, k1, accumulate);
          scf::YieldOp::create(bb);
        });
  };
  slice(ib, zeroIdx, pieces, rows.accumulate);
  scf::ForOp::create(ib, arith::ConstantIndexOp::create(ib, kGemmDepth), k,
                     arith::ConstantIndexOp::create(ib, kGemmDepth),
                     ValueRange{},
                     [&](OpBuilder &fb, Location fl, Value k0, ValueRange) {
                       ImplicitLocOpBuilder sb(fl, fb);
                       slice(sb, k0, zeroPieces, true);
                       scf::YieldOp::create(sb);
                     });
}

void gemmRows(ImplicitLocOpBuilder &b, Value x, Value panels,
              ValueRange panelLead, Value bias, ValueRange biasLead, Value y,
              Value n, Value k, Value lo, Value hi, const GemmRows &rows) {
  Value chunk = arith::ConstantIndexOp::create(b, kGemmChunk);
  Value count = arith::SubIOp::create(b, hi, lo);
  Value chunks = arith::CeilDivUIOp::create(b, count, chunk);
  Value numPanels = arith::CeilDivUIOp::create(
      b, n, arith::ConstantIndexOp::create(b, kGemmPanel));
  Value zeroIdx = arith::ConstantIndexOp::create(b, 0);
  Value oneIdx = arith::ConstantIndexOp::create(b, 1);
  scf::ParallelOp::create(
      b, ValueRange{zeroIdx, zeroIdx}, ValueRange{chunks, numPanels},
      ValueRange{oneIdx, oneIdx},
      [&](OpBuilder &nested, Location loc, ValueRange ivs) {
        ImplicitLocOpBuilder ib(loc, nested);
        Value r0 = arith::AddIOp::create(
            ib, lo,
            arith::MulIOp::create(
                ib, ivs[0], arith::ConstantIndexOp::create(ib, kGemmChunk)));
        Value r1 = arith::MinUIOp::create(
            ib, hi,
            arith::AddIOp::create(
                ib, r0, arith::ConstantIndexOp::create(ib, kGemmChunk)));
        gemmTask(ib, x, panels, panelLead, bias, biasLead, y, n, k, r0, r1,
                 ivs[1], rows);
      });
}

Value linearPacked(TensorBuilder &b, Value x, const PackedWeight &w,
                   Value bias) {
  auto xt = cast<RankedTensorType>(x.getType());
  int64_t rank = xt.getRank();
  SmallVector<Value> lead, ySizes;
  Value m = b.index(1);
  for (int64_t i = 0; i + 1 < rank; ++i) {
    lead.push_back(b.dim(x, i));
    m = arith::MulIOp::create(b, m, lead.back());
  }
  Value n = asIndex(b, w.n), k = asIndex(b, w.k);
  ySizes = lead;
  ySizes.push_back(n);
  Value xb = readBuffer(b, x);
  Value panels = w.global ? w.global : readBuffer(b, w.panels);
  Value biasb = bias ? readBuffer(b, bias) : Value();
  Value y = allocBuffer(b, ySizes);
  auto leadRow = [&](ImplicitLocOpBuilder &ib, Value row) {
    return rowIndex(ib, row, lead);
  };
  GemmRows rows{leadRow, leadRow, false};
  if (w.kind != GemmKind::F32) {
    Value steps = pairSteps(b, k, w.kind);
    xb = bf16Rows(b, xb, lead, m, k, steps, w.kind);
    if (w.kind == GemmKind::BF16Tiles) {
      gemmTiles(b, xb, panels, biasb, y, n, steps, m, leadRow);
      return bufferTensor(b, y);
    }
    k = steps;
    rows.in = [](ImplicitLocOpBuilder &, Value row) {
      return SmallVector<Value>{row};
    };
  }
  gemmRows(b, xb, panels, {}, biasb, {}, y, n, k, b.index(0), m, rows);
  return bufferTensor(b, y);
}

} // namespace seqc
