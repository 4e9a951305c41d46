//===- ParaRNN.cpp - para_gru / para_lstm on the GPU ----------------------===//
//
// CUDA's kernels for the "para_rnn" call. The cells are diagonal: each
// hidden unit of each batch row (a lane) is a recurrence of its own.
//
// - sequential: a GPU thread per lane carrying the state in registers
//   through the time loop (as TimeLoops.cpp); one launch.
// - newton (ParaRNN): a block per kLanes lanes whose threads (lane,
//   segment) cut the sequence into kSegments segments; the whole solve is
//   that one launch. From the iterate s_t = f(0, x_t), each iteration
//     1. linearizes the cell around the iterate s⁰ along every segment,
//        s_t = J_t s_{t−1} + r_t with J_t = ∂f/∂s(s⁰_{t−1}) and
//        r_t = f(s⁰_{t−1}) − J_t s⁰_{t−1}, composing the segment's affine
//        map s_end = A s_start + c, and its residual
//        max |s⁰_t − f(s⁰_{t−1})| / max(1, |f(s⁰_{t−1})|);
//     2. scans the segments' maps from the initial state, a thread per
//        lane: the state entering each segment (the scan's carry pass);
//     3. while the block's residual is above the tolerance and the cap not
//        reached, walks every segment again from its entering state, the
//        new iterate in place of the old.
//   Workgroup memory carries the maps, the entering states and the old
//   iterate before each segment between the phases, each phase a thread
//   loop ending in a barrier; the block decides its own convergence, so no
//   iteration waits for the host. At the cap the block's lanes report the
//   error (the model asked for Newton: a residual per lane the host checks)
//   or solve sequentially (the compiler chose Newton).
//
//===----------------------------------------------------------------------===//
#include "CUDAKernels.h"
#include "Lanes.h"
#include "lib/Codegen/Common/Lowering/ParaRNNCell.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace seqc::loops;

namespace seqc {

namespace {

using Values = SmallVector<Value>;

/// Newton's block: kLanes consecutive hidden units × kSegments pieces of
/// the sequence, 512 threads. A warp is 4 lanes of 8 segments: each load
/// 8 runs of 16 consecutive bytes.
constexpr int64_t kLanes = 4, kSegments = 128;

/// The call's operands and results as buffers.
struct ParaCall {
  bool lstm = false;
  int n = 1; ///< state elements per lane: h (and c)
  Value batch, steps, width;
  Values proj;   ///< B x + b per gate, [B, T, H]
  Values diag;   ///< A (3) [then C (2)], [H]
  Values init;   ///< h0 [, c0], [B, H]; null where not given
  Values states; ///< y = h [, the Newton iterate's c], [B, T, H]
  Values final;  ///< h_T [, c_T], [B, H]
};

Values weightsAt(ImplicitLocOpBuilder &ib, const ParaCall &pc, Value h) {
  Values w;
  for (Value d : pc.diag)
    w.push_back(load(ib, d, h));
  return w;
}

Values projectionsAt(ImplicitLocOpBuilder &ib, const ParaCall &pc, Value bi,
                     Value t, Value h) {
  Values p;
  for (Value x : pc.proj)
    p.push_back(load(ib, x, {bi, t, h}));
  return p;
}

/// The initial state of lane (bi, h): h0 (c0), else zeros.
Values initialAt(ImplicitLocOpBuilder &ib, const ParaCall &pc, Value bi,
                 Value h) {
  Values s;
  for (int i = 0; i < pc.n; ++i)
    s.push_back(pc.init[i] ? load(ib, pc.init[i], {bi, h}) : constF32(ib, 0));
  return s;
}

/// Lane (bi, h) solved sequentially: y and the final state.
void walkLane(ImplicitLocOpBuilder &ib, const ParaCall &pc, Value bi, Value h) {
  Values w = weightsAt(ib, pc, h);
  Values last = timeLoop(ib, idx(ib, 0), pc.steps, initialAt(ib, pc, bi, h),
                         [&](ImplicitLocOpBuilder &nb, Value t, ValueRange s) {
                           Values next = paraCellScalars(
                               nb, pc.lstm, s, projectionsAt(nb, pc, bi, t, h),
                               w, nullptr);
                           store(nb, next[0], pc.states[0], {bi, t, h});
                           return next;
                         });
  for (int i = 0; i < pc.n; ++i)
    store(ib, last[i], pc.final[i], {bi, h});
}

/// start + Σ_j row_j v_j.
Value dot(ImplicitLocOpBuilder &ib, ValueRange row, ValueRange v, Value start) {
  for (auto [r, x] : llvm::zip_equal(row, v))
    start = math::FmaOp::create(ib, r, x, start);
  return start;
}

/// m v + add for the n×n matrix m (row-major), n = |v|.
Values affine(ImplicitLocOpBuilder &ib, ValueRange m, ValueRange v,
              ValueRange add) {
  size_t n = v.size();
  Values out;
  for (size_t i = 0; i < n; ++i)
    out.push_back(dot(ib, m.slice(i * n, n), v, add[i]));
  return out;
}

/// ParaRNN's Newton solve as one launch (see the file comment).
class NewtonKernel {
public:
  NewtonKernel(TensorBuilder &b, const ParaCall &pc, const ParaSolve &solve)
      : b(b), pc(pc), solve(solve), n(pc.n) {}

