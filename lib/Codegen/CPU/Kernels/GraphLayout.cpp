//===- GraphLayout.cpp - Checked, sorted graph layouts and pair tables ----===//
//
// graph_layout checks every index of a graph and sorts its edges by
// (type, destination) with a counting sort; node_layout does the same for
// node types; pair_rows numbers the rows of per-(relation, node) tables.
// These passes over the edges are sequential: a few milliseconds for
// 10^5–10^6 edges, once per graph. When a check fails the layout is
// empty (no edges, no rows), so no template reads anything through it.
//
//===----------------------------------------------------------------------===//
#include "CPUKernels.h"
#include "VectorLoops.h"
#include "dialects/rgnn/RGNNDialect.h"
#include "lib/Codegen/Common/LoopBuilders.h"
#include "lib/Codegen/Common/Lowering/Graph.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;
using namespace seqc;
using namespace seqc::loops;
using arith::CmpIPredicate;

namespace {

Value allocIndex(TensorBuilder &b, ArrayRef<Value> sizes) {
  return allocBuffer(b, sizes, b.getI64Type());
}

void fill(TensorBuilder &b, Value mem, int64_t v) {
  linalg::FillOp::create(b, ValueRange{i64(b, v)}, ValueRange{mem});
}

/// Turns counts at [k + 1] into the start of each key k: an exclusive
/// prefix sum in place over `keys` + 1 entries.
void prefixSum(TensorBuilder &b, Value counts, Value keys) {
  forRange(b, idx(b, 0), keys, [&](IB &ib, Value k) {
    Value next = add(ib, k, idx(ib, 1));
    Value sum = arith::AddIOp::create(
        ib, memref::LoadOp::create(ib, counts, ValueRange{k}),
        memref::LoadOp::create(ib, counts, ValueRange{next}));
    memref::StoreOp::create(ib, sum, counts, ValueRange{next});
  });
}

/// order[...] = the items 0..n-1 sorted by key(i) (stable), with `starts`
/// the prefix-summed counts of `keys` keys.
void countingSort(TensorBuilder &b, Value n, Value keys, Value starts,
                  Value order, const std::function<Value(IB &, Value)> &key) {
  Value cursor = allocIndex(b, {keys});
  forRange(b, idx(b, 0), keys, [&](IB &ib, Value k) {
    memref::StoreOp::create(ib,
                            memref::LoadOp::create(ib, starts, ValueRange{k}),
                            cursor, ValueRange{k});
  });
  forRange(b, idx(b, 0), n, [&](IB &ib, Value i) {
    Value k = key(ib, i);
    Value pos = loadIndex(ib, cursor, k);
    storeIndex(ib, i, order, pos);
    storeIndex(ib, add(ib, pos, idx(ib, 1)), cursor, k);
  });
}

Value orAll(IB &b, ArrayRef<Value> flags) {
  Value r = flags[0];
  for (Value f : flags.drop_front())
    r = arith::OrIOp::create(b, r, f);
  return r;
}

Results graphLayout(TensorBuilder &b, Checks &checks, rgnn::GraphLayoutOp op) {
  std::string node = "node '" + nodeName(op) + "': ";
  int64_t r = op.getRelations();
  Value n = op.getNumNodes();
  Value e = b.dim(op.getEdgeIndex(), 1);
  Value typesLen = b.dim(op.getEdgeType(), 0);
  Value ei = readBuffer(b, op.getEdgeIndex());
  Value et = readBuffer(b, op.getEdgeType());
  Value lengthOk = cmp(b, CmpIPredicate::eq, typesLen, e);
  // edge_index must be [2, E] (its first dim may be symbolic).
  Value twoRows =
      cmp(b, CmpIPredicate::eq, b.dim(op.getEdgeIndex(), 0), idx(b, 2));
  Value readable = arith::SelectOp::create(b, twoRows, e, idx(b, 0));
  Value typed = arith::MinUIOp::create(b, readable, typesLen);
  Value no = arith::ConstantIntOp::create(b, b.getI1Type(), 0);
  // One pass over the edges: any index out of range?
  ValueRange bad = forCarry(
      b, idx(b, 0), readable, {no, no},
      [&](IB &ib, Value i, ValueRange carried) {
        Value s = memref::LoadOp::create(ib, ei, ValueRange{idx(ib, 0), i});
        Value d = memref::LoadOp::create(ib, ei, ValueRange{idx(ib, 1), i});
        Value ends =
            arith::AndIOp::create(ib, inRange(ib, s, n), inRange(ib, d, n));
        Value yes = arith::ConstantIntOp::create(ib, ib.getI1Type(), 1);
        Value badEnds = arith::XOrIOp::create(ib, ends, yes);
        Value hasType = cmp(ib, CmpIPredicate::ult, i, typed);
        auto read = scf::IfOp::create(
            ib, hasType,
            [&](OpBuilder &tb, Location l) {
              scf::YieldOp::create(
                  tb, l,
                  ValueRange{memref::LoadOp::create(tb, l, et, ValueRange{i})});
            },
            [&](OpBuilder &eb, Location l) {
              scf::YieldOp::create(eb, l,
                                   ValueRange{arith::ConstantIntOp::create(
                                       eb, l, eb.getI64Type(), 0)});
            });
        Value t = read.getResult(0);
        Value badType = arith::AndIOp::create(
            ib, hasType,
            arith::XOrIOp::create(ib, inRange(ib, t, idx(ib, r)), yes));
        return SmallVector<Value>{orAll(ib, {carried[0], badEnds}),
                                  orAll(ib, {carried[1], badType})};
      });
  Value yes = arith::ConstantIntOp::create(b, b.getI1Type(), 1);
  if (cast<RankedTensorType>(op.getEdgeIndex().getType()).isDynamicDim(0))
    checks.failIf(b, arith::XOrIOp::create(b, twoRows, yes),
                  node + "edge_index must have 2 rows (sources, destinations)");
  checks.failIf(b, bad[0],
                node + "edge_index has a node index outside [0, N), N = the "
                       "rows of x");
  checks.failIf(
      b,
      arith::XOrIOp::create(b, lengthOk,
                            arith::ConstantIntOp::create(b, b.getI1Type(), 1)),
      node + "edge_type must have one entry per edge of edge_index");
  checks.failIf(b, bad[1],
                node + "edge_type has a relation outside [0, " +
                    std::to_string(r) + ")");
  Value ok = arith::AndIOp::create(
      b, arith::AndIOp::create(b, lengthOk, twoRows),
      arith::XOrIOp::create(b, orAll(b, {bad[0], bad[1]}),
                            arith::ConstantIntOp::create(b, b.getI1Type(), 1)));
  Value edges = arith::SelectOp::create(b, ok, e, idx(b, 0));
  Value keys = mul(b, idx(b, r), n);
  Value src = allocIndex(b, {edges}), dst = allocIndex(b, {edges});
  Value types = allocIndex(b, {edges}), order = allocIndex(b, {edges});
  Value segments = allocIndex(b, {add(b, keys, idx(b, 1))});
  fill(b, segments, 0);
  auto keyOf = [&](IB &ib, Value i) {
    Value d = memref::LoadOp::create(ib, ei, ValueRange{idx(ib, 1), i});
    Value t = memref::LoadOp::create(ib, et, ValueRange{i});
    return add(ib, mul(ib, toIndex(ib, t), n), toIndex(ib, d));
  };
  forRange(b, idx(b, 0), edges, [&](IB &ib, Value i) {
    Value slot = add(ib, keyOf(ib, i), idx(ib, 1));
    Value c = memref::LoadOp::create(ib, segments, ValueRange{slot});
    memref::StoreOp::create(ib, arith::AddIOp::create(ib, c, i64(ib, 1)),
                            segments, ValueRange{slot});
  });
  prefixSum(b, segments, keys);
  countingSort(b, edges, keys, segments, order, keyOf);
  // The edges' ends and types in the layout's order: every traversal then
  // reads them sequentially.
  parallelRange(b, idx(b, 0), edges, [&](IB &ib, Value p) {
    Value e = loadIndex(ib, order, p);
    memref::StoreOp::create(
        ib, memref::LoadOp::create(ib, ei, ValueRange{idx(ib, 0), e}), src,
        ValueRange{p});
    memref::StoreOp::create(
        ib, memref::LoadOp::create(ib, ei, ValueRange{idx(ib, 1), e}), dst,
        ValueRange{p});
    memref::StoreOp::create(ib, memref::LoadOp::create(ib, et, ValueRange{e}),
                            types, ValueRange{p});
  });
  return {bufferTensor(b, src), bufferTensor(b, dst), bufferTensor(b, types),
          bufferTensor(b, order), bufferTensor(b, segments)};
}

Results nodeLayout(TensorBuilder &b, Checks &checks, rgnn::NodeLayoutOp op) {
  std::string node = "node '" + nodeName(op) + "': ";
  int64_t k = op.getNumTypes();
  Value n = op.getNumNodes();
  Value len = b.dim(op.getNodeType(), 0);
  Value nt = readBuffer(b, op.getNodeType());
  Value lengthOk = cmp(b, CmpIPredicate::eq, len, n);
  Value count = arith::MinUIOp::create(b, len, n);
  Value no = arith::ConstantIntOp::create(b, b.getI1Type(), 0);
  Value bad = forCarry(
      b, idx(b, 0), count, {no}, [&](IB &ib, Value i, ValueRange carried) {
        Value t = memref::LoadOp::create(ib, nt, ValueRange{i});
        Value inside = inRange(ib, t, idx(ib, k));
        Value out = arith::XOrIOp::create(
            ib, inside, arith::ConstantIntOp::create(ib, ib.getI1Type(), 1));
        return SmallVector<Value>{arith::OrIOp::create(ib, carried[0], out)};
      })[0];
  Value yes = arith::ConstantIntOp::create(b, b.getI1Type(), 1);
  checks.failIf(b, arith::XOrIOp::create(b, lengthOk, yes),
                node + "node_type must have one entry per row of x");
  checks.failIf(b, bad,
                node + "node_type has a node type outside [0, " +
                    std::to_string(k) + ")");
  Value ok =
      arith::AndIOp::create(b, lengthOk, arith::XOrIOp::create(b, bad, yes));
  Value nodes = arith::SelectOp::create(b, ok, n, idx(b, 0));
  Value types = allocIndex(b, {n}), order = allocIndex(b, {n});
  Value offsets = allocIndex(b, {idx(b, k + 1)});
  fill(b, types, 0);
  fill(b, offsets, 0);
  forRange(b, idx(b, 0), nodes, [&](IB &ib, Value i) {
    Value t = memref::LoadOp::create(ib, nt, ValueRange{i});
    memref::StoreOp::create(ib, t, types, ValueRange{i});
    Value slot = add(ib, toIndex(ib, t), idx(ib, 1));
    Value c = memref::LoadOp::create(ib, offsets, ValueRange{slot});
    memref::StoreOp::create(ib, arith::AddIOp::create(ib, c, i64(ib, 1)),
                            offsets, ValueRange{slot});
  });
  prefixSum(b, offsets, idx(b, k));
  countingSort(b, nodes, idx(b, k), offsets, order, [&](IB &ib, Value i) {
    return loadIndex(ib, types, ValueRange{i});
  });
  return {bufferTensor(b, types), bufferTensor(b, order),
          bufferTensor(b, offsets)};
}

/// The dense table: row r·N + n for every pair.
void denseRows(IB &b, Value rowOf, Value nodes, Value offsets, Value n,
               int64_t r) {
  Value keys = mul(b, idx(b, r), n);
  forRange(b, idx(b, 0), keys, [&](IB &ib, Value k) {
    storeIndex(ib, k, rowOf, k);
    storeIndex(ib, arith::RemUIOp::create(ib, k, n), nodes, k);
  });
  forRange(b, idx(b, 0), idx(b, r + 1), [&](IB &ib, Value rel) {
    storeIndex(ib, mul(ib, rel, n), offsets, rel);
  });
}

Results pairRows(TensorBuilder &b, rgnn::PairRowsOp op) {
  int64_t r = op.getRelations();
  Value n = op.getNumNodes();
  rgnn::Materialize materialize = op.getMaterialize();
  Value edges = b.dim(op.getNode(), 0);
  Value node = readBuffer(b, op.getNode());
  Value types = readBuffer(b, op.getTypes());
  Value segments = readBuffer(b, op.getSegments());
  Value offsets = allocIndex(b, {idx(b, r + 1)});
  if (materialize == rgnn::Materialize::edge) {
    Value nodes = allocIndex(b, {edges});
    Value rowOf = allocIndex(b, {idx(b, 0)});
    memref::CopyOp::create(b, node, nodes);
    Value none = allocIndex(b, {idx(b, 0)});
    forRange(b, idx(b, 0), idx(b, r + 1), [&](IB &ib, Value rel) {
      memref::StoreOp::create(
          ib, memref::LoadOp::create(ib, segments, ValueRange{mul(ib, rel, n)}),
          offsets, ValueRange{rel});
    });
    Value no = arith::ConstantIntOp::create(b, b.getI1Type(), 0);
    return {bufferTensor(b, nodes), bufferTensor(b, offsets),
            bufferTensor(b, rowOf), bufferTensor(b, none), no};
  }
  Value keys = mul(b, idx(b, r), n);
  Value rowOf = allocIndex(b, {keys}), nodes = allocIndex(b, {keys});
  Value edgeRows = allocIndex(b, {edges});
  // The row of each edge, read once here, sequentially by the traversals.
  auto rowsOfEdges = [&] {
    parallelRange(b, idx(b, 0), edges, [&](IB &ib, Value e) {
      Value k =
          add(ib, mul(ib, loadIndex(ib, types, e), n), loadIndex(ib, node, e));
      memref::StoreOp::create(ib,
                              memref::LoadOp::create(ib, rowOf, ValueRange{k}),
                              edgeRows, ValueRange{e});
    });
  };
  if (materialize == rgnn::Materialize::dense) {
    denseRows(b, rowOf, nodes, offsets, n, r);
    rowsOfEdges();
    return {bufferTensor(b, nodes), bufferTensor(b, offsets),
            bufferTensor(b, rowOf), bufferTensor(b, edgeRows),
            arith::ConstantIntOp::create(b, b.getI1Type(), 1)};
  }
  // Mark the pairs present, then number them in (relation, node) order.
  fill(b, rowOf, 0);
  fill(b, offsets, 0);
  forRange(b, idx(b, 0), edges, [&](IB &ib, Value e) {
    Value k =
        add(ib, mul(ib, loadIndex(ib, types, e), n), loadIndex(ib, node, e));
    memref::StoreOp::create(ib, i64(ib, 1), rowOf, ValueRange{k});
  });
  Value total = forCarry(
      b, idx(b, 0), keys, {idx(b, 0)},
      [&](IB &ib, Value k, ValueRange carried) {
        Value c = carried[0];
        Value at = arith::RemUIOp::create(ib, k, n);
        ifThen(ib, cmp(ib, CmpIPredicate::eq, at, idx(ib, 0)), [&](IB &tb) {
          storeIndex(tb, c, offsets,
                     ValueRange{arith::DivUIOp::create(tb, k, n).getResult()});
        });
        Value present =
            cmp(ib, CmpIPredicate::ne,
                memref::LoadOp::create(ib, rowOf, ValueRange{k}), i64(ib, 0));
        ifThen(ib, present, [&](IB &tb) { storeIndex(tb, at, nodes, c); });
        storeIndex(ib,
                   arith::SelectOp::create(
                       ib, present, c, arith::ConstantIndexOp::create(ib, -1)),
                   rowOf, k);
        return SmallVector<Value>{
            arith::SelectOp::create(ib, present, add(ib, c, idx(ib, 1)), c)};
      })[0];
  storeIndex(b, total, offsets, idx(b, r));
  Value dense = arith::ConstantIntOp::create(b, b.getI1Type(), 0);
  if (materialize == rgnn::Materialize::automatic) {
    dense = graph::prefersDense(b, total, keys,
                                op.getThreshold().convertToDouble());
    ifThen(b, dense,
           [&](IB &ib) { denseRows(ib, rowOf, nodes, offsets, n, r); });
  }
  rowsOfEdges();
  return {bufferTensor(b, nodes), bufferTensor(b, offsets),
          bufferTensor(b, rowOf), bufferTensor(b, edgeRows), dense};
}

} // namespace

FailureOr<Results> seqc::lowerGraphLayout(Operation *op, TensorBuilder &b,
                                          Checks &checks) {
  if (auto l = dyn_cast<rgnn::GraphLayoutOp>(op))
    return graphLayout(b, checks, l);
  if (auto l = dyn_cast<rgnn::NodeLayoutOp>(op))
    return nodeLayout(b, checks, l);
  if (auto p = dyn_cast<rgnn::PairRowsOp>(op))
    return pairRows(b, p);
  return failure();
}
