//===- Graph.cpp - The rgnn templates' CUDA kernels -----------------------===//
//
// segment_gemm: per segment, the gathered rows times the segment's weight
// as a linear (the common body's segmentGemm), so that the projections'
// path takes each (cuBLASLt; bf16 tensor cores with --precision=bf16).
//
// node_reduce: The common body is a
// parallel loop over destination nodes, each iteration folding a whole
// row: on the GPU a thread per node, the threads of a warp each reading a
// different edge's row, a word at a time (no read coalesced). Here a warp
// per destination node, kWarps nodes per block: lane l takes the row's
// columns c ≡ l (mod 32) and walks the node's edge segments (relation by
// relation, the sorted edges [segments[r·N + i], segments[r·N + i + 1])),
// its sums in registers, so a warp reads each edge's row in consecutive
// words. The kinds: sum (weighted by the edge's score of the column's head
// where there are scores), mean, mean_per_relation, softmax_sum (a pass
// for the head's max score, then the weights and sums), and pair_mean /
// pair_max (each present (relation, node) pair's row of the per-pair
// table, at out_rows[r·N + i]). A lane's columns past the first 32 walk
// the edges again (their indices are cached).
//
//===----------------------------------------------------------------------===//
#include "lib/Codegen/Common/Lowering/Graph.h"
#include "CUDAKernels.h"
#include "Lanes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <limits>

using namespace mlir;
using namespace seqc::loops;

namespace seqc {

namespace {

using IB = ImplicitLocOpBuilder;
using Kind = rgnn::NodeReduceKind;
using Values = SmallVector<Value>;

/// Lanes per warp (the columns read together) and warps per block.
constexpr int64_t kLanes = 32, kWarps = 8;

/// v / max(count, 1).
Value meanOf(IB &ib, Value v, Value count) {
  Value c = arith::MaxUIOp::create(ib, count, idx(ib, 1));
  Value f = arith::UIToFPOp::create(ib, ib.getF32Type(), toI64(ib, c));
  return arith::DivFOp::create(ib, v, f);
}

/// One step of a fold over edges: the carried values after edge `e`.
using EdgeStep = function_ref<Values(IB &, Value e, ValueRange carried)>;

/// The kernel of one node_reduce (see the file comment).
class WarpPerNode {
public:
  WarpPerNode(rgnn::NodeReduceOp op) : op(op), kind(op.getKind()) {}

  Value build(TensorBuilder &b) {
    Values in =
        readBuffers(b, {op.getSrc(), op.getSegments(), op.getTable(),
                        op.getRowMap(), op.getScores(), op.getOutRows()});
    src = in[0], segments = in[1], table = in[2], rowMap = in[3];
    scores = in[4], outRows = in[5];
    n = op.getNumNodes();
    width = b.dim(op.getTable(), 1);
    int64_t heads =
        scores ? cast<ShapedType>(op.getScores().getType()).getDimSize(1) : 1;
    headWidth = arith::DivUIOp::create(b, width, b.index(heads));
    // R = (|segments| − 1) / N.
    relations = arith::DivUIOp::create(
        b, arith::SubIOp::create(b, b.dim(op.getSegments(), 0), b.index(1)),
        arith::MaxUIOp::create(b, n, b.index(1)));
    bool pairs = kind == Kind::pair_mean || kind == Kind::pair_max;
    y = allocBuffer(b, {pairs ? op.getRows() : n, width});
    Value blocks = arith::CeilDivUIOp::create(b, n, b.index(kWarps));
    auto grid = blockLoop(b, blocks);
    Value first = mul(grid.first, grid.second, idx(grid.first, kWarps));
    threadLoop(grid.first, kLanes, kWarps, [&](IB &ib, Value lane, Value w) {
      Value node = add(ib, first, w);
      ifThen(ib, below(ib, node, n), [&](IB &lb) {
        eachColumn(lb, lane, [&](IB &cb, Value c) { column(cb, node, c); });
      });
    });
    return bufferTensor(b, y);
  }

private:
  /// body(c) for the lane's columns c = lane + 32·j below the width.
  void eachColumn(IB &ib, Value lane, const LoopBody &body) {
    forRange(ib, lane, width, body, kLanes);
  }