  /// Builds the launch at `b`. With an error at the cap: each lane's
  /// final residual, [B, H]; else null.
  Value build() {
    Value groups = arith::CeilDivUIOp::create(b, pc.width, b.index(kLanes));
    Value blocks = arith::MulIOp::create(b, pc.batch, groups);
    segment = arith::CeilDivUIOp::create(b, pc.steps, b.index(kSegments));
    Value worst =
        solve.errorAtCap ? allocBuffer(b, {pc.batch, pc.width}) : Value();
    auto grid = blockLoop(b, blocks);
    ImplicitLocOpBuilder &kb = grid.first;
    Value block = grid.second;
    bi = arith::DivUIOp::create(kb, block, groups);
    firstLane = arith::MulIOp::create(
        kb, arith::RemUIOp::create(kb, block, groups), idx(kb, kLanes));
    allocateShared(kb);

    phase(kb, kSegments, [&](ImplicitLocOpBuilder &ib, Value h, Value y) {
      firstIterate(ib, h, y);
    });
    Type f32 = kb.getF32Type();
    auto loop = scf::WhileOp::create(
        kb, TypeRange{kb.getIndexType(), f32},
        ValueRange{idx(kb, 0), constF32(kb, 0)},
        [&](OpBuilder &ob, Location loc, ValueRange args) {
          ImplicitLocOpBuilder lb(loc, ob);
          phase(lb, kSegments, [&](ImplicitLocOpBuilder &ib, Value h, Value y) {
            linearize(ib, h, y);
          });
          phase(
              lb, 1,
              [&](ImplicitLocOpBuilder &ib, Value h, Value) {
                scanSegments(ib, h);
              },
              [&](ImplicitLocOpBuilder &ib, Value x) {
                store(ib, constF32(ib, 0), laneResidual, x);
              });
          Value res = blockResidual(lb);
          Value more = arith::CmpFOp::create(lb, arith::CmpFPredicate::UGT, res,
                                             constF32(lb, solve.tolerance));
          Value under =
              arith::CmpIOp::create(lb, arith::CmpIPredicate::ult, args[0],
                                    idx(lb, solve.maxIterations));
          scf::ConditionOp::create(lb, arith::AndIOp::create(lb, more, under),
                                   ValueRange{args[0], res});
        },
        [&](OpBuilder &ob, Location loc, ValueRange args) {
          ImplicitLocOpBuilder lb(loc, ob);
          phase(lb, kSegments, [&](ImplicitLocOpBuilder &ib, Value h, Value y) {
            solveSegment(ib, h, y);
          });
          scf::YieldOp::create(
              lb, ValueRange{arith::AddIOp::create(lb, args[0], idx(lb, 1)),
                             args[1]});
        });
    Value res = loop.getResult(1);
    phase(kb, 1, [&](ImplicitLocOpBuilder &ib, Value h, Value) {
      finish(ib, h, res, worst);
    });
    return worst;
  }

private:
  /// `body(h, segment)` in a thread loop over (lane, segment) of kLanes ×
  /// `segments`, for the lanes below the width; `outside(lane)` first for
  /// every lane.
  void phase(ImplicitLocOpBuilder &kb, int64_t segments,
             function_ref<void(ImplicitLocOpBuilder &, Value, Value)> body,
             function_ref<void(ImplicitLocOpBuilder &, Value)> outside = {}) {
    threadLoop(
        kb, kLanes, segments, [&](ImplicitLocOpBuilder &ib, Value x, Value y) {
          if (outside)
            outside(ib, x);
          Value h = arith::AddIOp::create(ib, firstLane, x);
          Value inside =
              arith::CmpIOp::create(ib, arith::CmpIPredicate::ult, h, pc.width);
          scf::IfOp::create(ib, inside, [&](OpBuilder &tb, Location loc) {
            ImplicitLocOpBuilder lb(loc, tb);
            body(lb, h, y);
            scf::YieldOp::create(lb);
          });
        });
  }

