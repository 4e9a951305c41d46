//===- GraphKernels.cpp - The rgnn GEMM and traversal templates -----------===//
//
// gemm: the packed GEMM kernel of Gemm.cpp per segment (relation or node
// type), reading rows through an index list and writing or adding rows
// through another. edge_map: a parallel loop over edges. node_reduce: a
// parallel loop over destination nodes, each walking its R segments of the
// sorted edges, keeping its sums in vector registers; a node owns its
// output row, so no two threads write the same memory.
//
//===----------------------------------------------------------------------===//
#include "CPUKernels.h"
#include "Gemm.h"
#include "VectorLoops.h"
#include "dialects/rgnn/RGNNDialect.h"
#include "lib/Codegen/Common/LoopBuilders.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <limits>

using namespace mlir;
using namespace seqc;
using namespace seqc::loops;
using arith::CmpIPredicate;

namespace {

int64_t width(Value v) {
  return cast<ShapedType>(v.getType()).getShape().back();
}

/// W [S, I, O] → panels [S, ⌈O/32⌉, I, 32], zero-padded.
Value packSegments(TensorBuilder &b, Value w) {
  SmallVector<OpFoldResult> ws = b.sizes(w);
  Value o = b.dim(w, 2);
  OpFoldResult panels = panelCount(b, ws[2]);
  using IT = utils::IteratorType;
  return b.generic(
      {}, {}, b.empty({ws[0], panels, ws[1], b.getIndexAttr(kGemmPanel)}),
      b.identity(4), {IT::parallel, IT::parallel, IT::parallel, IT::parallel},
      [&](ImplicitLocOpBuilder &ib, ValueRange) {
        Value s = linalg::IndexOp::create(ib, 0);
        Value p = linalg::IndexOp::create(ib, 1);
        Value k = linalg::IndexOp::create(ib, 2);
        Value col = add(ib, mul(ib, p, idx(ib, kGemmPanel)),
                        linalg::IndexOp::create(ib, 3));
        Value inside = cmp(ib, CmpIPredicate::ult, col, o);
        Value at = arith::MinUIOp::create(
            ib, col, arith::SubIOp::create(ib, o, idx(ib, 1)));
        Value v = tensor::ExtractOp::create(ib, w, ValueRange{s, k, at});
        return SmallVector<Value>{
            arith::SelectOp::create(ib, inside, v, constF32(ib, 0.0))};
      });
}

Value gemm(TensorBuilder &b, rgnn::GemmOp op) {
  Value w = op.getWeight();
  Value packed = packSegments(b, w);
  Value segmentsCount = b.dim(w, 0), in = b.dim(w, 1), out = b.dim(w, 2);
  Value x = readBuffer(b, op.getX());
  Value panels = readBuffer(b, packed);
  Value offsets = readBuffer(b, op.getOffsets());
  Value rows = op.getRows() ? readBuffer(b, op.getRows()) : Value();
  Value scatter = op.getScatter() ? readBuffer(b, op.getScatter()) : Value();
  Value bias = op.getBias() ? readBuffer(b, op.getBias()) : Value();
  Value dense = op.getDense();
  Value y = allocBuffer(b, {b.dim(op.getInit(), 0), out});
  if (op.getAccumulate())
    memref::CopyOp::create(b, readBuffer(b, op.getInit()), y);
  // The segments both the weight and the offsets have.
  segmentsCount = arith::MinUIOp::create(
      b, segmentsCount,
      arith::SubIOp::create(
          b, arith::MaxUIOp::create(b, b.dim(op.getOffsets(), 0), idx(b, 1)),
          idx(b, 1)));
  forRange(b, idx(b, 0), segmentsCount, [&](IB &ib, Value s) {
    Value lo = loadIndex(ib, offsets, s);
    Value hi = loadIndex(ib, offsets, add(ib, s, idx(ib, 1)));
    GemmRows map{[&](IB &rb, Value m) -> SmallVector<Value> {
                   if (!rows)
                     return {m};
                   Value r = loadIndex(rb, rows, m);
                   if (dense)
                     r = arith::SelectOp::create(
                         rb, dense, arith::SubIOp::create(rb, m, lo), r);
                   return {r};
                 },
                 [&](IB &rb, Value m) -> SmallVector<Value> {
                   if (!scatter)
                     return {m};
                   return {loadIndex(rb, scatter, m)};
                 },
                 op.getAccumulate()};
    gemmRows(ib, x, panels, {s}, bias, {s}, y, out, in, lo, hi, map);
  });
  return bufferTensor(b, y);
}

/// Whether rows are read through a per-edge row list (pair_rows').
bool isPairMode(rgnn::RowMode mode) {
  return mode == rgnn::RowMode::pair_src || mode == rgnn::RowMode::pair_dst;
}

/// The row of a table that an edge reads, by mode (see rgnn.edge_map).
struct RowReader {
  Value src, dst, types, edgeRows;
  rgnn::RowMode mode;
  /// `e` the edge's position, `rel` its relation when known (else read),
  /// `node` its destination when known.
  Value row(IB &b, Value e, Value rel = {}, Value node = {}) const {
    using rgnn::RowMode;
    if (mode == RowMode::edge)
      return e;
    if (mode == RowMode::type)
      return rel ? rel : loadIndex(b, types, e);
    if (mode == RowMode::dst && node)
      return node;
    if (mode == RowMode::src || mode == RowMode::dst)
      return loadIndex(b, mode == RowMode::src ? src : dst, e);
    return loadIndex(b, edgeRows, e);
  }
  /// Whether rows differ from edge to edge at random (worth prefetching).
  bool scattered() const {
    return mode == rgnn::RowMode::src || isPairMode(mode);
  }
};

/// Edges ahead whose rows are prefetched: the row reads are random, and
/// each depends on an index load, so without it a traversal waits on
/// memory edge after edge.
constexpr int64_t kPrefetchAhead = 8;

/// Prefetches the row of `table` that the edge `ahead` positions after `e`
/// reads (clamped to the last edge `last`), one prefetch per cache line.
void prefetchRow(IB &b, const RowReader &r, Value table, Value e, Value last,
                 int64_t width) {
  if (!r.scattered())
    return;
  Value next =
      arith::MinUIOp::create(b, add(b, e, idx(b, kPrefetchAhead)), last);
  Value row = r.row(b, next);
  for (int64_t col = 0; col < width; col += 16)
    memref::PrefetchOp::create(b, table, ValueRange{row, idx(b, col)},
                               b.getBoolAttr(false), b.getI32IntegerAttr(3),
                               b.getBoolAttr(true));
}

Value loadRow(IB &b, Value table, Value row, int64_t offset, int64_t len) {
  auto vt = VectorType::get({len}, b.getF32Type());
  return vector::LoadOp::create(b, vt, table, ValueRange{row, idx(b, offset)});
}

FailureOr<Value> edgeMap(TensorBuilder &b, rgnn::EdgeMapOp op) {
  rgnn::EdgeMapKind kind = op.getKind();
  int64_t heads = op.getHeads();
  int64_t w = width(op.getTables()[0]);
  if (ShapedType::isDynamic(w))
    return op.emitOpError("needs tables of static width"), failure();
  Value e = b.dim(op.getSrc(), 0);
  SmallVector<RowReader> readers;
  Value src = readBuffer(b, op.getSrc()), dst = readBuffer(b, op.getDst());
  Value types = readBuffer(b, op.getTypes());
  SmallVector<Value> tables;
  unsigned nextMap = 0;
  for (auto [table, mode] : llvm::zip(op.getTables(), op.getModes())) {
    tables.push_back(readBuffer(b, table));
    rgnn::RowMode m = cast<rgnn::RowModeAttr>(mode).getValue();
    Value map =
        isPairMode(m) ? readBuffer(b, op.getRowMaps()[nextMap++]) : Value();
    readers.push_back({src, dst, types, map, m});
  }
  Value y =
      allocBuffer(b, {e, idx(b, kind == rgnn::EdgeMapKind::dot ? heads : w)});
  Value last = arith::SubIOp::create(b, arith::MaxUIOp::create(b, e, idx(b, 1)),
                                     idx(b, 1));
  parallelRange(b, idx(b, 0), e, [&](IB &ib, Value edge) {
    for (auto [reader, table] : llvm::zip(readers, tables))
      prefetchRow(ib, reader, table, edge, last, w);
    if (kind == rgnn::EdgeMapKind::copy) {
      Value row = readers[0].row(ib, edge);
      vector::StoreOp::create(ib, loadRow(ib, tables[0], row, 0, w), y,
                              ValueRange{edge, idx(ib, 0)});
      return;
    }
    int64_t d = w / heads;
    Value ra = readers[0].row(ib, edge), rb = readers[1].row(ib, edge);
    for (int64_t h = 0; h < heads; ++h) {
      Value p = arith::MulFOp::create(ib, loadRow(ib, tables[0], ra, h * d, d),
                                      loadRow(ib, tables[1], rb, h * d, d));
      Value s = sumLanes(ib, p);
      memref::StoreOp::create(ib, s, y, ValueRange{edge, idx(ib, h)});
    }
  });
  return bufferTensor(b, y);
}

/// v · (1 / max(count, 1)) for an index count.
Value meanOf(IB &b, Value v, Value count) {
  Value c = arith::MaxUIOp::create(b, count, idx(b, 1));
  Value f = arith::UIToFPOp::create(b, b.getF32Type(), toI64(b, c));
  Value inv = arith::DivFOp::create(b, constF32(b, 1.0), f);
  return arith::MulFOp::create(
      b, v, vector::BroadcastOp::create(b, v.getType(), inv));
}

FailureOr<Value> nodeReduce(TensorBuilder &b, rgnn::NodeReduceOp op) {
  rgnn::NodeReduceKind kind = op.getKind();
  int64_t w = width(op.getTable());
  if (ShapedType::isDynamic(w))
    return op.emitOpError("needs a table of static width"), failure();
  Value scoresT = op.getScores();
  int64_t heads = scoresT ? width(scoresT) : 1;
  int64_t d = w / heads;
  auto vt = VectorType::get({d}, b.getF32Type());
  Value n = op.getNumNodes();
  // R = (|segments| − 1) / N.
  Value nonZero = arith::MaxUIOp::create(b, n, idx(b, 1));
  Value relations = arith::DivUIOp::create(
      b, arith::SubIOp::create(b, b.dim(op.getSegments(), 0), idx(b, 1)),
      nonZero);
  bool pairs = kind == rgnn::NodeReduceKind::pair_mean ||
               kind == rgnn::NodeReduceKind::pair_max;
  Value outRowsCount = pairs ? op.getRows() : n;
  Value src = readBuffer(b, op.getSrc()), dst = readBuffer(b, op.getDst());
  Value types = readBuffer(b, op.getTypes());
  Value segments = readBuffer(b, op.getSegments());
  Value table = readBuffer(b, op.getTable());
  Value map = op.getRowMap() ? readBuffer(b, op.getRowMap()) : Value();
  Value scores = scoresT ? readBuffer(b, scoresT) : Value();
  Value outRows = op.getOutRows() ? readBuffer(b, op.getOutRows()) : Value();
  RowReader reader{src, dst, types, map, op.getMode()};
  Value last = arith::SubIOp::create(
      b, arith::MaxUIOp::create(b, b.dim(op.getSrc(), 0), idx(b, 1)),
      idx(b, 1));
  Value y = allocBuffer(b, {outRowsCount, idx(b, w)});
  Value zero = splatF32(b, vt, 0);

  // Folds `step(carried, e, rel)` over the edges into `node`, relation by
  // relation; `perRelation(carried, rel, count)` after each relation.
  using Step =
      std::function<SmallVector<Value>(IB &, ValueRange, Value, Value)>;
  auto overEdges =
      [&](IB &ib, Value node, ValueRange init, const Step &step,
          const std::function<SmallVector<Value>(IB &, ValueRange, ValueRange,
                                                 Value, Value)> &perRelation) {
        return forCarry(
            ib, idx(ib, 0), relations, init,
            [&](IB &rb, Value rel, ValueRange carried) {
              Value key = add(rb, mul(rb, rel, n), node);
              Value lo = loadIndex(rb, segments, key);
              Value hi = loadIndex(rb, segments, add(rb, key, idx(rb, 1)));
              SmallVector<Value> start = perRelation
                                             ? SmallVector<Value>(init)
                                             : SmallVector<Value>(carried);
              ValueRange seg = forCarry(
                  rb, lo, hi, start, [&](IB &pb, Value p, ValueRange c) {
                    prefetchRow(pb, reader, table, p, last, w);
                    return step(pb, c, p, rel);
                  });
              if (!perRelation)
                return SmallVector<Value>(seg);
              return perRelation(rb, carried, seg, rel,
                                 arith::SubIOp::create(rb, hi, lo));
            });
      };
  auto value = [&](IB &ib, Value e, Value rel, Value node, int64_t h) {
    return loadRow(ib, table, reader.row(ib, e, rel, node), h * d, d);
  };
  auto score = [&](IB &ib, Value e, int64_t h) {
    return memref::LoadOp::create(ib, scores, ValueRange{e, idx(ib, h)})
        .getResult();
  };
  auto storeHeads = [&](IB &ib, ValueRange acc, Value row) {
    for (int64_t h = 0; h < heads; ++h)
      vector::StoreOp::create(ib, acc[h], y, ValueRange{row, idx(ib, h * d)});
  };

  parallelRange(b, idx(b, 0), n, [&](IB &ib, Value node) {
    if (pairs) {
      // The mean or the max of segment r·N + i into its row of the table.
      bool max = kind == rgnn::NodeReduceKind::pair_max;
      Value start =
          max ? splatF32(ib, vt, -std::numeric_limits<float>::infinity())
              : zero;
      forRange(ib, idx(ib, 0), relations, [&](IB &rb, Value rel) {
        Value key = add(rb, mul(rb, rel, n), node);
        Value row = memref::LoadOp::create(rb, outRows, ValueRange{key});
        ifThen(rb, cmp(rb, CmpIPredicate::sge, row, i64(rb, 0)), [&](IB &tb) {
          Value lo = loadIndex(tb, segments, key);
          Value hi = loadIndex(tb, segments, add(tb, key, idx(tb, 1)));
          Value fold =
              forCarry(tb, lo, hi, {start}, [&](IB &pb, Value p, ValueRange c) {
                Value v = value(pb, p, rel, node, 0);
                return SmallVector<Value>{
                    max ? arith::MaximumFOp::create(pb, c[0], v).getResult()
                        : arith::AddFOp::create(pb, c[0], v).getResult()};
              })[0];
          Value count = arith::SubIOp::create(tb, hi, lo);
          Value out =
              max ? arith::SelectOp::create(
                        tb, cmp(tb, CmpIPredicate::ugt, count, idx(tb, 0)),
                        fold, zero)
                        .getResult()
                  : meanOf(tb, fold, count);
          storeHeads(tb, {out}, toIndex(tb, row));
        });
      });
      return;
    }
    if (kind == rgnn::NodeReduceKind::softmax_sum) {
      Value lowest = constF32(ib, -std::numeric_limits<float>::infinity());
      SmallVector<Value> maxInit(heads, lowest);
      ValueRange maxes = overEdges(ib, node, maxInit,
                                   [&](IB &pb, ValueRange c, Value e, Value) {
                                     SmallVector<Value> next;
                                     for (int64_t h = 0; h < heads; ++h)
                                       next.push_back(arith::MaximumFOp::create(
                                           pb, c[h], score(pb, e, h)));
                                     return next;
                                   },
                                   {});
      SmallVector<Value> init(heads, constF32(ib, 0.0));
      init.append(heads, zero);
      ValueRange sums = overEdges(
          ib, node, init,
          [&](IB &pb, ValueRange c, Value e, Value rel) {
            SmallVector<Value> next;
            SmallVector<Value> weights;
            for (int64_t h = 0; h < heads; ++h) {
              weights.push_back(math::ExpOp::create(
                  pb, arith::SubFOp::create(pb, score(pb, e, h), maxes[h])));
              next.push_back(arith::AddFOp::create(pb, c[h], weights[h]));
            }
            for (int64_t h = 0; h < heads; ++h)
              next.push_back(vector::FMAOp::create(
                  pb, vector::BroadcastOp::create(pb, vt, weights[h]),
                  value(pb, e, rel, node, h), c[heads + h]));
            return next;
          },
          {});
      SmallVector<Value> out;
      for (int64_t h = 0; h < heads; ++h) {
        // 1/l, or 0 for a node with no incoming edge (l = 0, sum = 0).
        Value l = sums[h];
        Value has = arith::CmpFOp::create(ib, arith::CmpFPredicate::OGT, l,
                                          constF32(ib, 0.0));
        Value inv = arith::SelectOp::create(
            ib, has, arith::DivFOp::create(ib, constF32(ib, 1.0), l),
            constF32(ib, 0.0));
        out.push_back(arith::MulFOp::create(
            ib, sums[heads + h], vector::BroadcastOp::create(ib, vt, inv)));
      }
      storeHeads(ib, out, node);
      return;
    }
    // sum (optionally scaled per head), mean, mean_per_relation.
    bool perRelation = kind == rgnn::NodeReduceKind::mean_per_relation;
    SmallVector<Value> init(heads, zero);
    init.push_back(idx(ib, 0));
    Step step = [&](IB &pb, ValueRange c, Value e, Value rel) {
      SmallVector<Value> next;
      for (int64_t h = 0; h < heads; ++h) {
        Value v = value(pb, e, rel, node, h);
        next.push_back(
            scores
                ? vector::FMAOp::create(
                      pb, vector::BroadcastOp::create(pb, vt, score(pb, e, h)),
                      v, c[h])
                      .getResult()
                : arith::AddFOp::create(pb, c[h], v).getResult());
      }
      next.push_back(c[heads]);
      return next;
    };
    auto afterRelation = [&](IB &rb, ValueRange total, ValueRange seg, Value,
                             Value count) {
      SmallVector<Value> next;
      for (int64_t h = 0; h < heads; ++h)
        next.push_back(arith::AddFOp::create(
            rb, total[h], perRelation ? meanOf(rb, seg[h], count) : seg[h]));
      next.push_back(add(rb, total[heads], count));
      return next;
    };
    ValueRange acc = overEdges(ib, node, init, step, afterRelation);
    SmallVector<Value> out(acc.begin(), acc.begin() + heads);
    if (kind == rgnn::NodeReduceKind::mean)
      out[0] = meanOf(ib, out[0], acc[heads]);
    storeHeads(ib, out, node);
  });
  return bufferTensor(b, y);
}

} // namespace

FailureOr<Results> seqc::lowerGraphKernel(Operation *op, TensorBuilder &b) {
  FailureOr<Value> y = failure();
  if (auto g = dyn_cast<rgnn::GemmOp>(op))
    y = gemm(b, g);
  else if (auto m = dyn_cast<rgnn::EdgeMapOp>(op))
    y = edgeMap(b, m);
  else if (auto r = dyn_cast<rgnn::NodeReduceOp>(op))
    y = nodeReduce(b, r);
  if (failed(y))
    return failure();
  return Results{*y};
}
