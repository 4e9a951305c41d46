//===- RNNScan.cpp - seq.rnn's time loop as one CPU kernel ----------------===//
//
// The "rnn_scan" kernel call (one direction of one layer of a GRU, LSTM or
// plain RNN; its input projections come computed, gi [B, T, G·H]): per
// step the recurrent product gh = h W_hhᵀ + b_hh by the packed GEMM's
// register blocks (W_hh packed once per module, Gemm.h), then the gates on
// blocks of 16 hidden units, the new h and c written in place and h into
// the outputs at its step.
//
// With enough work the whole loop runs on one team of threads, kept
// across the steps: each thread takes its share of the hidden units, their
// columns of every gate for the product (whole panels when H is a multiple
// of 32) and then their gates, and the team meets at a barrier before the
// next step reads h (where a gate's columns are not whole panels, a thread
// takes a share of all panels, a barrier, then a share of the units for
// the gates). A barrier or two a step replace a fork and join of the team
// a step and the gates on the calling thread (the generic form's cost:
// about a quarter of an LSTM's time at B = 8, H = 256). The team is a
// `seq.team` loop, which seq-cpu-team-regions makes an OpenMP parallel
// region after bufferization; the shares come from the team's actual
// size, which libomp's load-balance mode may shrink. Below the work
// threshold one thread runs the same loop.
//
//===----------------------------------------------------------------------===//
#include "CPUKernels.h"
#include "Gemm.h"
#include "VectorLoops.h"
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace seqc {

namespace {

/// Hidden units per vector of the gate loop.
constexpr int64_t kUnitLanes = 16;

enum class Cell { gru, lstm, tanh, relu };

/// The kernel's buffers and sizes.
struct Scan {
  Cell cell;
  int64_t hidden, gates;
  bool reverse;
  Value gi, panels, bias, h, c, ys, gh; // buffers (bias, c may be null)
  Value batch, steps, width;            // B, T, G·H
};

/// omp_get_<what>() as an index.
Value ompQuery(ImplicitLocOpBuilder &b, ModuleOp module, StringRef what) {
  auto fn = declareFunction(module, ("omp_get_" + what).str(),
                            b.getFunctionType({}, {b.getI32Type()}));
  Value v = func::CallOp::create(b, fn, ValueRange{}).getResult(0);
  return arith::IndexCastOp::create(b, b.getIndexType(), v);
}

/// [count · who / team, count · (who + 1) / team): `who`'s share of count.
std::pair<Value, Value> share(ImplicitLocOpBuilder &b, Value count, Value who,
                              Value team) {
  auto at = [&](Value w) {
    return arith::DivUIOp::create(b, arith::MulIOp::create(b, count, w), team)
        .getResult();
  };
  Value next =
      arith::AddIOp::create(b, who, arith::ConstantIndexOp::create(b, 1));
  return {at(who), at(next)};
}

/// The gates of units [n0, n0 + 16) (`mask`: those below H) of row `row`
/// at step t: reads gi, gh and the state, writes h, c and ys[row, t].
void gates(ImplicitLocOpBuilder &b, const Scan &s, Value row, Value t, Value n0,
           Value mask) {
  auto vt = VectorType::get({kUnitLanes}, b.getF32Type());
  Value zeros = splatF32(b, vt, 0.0);
  auto load = [&](Value buffer, SmallVector<Value> at) {
    return vector::MaskedLoadOp::create(b, vt, buffer, at, mask, zeros)
        .getResult();
  };
  auto column = [&](int64_t g) {
    return arith::AddIOp::create(
               b, n0, arith::ConstantIndexOp::create(b, g * s.hidden))
        .getResult();
  };
  auto input = [&](int64_t g) { return load(s.gi, {row, t, column(g)}); };
  auto recurrent = [&](int64_t g) { return load(s.gh, {row, column(g)}); };
  auto gate = [&](int64_t g) {
    return arith::AddFOp::create(b, input(g), recurrent(g)).getResult();
  };
  auto store = [&](Value v, Value buffer, SmallVector<Value> at) {
    vector::MaskedStoreOp::create(b, buffer, at, mask, v);
  };
  Value h;
  switch (s.cell) {
  case Cell::lstm: {
    Value i = sigmoid(b, gate(0)), f = sigmoid(b, gate(1));
    Value g = math::TanhOp::create(b, gate(2));
    Value o = sigmoid(b, gate(3));
    Value c = arith::AddFOp::create(
        b, arith::MulFOp::create(b, f, load(s.c, {row, n0})),
        arith::MulFOp::create(b, i, g));
    store(c, s.c, {row, n0});
    h = arith::MulFOp::create(b, o, math::TanhOp::create(b, c));
    break;
  }
  case Cell::gru: {
    Value r = sigmoid(b, gate(0)), z = sigmoid(b, gate(1));
    Value n = math::TanhOp::create(
        b, arith::AddFOp::create(b, input(2),
                                 arith::MulFOp::create(b, r, recurrent(2))));
    // h' = (1 − z) ⊙ n + z ⊙ h
    Value keep = arith::MulFOp::create(b, z, load(s.h, {row, n0}));
    Value take = arith::MulFOp::create(
        b, arith::SubFOp::create(b, splatF32(b, vt, 1.0), z), n);
    h = arith::AddFOp::create(b, take, keep);
    break;
  }
  case Cell::tanh:
    h = math::TanhOp::create(b, gate(0));
    break;
  case Cell::relu:
    h = arith::MaximumFOp::create(b, gate(0), zeros);
    break;
  }
  store(h, s.h, {row, n0});
  store(h, s.ys, {row, t, n0});
}

/// The time loop for member `who` of a team of `team` threads (`barrier`
/// after the gates, and between the product and the gates where the member
/// needs columns others computed), or, without a barrier, for one thread
/// (who 0 of 1). Where each gate's columns are whole panels (H a multiple
/// of 32), a member takes the same units in every gate, for the product
/// and for the gates, so one barrier a step suffices; otherwise it takes a
/// share of all panels, then a share of the units.
void timeLoop(ImplicitLocOpBuilder &b, const Scan &s, Value who, Value team,
              const std::function<void(ImplicitLocOpBuilder &)> &barrier) {
  auto index = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, v).getResult();
  };
  Value hidden = index(s.hidden);
  bool aligned = s.hidden % kGemmPanel == 0;
  int64_t gatePanels = s.hidden / kGemmPanel;
  Value p0, p1, u0, u1;
  if (aligned) {
    std::tie(p0, p1) = share(b, index(gatePanels), who, team);
    u0 = arith::MulIOp::create(b, p0, index(kGemmPanel / kUnitLanes));
    u1 = arith::MulIOp::create(b, p1, index(kGemmPanel / kUnitLanes));
  } else {
    std::tie(p0, p1) =
        share(b, arith::CeilDivUIOp::create(b, s.width, index(kGemmPanel)), who,
              team);
    std::tie(u0, u1) = share(
        b, arith::CeilDivUIOp::create(b, hidden, index(kUnitLanes)), who, team);
  }
  auto rowIndex = [](ImplicitLocOpBuilder &, Value row) {
    return SmallVector<Value>{row};
  };
  GemmRows rows{rowIndex, rowIndex, false};
  auto product = [&](ImplicitLocOpBuilder &lb, Value first, Value end) {
    scf::ForOp::create(
        lb, first, end, arith::ConstantIndexOp::create(lb, 1), ValueRange{},
        [&](OpBuilder &pb, Location pl, Value p, ValueRange) {
          ImplicitLocOpBuilder gb(pl, pb);
          gemmTask(gb, s.h, s.panels, {}, s.bias, {}, s.gh, s.width, hidden,
                   arith::ConstantIndexOp::create(gb, 0), s.batch, p, rows);
          scf::YieldOp::create(gb);
        });
  };
  scf::ForOp::create(
      b, index(0), s.steps, index(1), ValueRange{},
      [&](OpBuilder &nested, Location loc, Value i, ValueRange) {
        ImplicitLocOpBuilder lb(loc, nested);
        Value one = arith::ConstantIndexOp::create(lb, 1);
        Value t = i;
        if (s.reverse) // T − 1 − i
          t = arith::SubIOp::create(lb, arith::SubIOp::create(lb, s.steps, one),
                                    i);
        // gh = h W_hhᵀ + b_hh: this member's panels.
        if (aligned) {
          for (int64_t g = 0; g < s.gates; ++g) {
            Value at = arith::ConstantIndexOp::create(lb, g * gatePanels);
            product(lb, arith::AddIOp::create(lb, p0, at),
                    arith::AddIOp::create(lb, p1, at));
          }
        } else {
          product(lb, p0, p1);
          if (barrier)
            barrier(lb);
        }
        // The gates, this member's units.
        scf::ForOp::create(
            lb, u0, u1, one, ValueRange{},
            [&](OpBuilder &ub, Location ul, Value u, ValueRange) {
              ImplicitLocOpBuilder gb(ul, ub);
              Value n0 = arith::MulIOp::create(
                  gb, u, arith::ConstantIndexOp::create(gb, kUnitLanes));
              Value mask = vector::CreateMaskOp::create(
                  gb, VectorType::get({kUnitLanes}, gb.getI1Type()),
                  ValueRange{arith::SubIOp::create(gb, hidden, n0)});
              scf::ForOp::create(
                  gb, arith::ConstantIndexOp::create(gb, 0), s.batch,
                  arith::ConstantIndexOp::create(gb, 1), ValueRange{},
                  [&](OpBuilder &rb, Location rl, Value row, ValueRange) {
                    ImplicitLocOpBuilder eb(rl, rb);
                    gates(eb, s, row, t, n0, mask);
                    scf::YieldOp::create(eb);
                  });
              scf::YieldOp::create(gb);
            });
        if (barrier)
          barrier(lb);
        scf::YieldOp::create(lb);
      });
}