  /// Workgroup buffers [kSegments, kLanes] (the lane fastest), and one
  /// residual per lane.
  void allocateShared(ImplicitLocOpBuilder &kb) {
    auto shared = [&](ArrayRef<int64_t> shape) {
      return workgroupBuffer(kb, shape);
    };
    for (int i = 0; i < n * n; ++i)
      segMatrix.push_back(shared({kSegments, kLanes}));
    for (int i = 0; i < n; ++i) {
      segOffset.push_back(shared({kSegments, kLanes}));
      entering.push_back(shared({kSegments, kLanes}));
      before.push_back(shared({kSegments, kLanes}));
    }
    segResidual = shared({kSegments, kLanes});
    laneResidual = shared({kLanes});
  }

  /// Segment y's steps [t0, t1).
  std::pair<Value, Value> bounds(ImplicitLocOpBuilder &ib, Value y) {
    Value t0 = arith::MinUIOp::create(ib, arith::MulIOp::create(ib, y, segment),
                                      pc.steps);
    Value t1 = arith::MinUIOp::create(
        ib, arith::AddIOp::create(ib, t0, segment), pc.steps);
    return {t0, t1};
  }

  /// Where lane h of segment y keeps its value in workgroup memory.
  SmallVector<Value, 2> at(ImplicitLocOpBuilder &ib, Value h, Value y) {
    return {y, arith::SubIOp::create(ib, h, firstLane)};
  }

  /// s_t = f(0, x_t) on segment y.
  void firstIterate(ImplicitLocOpBuilder &ib, Value h, Value y) {
    auto [t0, t1] = bounds(ib, y);
    Values w = weightsAt(ib, pc, h);
    timeLoop(
        ib, t0, t1, {}, [&](ImplicitLocOpBuilder &nb, Value t, ValueRange) {
          Values zero(n, constF32(nb, 0));
          Values s = paraCellScalars(
              nb, pc.lstm, zero, projectionsAt(nb, pc, bi, t, h), w, nullptr);
          for (int i = 0; i < n; ++i)
            store(nb, s[i], pc.states[i], {bi, t, h});
          return Values{};
        });
  }

  /// Lane h's iterate at step t − 1, or its initial state for t = 0.
  Values stateBefore(ImplicitLocOpBuilder &ib, Value h, Value t) {
    Value later =
        arith::CmpIOp::create(ib, arith::CmpIPredicate::ugt, t, idx(ib, 0));
    auto state = scf::IfOp::create(
        ib, later,
        [&](OpBuilder &tb, Location loc) {
          ImplicitLocOpBuilder lb(loc, tb);
          Value before = arith::SubIOp::create(lb, t, idx(lb, 1));
          Values s;
          for (int i = 0; i < n; ++i)
            s.push_back(load(lb, pc.states[i], {bi, before, h}));
          scf::YieldOp::create(lb, s);
        },
        [&](OpBuilder &eb, Location loc) {
          ImplicitLocOpBuilder lb(loc, eb);
          scf::YieldOp::create(lb, initialAt(lb, pc, bi, h));
        });
    return Values(state.getResults());
  }