  /// The folds of one node's column c, stored.
  void column(IB &ib, Value node, Value c) {
    Value head = arith::DivUIOp::create(ib, c, headWidth);
    Value zero = constF32(ib, 0);
    Value lowest = constF32(ib, -std::numeric_limits<float>::infinity());
    auto value = [&](IB &eb, Value e, Value rel) {
      return load(eb, table, {row(eb, e, rel, node), c});
    };
    auto score = [&](IB &eb, Value e) { return load(eb, scores, {e, head}); };
    if (kind == Kind::pair_mean || kind == Kind::pair_max) {
      bool max = kind == Kind::pair_max;
      eachRelation(ib, {}, [&](IB &rb, Value rel, ValueRange) {
        Value key = add(rb, mul(rb, rel, n), node);
        Value out = load(rb, outRows, {key});
        Value present = cmp(rb, arith::CmpIPredicate::sge, out, i64(rb, 0));
        ifThen(rb, present, [&](IB &pb) {
          auto [fold, count] =
              overSegment(pb, key, {max ? lowest : zero},
                          [&](IB &eb, Value e, ValueRange acc) -> Values {
                            Value v = value(eb, e, rel);
                            if (max)
                              return {arith::MaximumFOp::create(eb, acc[0], v)};
                            return {arith::AddFOp::create(eb, acc[0], v)};
                          });
          Value result =
              max ? arith::SelectOp::create(
                        pb,
                        cmp(pb, arith::CmpIPredicate::ugt, count, idx(pb, 0)),
                        fold[0], zero)
                        .getResult()
                  : meanOf(pb, fold[0], count);
          store(pb, result, y, {toIndex(pb, out), c});
        });
        return Values{};
      });
      return;
    }
    if (kind == Kind::softmax_sum) {
      Value m = overEdges(
          ib, node, {lowest},
          [&](IB &eb, Value e, Value, ValueRange acc) -> Values {
            return {arith::MaximumFOp::create(eb, acc[0], score(eb, e))};
          })[0];
      Values sums = overEdges(
          ib, node, {zero, zero},
          [&](IB &eb, Value e, Value rel, ValueRange acc) -> Values {
            Value weight = math::ExpOp::create(
                eb, arith::SubFOp::create(eb, score(eb, e), m));
            return {arith::AddFOp::create(eb, acc[0], weight),
                    math::FmaOp::create(eb, weight, value(eb, e, rel), acc[1])};
          });
      // 0 for a node with no incoming edge (l = 0, sum = 0).
      Value has =
          arith::CmpFOp::create(ib, arith::CmpFPredicate::OGT, sums[0], zero);
      Value out = arith::SelectOp::create(
          ib, has, arith::DivFOp::create(ib, sums[1], sums[0]), zero);
      store(ib, out, y, {node, c});
      return;
    }
    // sum (weighted by the scores if any), mean, mean_per_relation.
    bool perRelation = kind == Kind::mean_per_relation;
    auto step = [&](Value rel) {
      return [&, rel](IB &eb, Value e, ValueRange acc) -> Values {
        Value v = value(eb, e, rel);
        if (scores)
          return {math::FmaOp::create(eb, score(eb, e), v, acc[0])};
        return {arith::AddFOp::create(eb, acc[0], v)};
      };
    };
    Values total = eachRelation(
        ib, {zero, idx(ib, 0)},
        [&](IB &rb, Value rel, ValueRange carried) -> Values {
          Value key = add(rb, mul(rb, rel, n), node);
          auto [fold, count] = overSegment(
              rb, key, {perRelation ? zero : carried[0]}, step(rel));
          Value sum = perRelation
                          ? arith::AddFOp::create(rb, carried[0],
                                                  meanOf(rb, fold[0], count))
                                .getResult()
                          : fold[0];
          return {sum, add(rb, carried[1], count)};
        });
    Value out = kind == Kind::mean ? meanOf(ib, total[0], total[1]) : total[0];
    store(ib, out, y, {node, c});
  }

  /// The row of the table that edge e of relation `rel` into `node` reads.
  Value row(IB &ib, Value e, Value rel, Value node) {
    switch (op.getMode()) {
    case rgnn::RowMode::edge:
      return e;
    case rgnn::RowMode::type:
      return rel;
    case rgnn::RowMode::dst:
      return node;
    case rgnn::RowMode::src:
      return loadIndex(ib, src, {e});
    default:
      return loadIndex(ib, rowMap, {e});
    }
  }

  /// The carried values through relations 0..R−1.
  Values eachRelation(IB &ib, ValueRange init,
                      function_ref<Values(IB &, Value, ValueRange)> body) {
    return Values(forCarry(ib, idx(ib, 0), relations, init, body));
  }

  /// The fold over segment `key`'s edges from `init`, and their count.
  std::pair<Values, Value> overSegment(IB &ib, Value key, ValueRange init,
                                       EdgeStep step) {
    Value lo = loadIndex(ib, segments, {key});
    Value hi = loadIndex(ib, segments, {add(ib, key, idx(ib, 1))});
    return {Values(forCarry(ib, lo, hi, init, step)),
            arith::SubIOp::create(ib, hi, lo)};
  }

  /// The fold over every edge into `node`, relation by relation.
  Values
  overEdges(IB &ib, Value node, ValueRange init,
            function_ref<Values(IB &, Value e, Value rel, ValueRange)> step) {
    return eachRelation(ib, init, [&](IB &rb, Value rel, ValueRange carried) {
      Value key = add(rb, mul(rb, rel, n), node);
      return overSegment(rb, key, carried,
                         [&](IB &eb, Value e, ValueRange acc) {
                           return step(eb, e, rel, acc);
                         })
          .first;
    });
  }

  rgnn::NodeReduceOp op;
  Kind kind;
  Value src, segments, table, rowMap, scores, outRows;
  Value n, width, headWidth, relations, y;
};

} // namespace

FailureOr<Results> lowerGraphTemplate(TensorBuilder &b, func::CallOp call,
                                      DictionaryAttr kernel) {
  StringRef name = kernel.getAs<StringAttr>("name").getValue();
  if (name != "node_reduce" && name != "segment_gemm")
    return failure();
  Operation *op = rebuildTemplate(b, call, kernel);
  Value y;
  if (auto reduce = dyn_cast<rgnn::NodeReduceOp>(op))
    y = WarpPerNode(reduce).build(b);
  else
    y = graph::segmentGemm(
        b, cast<rgnn::GemmOp>(op), [](Value v) { return v; },
        /*asLinears=*/true);
  op->erase();
  return Results{y};
}

} // namespace seqc