Cell cellOf(StringRef name) {
  if (name == "lstm")
    return Cell::lstm;
  if (name == "gru")
    return Cell::gru;
  return name == "rnn_relu" ? Cell::relu : Cell::tanh;
}

} // namespace

Results buildRNNScan(TensorBuilder &b, DictionaryAttr kernel,
                     ValueRange operands, int64_t teamWork) {
  Scan s;
  s.cell = cellOf(kernel.getAs<StringAttr>("cell").getValue());
  s.hidden = kernel.getAs<IntegerAttr>("hidden").getInt();
  s.reverse = kernel.getAs<BoolAttr>("reverse").getValue();
  bool bias = kernel.getAs<BoolAttr>("bias").getValue();
  bool lstm = s.cell == Cell::lstm;
  s.gates = lstm ? 4 : s.cell == Cell::gru ? 3 : 1;
  Value gi = operands[0], whh = operands[1];
  Value h0 = operands[bias ? 3 : 2];
  s.batch = b.dim(gi, 0);
  s.steps = b.dim(gi, 1);
  s.width = b.index(s.gates * s.hidden);
  // Every tensor first, then the buffers (VectorLoops.h).
  PackedWeight packed = packWeight(b, whh);
  s.gi = readBuffer(b, gi);
  s.panels = packed.global ? packed.global : readBuffer(b, packed.panels);
  s.bias = bias ? readBuffer(b, operands[2]) : Value();
  Value hidden = b.index(s.hidden);
  s.h = allocBuffer(b, {s.batch, hidden});
  memref::CopyOp::create(b, readBuffer(b, h0), s.h);
  if (lstm) {
    s.c = allocBuffer(b, {s.batch, hidden});
    memref::CopyOp::create(b, readBuffer(b, operands[bias ? 4 : 3]), s.c);
  }
  s.ys = allocBuffer(b, {s.batch, s.steps, hidden});
  s.gh = allocBuffer(b, {s.batch, s.width});

  // A team when a step's product has teamWork FMAs and the whole loop 16
  // times that, and more than one thread may run.
  auto module =
      b.getInsertionBlock()->getParentOp()->getParentOfType<ModuleOp>();
  Value perStep = arith::MulIOp::create(
      b, arith::MulIOp::create(b, s.batch, s.width), hidden);
  Value total = arith::MulIOp::create(b, perStep, s.steps);
  Value threads = ompQuery(b, module, "max_threads");
  Value useTeam = arith::AndIOp::create(
      b,
      arith::AndIOp::create(b,
                            arith::CmpIOp::create(b, arith::CmpIPredicate::uge,
                                                  perStep, b.index(teamWork)),
                            arith::CmpIOp::create(b, arith::CmpIPredicate::uge,
                                                  total,
                                                  b.index(16 * teamWork))),
      arith::CmpIOp::create(b, arith::CmpIPredicate::ugt, threads, b.index(1)));
  scf::IfOp::create(
      b, useTeam,
      [&](OpBuilder &tb, Location tl) {
        ImplicitLocOpBuilder ib(tl, tb);
        auto team = scf::ParallelOp::create(
            ib, ValueRange{b.index(0)}, ValueRange{threads},
            ValueRange{b.index(1)},
            [&](OpBuilder &pb, Location pl, ValueRange) {
              ImplicitLocOpBuilder mb(pl, pb);
              func::FuncOp barrier = declareFunction(
                  module, kTeamBarrier, mb.getFunctionType({}, {}));
              timeLoop(mb, s, ompQuery(mb, module, "thread_num"),
                       ompQuery(mb, module, "num_threads"),
                       [&](ImplicitLocOpBuilder &bb) {
                         func::CallOp::create(bb, barrier, ValueRange{});
                       });
              scf::ReduceOp::create(mb);
            });
        team->setAttr(kTeamAttr, ib.getUnitAttr());
        scf::YieldOp::create(ib);
      },
      [&](OpBuilder &eb, Location el) {
        ImplicitLocOpBuilder ib(el, eb);
        timeLoop(ib, s, arith::ConstantIndexOp::create(ib, 0),
                 arith::ConstantIndexOp::create(ib, 1), nullptr);
        scf::YieldOp::create(ib);
      });
  Results results{bufferTensor(b, s.ys), bufferTensor(b, s.h)};
  if (lstm)
    results.push_back(bufferTensor(b, s.c));
  return results;
}

} // namespace seqc