  /// Phase 1 on segment y: its map (A, c), its residual, and the old
  /// iterate before it.
  void linearize(ImplicitLocOpBuilder &ib, Value h, Value y) {
    auto [t0, t1] = bounds(ib, y);
    Values w = weightsAt(ib, pc, h);
    SmallVector<Value, 2> mine = at(ib, h, y);
    // s⁰ before the segment: the initial state before step 0.
    Values init = stateBefore(ib, h, t0);
    for (int i = 0; i < n; ++i)
      store(ib, init[i], before[i], mine);
    for (int i = 0; i < n * n; ++i) // A = I
      init.push_back(constF32(ib, i % (n + 1) == 0 ? 1 : 0));
    init.append(n + 1, constF32(ib, 0)); // c = 0, the residual
    Values last = timeLoop(
        ib, t0, t1, init, [&](ImplicitLocOpBuilder &nb, Value t, ValueRange a) {
          ValueRange old = a.take_front(n), m = a.slice(n, n * n),
                     c = a.slice(n + n * n, n);
          Value res = a.back();
          Values jac;
          Values f = paraCellScalars(nb, pc.lstm, old,
                                     projectionsAt(nb, pc, bi, t, h), w, &jac);
          Values next;
          for (int i = 0; i < n; ++i)
            next.push_back(load(nb, pc.states[i], {bi, t, h}));
          // r = f − J s⁰; the segment's map composed with this step's.
          Values r;
          for (int i = 0; i < n; ++i) {
            Value js =
                dot(nb, ValueRange(jac).slice(i * n, n), old, constF32(nb, 0));
            r.push_back(arith::SubFOp::create(nb, f[i], js));
            Value err = math::AbsFOp::create(
                nb, arith::SubFOp::create(nb, next[i], f[i]));
            Value scale = arith::MaximumFOp::create(
                nb, constF32(nb, 1), math::AbsFOp::create(nb, f[i]));
            res = arith::MaximumFOp::create(
                nb, res, arith::DivFOp::create(nb, err, scale));
          }
          Values out(next);
          out.resize(n + n * n);
          for (int col = 0; col < n; ++col) { // J A, a column at a time
            Values column;
            for (int i = 0; i < n; ++i)
              column.push_back(m[i * n + col]);
            Values product =
                affine(nb, jac, column, Values(n, constF32(nb, 0)));
            for (int i = 0; i < n; ++i)
              out[n + i * n + col] = product[i];
          }
          llvm::append_range(out, affine(nb, jac, c, r));
          out.push_back(res);
          return out;
        });
    for (int i = 0; i < n * n; ++i)
      store(ib, last[n + i], segMatrix[i], mine);
    for (int i = 0; i < n; ++i)
      store(ib, last[n + n * n + i], segOffset[i], mine);
    store(ib, last.back(), segResidual, mine);
  }

  /// Phase 2 for lane h: the state entering each segment, and the lane's
  /// residual.
  void scanSegments(ImplicitLocOpBuilder &ib, Value h) {
    Value x = arith::SubIOp::create(ib, h, firstLane);
    Values init = initialAt(ib, pc, bi, h);
    init.push_back(constF32(ib, 0));
    Values last =
        timeLoop(ib, idx(ib, 0), idx(ib, kSegments), init,
                 [&](ImplicitLocOpBuilder &nb, Value k, ValueRange a) {
                   Values s(a.take_front(n)), m, c;
                   for (int i = 0; i < n; ++i)
                     store(nb, s[i], entering[i], {k, x});
                   for (Value buffer : segMatrix)
                     m.push_back(load(nb, buffer, {k, x}));
                   for (Value buffer : segOffset)
                     c.push_back(load(nb, buffer, {k, x}));
                   Values out = affine(nb, m, s, c);
                   out.push_back(arith::MaximumFOp::create(
                       nb, a.back(), load(nb, segResidual, {k, x})));
                   return out;
                 });
    store(ib, last.back(), laneResidual, x);
  }

  /// The block's residual: the worst of its lanes' (NaN stays NaN).
  Value blockResidual(ImplicitLocOpBuilder &lb) {
    Value res = load(lb, laneResidual, idx(lb, 0));
    for (int64_t x = 1; x < kLanes; ++x)
      res = arith::MaximumFOp::create(lb, res,
                                      load(lb, laneResidual, idx(lb, x)));
    return res;
  }

  /// Phase 3 on segment y: the new iterate from the state entering it,
  /// s_t = f(s⁰_{t−1}) + J_t (s_{t−1} − s⁰_{t−1}).
  void solveSegment(ImplicitLocOpBuilder &ib, Value h, Value y) {
    auto [t0, t1] = bounds(ib, y);
    Values w = weightsAt(ib, pc, h);
    SmallVector<Value, 2> mine = at(ib, h, y);
    Values init;
    for (int i = 0; i < n; ++i)
      init.push_back(load(ib, entering[i], mine));
    for (int i = 0; i < n; ++i)
      init.push_back(load(ib, before[i], mine));
    timeLoop(ib, t0, t1, init,
             [&](ImplicitLocOpBuilder &nb, Value t, ValueRange a) {
               ValueRange s = a.take_front(n), old = a.slice(n, n);
               Values jac;
               Values f = paraCellScalars(
                   nb, pc.lstm, old, projectionsAt(nb, pc, bi, t, h), w, &jac);
               Values delta;
               for (int i = 0; i < n; ++i)
                 delta.push_back(arith::SubFOp::create(nb, s[i], old[i]));
               Values out = affine(nb, jac, delta, f);
               for (int i = 0; i < n; ++i) {
                 out.push_back(load(nb, pc.states[i], {bi, t, h}));
                 store(nb, out[i], pc.states[i], {bi, t, h});
               }
               return out;
             });
  }

