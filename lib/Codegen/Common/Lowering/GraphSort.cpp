//===- GraphSort.cpp - Sorts, scans and searches as parallel passes -------===//
//
// The graph layouts' building blocks in a form every element of which is
// a parallel generic: a stable merge sort (log2 n passes, each output
// position finding its source by a merge-path binary search), lower
// bounds by binary search, a Hillis-Steele scan (log2 n passes) and a
// two-level any. A target with thousands of threads runs each pass as one
// kernel; the host only counts the passes.
//
//===----------------------------------------------------------------------===//
#include "Graph.h"

#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using arith::CmpIPredicate;

namespace seqc::graph {

namespace {

Value minU(IB &b, Value x, Value y) { return arith::MinUIOp::create(b, x, y); }
Value sub(IB &b, Value x, Value y) { return arith::SubIOp::create(b, x, y); }
Value both(IB &b, Value x, Value y) { return arith::AndIOp::create(b, x, y); }
Value pick(IB &b, Value c, Value x, Value y) {
  return arith::SelectOp::create(b, c, x, y);
}

/// The number of binary digits of the index `v` (0 for 0): the halvings a
/// binary search over v + 1 candidates needs.
Value bits(IB &b, Value v) {
  Value zeros = math::CountLeadingZerosOp::create(b, toI64(b, v));
  return toIndex(b, arith::SubIOp::create(b, i64(b, 64), zeros));
}

/// `cond && then()`, `then` built (and its reads done) only where `cond`.
Value andThen(IB &b, Value cond, const std::function<Value(IB &)> &then) {
  return valueIf(b, cond, then, flag(b, false));
}

/// The passes of a log-depth algorithm over n items: ceil(log2 n), 0 for
/// n <= 1.
Value passesFor(IB &b, Value n) {
  return bits(b, arith::SubIOp::create(
                     b, arith::MaxUIOp::create(b, n, idx(b, 1)), idx(b, 1)));
}

/// The first p in [lo, hi) for which `before(p)` is false (`before` true
/// then false over the range), or hi: `steps` halvings, enough for
/// hi - lo < 2^steps. `before` is asked only inside [lo, hi).
Value partitionPoint(IB &b, Value lo, Value hi, Value steps,
                     const std::function<Value(IB &, Value)> &before) {
  auto loop = scf::ForOp::create(
      b, idx(b, 0), steps, idx(b, 1), ValueRange{lo, hi},
      [&](OpBuilder &nb, Location loc, Value, ValueRange range) {
        IB ib(loc, nb);
        Value l = range[0], h = range[1];
        Value open = cmp(ib, CmpIPredicate::ult, l, h);
        Value mid = arith::DivUIOp::create(ib, add(ib, l, h), idx(ib, 2));
        Value right =
            andThen(ib, open, [&](IB &tb) { return before(tb, mid); });
        Value left = both(ib, open, negate(ib, right));
        scf::YieldOp::create(
            ib, ValueRange{pick(ib, right, add(ib, mid, idx(ib, 1)), l),
                           pick(ib, left, mid, h)});
      });
  return loop.getResult(0);
}

/// One merge pass: runs of `width` sorted by `keys` merged pairwise,
/// stably (ties from the first run); the new keys and ids.
SmallVector<Value> mergePass(TensorBuilder &b, Value n, Value pass, Value keys,
                             Value ids) {
  Value width = arith::ShLIOp::create(b, idx(b, 1), pass);
  Value steps = add(b, pass, idx(b, 1));
  return indicesOf(b, n, 2, [&](IB &ib, Value pos) {
    Value pair = mul(ib, width, idx(ib, 2));
    Value base = mul(ib, arith::DivUIOp::create(ib, pos, pair), pair);
    Value lenA = minU(ib, width, sub(ib, n, base));
    Value startB = add(ib, base, lenA);
    Value lenB = minU(ib, width, sub(ib, n, startB));
    Value d = sub(ib, pos, base);
    // Of the first d merged elements, a come from A: the first a with
    // B[d - 1 - a] < A[a].
    Value lo = pick(ib, cmp(ib, CmpIPredicate::ugt, d, lenB), sub(ib, d, lenB),
                    idx(ib, 0));
    Value hi = minU(ib, d, lenA);
    auto key = [&](IB &kb, Value i) { return at(kb, keys, {i}); };
    Value a = partitionPoint(ib, lo, hi, steps, [&](IB &sb, Value mid) {
      Value fromB = sub(sb, add(sb, startB, d), add(sb, mid, idx(sb, 1)));
      return cmp(sb, CmpIPredicate::sle, key(sb, add(sb, base, mid)),
                 key(sb, fromB));
    });
    Value j = sub(ib, d, a);
    Value restA = cmp(ib, CmpIPredicate::ult, a, lenA);
    Value restB = cmp(ib, CmpIPredicate::ult, j, lenB);
    Value takeA = andThen(ib, restA, [&](IB &tb) {
      Value notB = negate(tb, restB);
      return arith::OrIOp::create(tb, notB, andThen(tb, restB, [&](IB &cb) {
                                    return cmp(cb, CmpIPredicate::sle,
                                               key(cb, add(cb, base, a)),
                                               key(cb, add(cb, startB, j)));
                                  }));
    });
    Value from = pick(ib, takeA, add(ib, base, a), add(ib, startB, j));
    return SmallVector<Value>{at(ib, keys, {from}), at(ib, ids, {from})};
  });
}

} // namespace

Value valueIf(IB &b, Value cond, const std::function<Value(IB &)> &then,
              Value otherwise) {
  auto op = scf::IfOp::create(
      b, cond,
      [&](OpBuilder &tb, Location loc) {
        IB ib(loc, tb);
        scf::YieldOp::create(ib, then(ib));
      },
      [&](OpBuilder &eb, Location loc) {
        scf::YieldOp::create(eb, loc, otherwise);
      });
  return op.getResult(0);
}

Value any(TensorBuilder &b, Value n,
          const std::function<Value(IB &, Value)> &bad) {
  // Chunks of kChunk positions in parallel, then the chunks' flags.
  constexpr int64_t kChunk = 1024;
  Value chunks = arith::CeilDivUIOp::create(b, n, idx(b, kChunk));
  auto flagType = RankedTensorType::get({ShapedType::kDynamic}, b.getI1Type());
  Value none = linalg::FillOp::create(
                   b, ValueRange{flag(b, false)},
                   ValueRange{tensor::EmptyOp::create(b, flagType, chunks)})
                   .getResult(0);
  // The loops' extents: an operand of chunks x kChunk that the body ignores.
  Value domain = tensor::EmptyOp::create(
      b, RankedTensorType::get({ShapedType::kDynamic, kChunk}, b.getI1Type()),
      ValueRange{chunks});
  MLIRContext *ctx = b.getContext();
  auto partial = linalg::GenericOp::create(
      b, TypeRange{flagType}, ValueRange{domain}, ValueRange{none},
      {b.identity(2), b.select(2, {0})}, loopTypes(1, 1),
      [&](OpBuilder &nested, Location loc, ValueRange args) {
        IB ib(loc, nested);
        Value i =
            add(ib, mul(ib, linalg::IndexOp::create(ib, 0), idx(ib, kChunk)),
                linalg::IndexOp::create(ib, 1));
        Value inside = cmp(ib, CmpIPredicate::ult, i, n);
        Value found = andThen(ib, inside, [&](IB &tb) { return bad(tb, i); });
        linalg::YieldOp::create(
            ib, ValueRange{arith::OrIOp::create(ib, args[1], found)});
      });
  Value flags = partial.getResult(0);
  Value result =
      linalg::FillOp::create(
          b, ValueRange{flag(b, false)},
          ValueRange{tensor::EmptyOp::create(
              b, RankedTensorType::get({}, b.getI1Type()), ValueRange{})})
          .getResult(0);
  auto all = linalg::GenericOp::create(
      b, TypeRange{result.getType()}, ValueRange{flags}, ValueRange{result},
      {b.identity(1), AffineMap::get(1, 0, {}, ctx)}, loopTypes(0, 1),
      [&](OpBuilder &nested, Location loc, ValueRange args) {
        IB ib(loc, nested);
        linalg::YieldOp::create(
            ib, ValueRange{arith::OrIOp::create(ib, args[0], args[1])});
      });
  return at(b, all.getResult(0), {});
}

Sorted sortByKey(TensorBuilder &b, Value n,
                 const std::function<Value(IB &, Value)> &key) {
  SmallVector<Value> start = indicesOf(b, n, 2, [&](IB &ib, Value i) {
    return SmallVector<Value>{key(ib, i), toI64(ib, i)};
  });
  // ceil(log2 n) passes: runs of 1, 2, 4, ... merged.
  Value passes = passesFor(b, n);
  ValueRange sorted = forLoop(b, idx(b, 0), passes, start,
                              [&](TensorBuilder &lb, Value pass, ValueRange c) {
                                return mergePass(lb, n, pass, c[0], c[1]);
                              });
  return {sorted[0], sorted[1]};
}

Value lowerBound(IB &b, Value sorted, Value n, Value steps, Value v) {
  return partitionPoint(b, idx(b, 0), n, steps, [&](IB &sb, Value mid) {
    return cmp(sb, CmpIPredicate::slt, at(sb, sorted, {mid}), v);
  });
}

Value searchSteps(IB &b, Value n) { return bits(b, n); }

Value inclusiveScan(TensorBuilder &b, Value values, Value n) {
  Value passes = passesFor(b, n);
  return forLoop(b, idx(b, 0), passes, {values},
                 [&](TensorBuilder &lb, Value pass, ValueRange c) {
                   Value reach = arith::ShLIOp::create(lb, idx(lb, 1), pass);
                   return indicesOf(lb, n, 1, [&](IB &ib, Value i) {
                     Value has = cmp(ib, CmpIPredicate::uge, i, reach);
                     Value from = pick(ib, has, sub(ib, i, reach), i);
                     Value earlier =
                         pick(ib, has, at(ib, c[0], {from}), i64(ib, 0));
                     return SmallVector<Value>{
                         arith::AddIOp::create(ib, at(ib, c[0], {i}), earlier)};
                   });
                 })[0];
}

} // namespace seqc::graph