  /// The lane's final state; at the cap its residual for the host's check
  /// (`worst`), or the sequential solve.
  void finish(ImplicitLocOpBuilder &ib, Value h, Value res, Value worst) {
    auto finals = [&](ImplicitLocOpBuilder &lb) {
      Values last = stateBefore(lb, h, pc.steps);
      for (int i = 0; i < n; ++i)
        store(lb, last[i], pc.final[i], {bi, h});
    };
    if (worst) {
      store(ib, res, worst, {bi, h});
      finals(ib);
      return;
    }
    Value failed = arith::CmpFOp::create(ib, arith::CmpFPredicate::UGT, res,
                                         constF32(ib, solve.tolerance));
    scf::IfOp::create(
        ib, failed,
        [&](OpBuilder &tb, Location loc) {
          ImplicitLocOpBuilder lb(loc, tb);
          walkLane(lb, pc, bi, h);
          scf::YieldOp::create(lb);
        },
        [&](OpBuilder &eb, Location loc) {
          ImplicitLocOpBuilder lb(loc, eb);
          finals(lb);
          scf::YieldOp::create(lb);
        });
  }

  TensorBuilder &b;
  const ParaCall &pc;
  const ParaSolve &solve;
  int n;
  Value segment;       ///< steps per segment (the last may be shorter)
  Value bi, firstLane; ///< the block's batch row and first hidden unit
  Values segMatrix, segOffset, entering, before;
  Value segResidual, laneResidual;
};

} // namespace

Results lowerParaRNN(TensorBuilder &b, Checks &checks, DictionaryAttr kernel,
                     ValueRange operands) {
  ParaCall pc;
  pc.lstm = kernel.getAs<StringAttr>("cell").getValue() == "lstm";
  pc.n = pc.lstm ? 2 : 1;
  unsigned diag = pc.lstm ? 5 : 3, next = 3 + diag;
  Value h0 =
      kernel.getAs<BoolAttr>("h0").getValue() ? operands[next++] : Value();
  Value c0 = kernel.getAs<BoolAttr>("c0").getValue() ? operands[next] : Value();
  pc.batch = b.dim(operands[0], 0);
  pc.steps = b.dim(operands[0], 1);
  pc.width = b.dim(operands[0], 2);
  pc.proj = readBuffers(b, operands.take_front(3));
  pc.diag = readBuffers(b, operands.slice(3, diag));
  pc.init = readBuffers(b, {h0, c0});
  pc.init.resize(pc.n);
  ParaSolve solve = ParaSolve::of(kernel);
  pc.states.push_back(allocBuffer(b, {pc.batch, pc.steps, pc.width}));
  if (pc.lstm && solve.newton) // the iterates need c at every step too
    pc.states.push_back(allocBuffer(b, {pc.batch, pc.steps, pc.width}));
  for (int i = 0; i < pc.n; ++i)
    pc.final.push_back(allocBuffer(b, {pc.batch, pc.width}));
  if (!solve.newton) {
    forEachLane(b, pc.batch, pc.width,
                [&](ImplicitLocOpBuilder &ib, Value bi, Value h) {
                  walkLane(ib, pc, bi, h);
                });
  } else if (Value worst = NewtonKernel(b, pc, solve).build()) {
    Value res = largestElement(b, bufferTensor(b, worst));
    checks.failIf(
        b,
        arith::CmpFOp::create(b, arith::CmpFPredicate::UGT, res,
                              b.f32(solve.tolerance)),
        solve.capMessage(kernel.getAs<StringAttr>("node").getValue()));
  }
  Results results{bufferTensor(b, pc.states[0])};
  for (Value f : pc.final)
    results.push_back(bufferTensor(b, f));
  return results;
}

} // namespace seqc
