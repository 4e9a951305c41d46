//===- ParaRNNCell.h - The ParaRNN cell and its Jacobian ------------------===//
//
// The diagonal GRU and CIFG LSTM cells of para_gru / para_lstm (SPEC §4.3)
// in any elementwise arithmetic `M` — scalars in the common bodies
// (ParaRNN.cpp), vectors of a lane block in the CPU's kernel — that has
// `one` and add, sub, mul, fma, sig, tanh, dsig (y(1 − y), σ's derivative
// at σ⁻¹(y)) and dtanh (1 − y²).
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_LIB_CODEGEN_COMMON_LOWERING_PARARNNCELL_H
#define SEQC_LIB_CODEGEN_COMMON_LOWERING_PARARNNCELL_H

#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

namespace seqc {

/// f(s) for the state s = (h[, c]), the step's projections p (3) and the
/// diagonal weights w (A, then C for the LSTM); ∂f/∂s (n×n, row-major)
/// into `jacobian` when given.
template <typename M>
llvm::SmallVector<mlir::Value>
paraCell(M &m, bool lstm, mlir::ValueRange s, mlir::ValueRange p,
         mlir::ValueRange w, llvm::SmallVector<mlir::Value> *jacobian) {
  using mlir::Value;
  if (!lstm) {
    // z = σ(A_z h + p_z), r = σ(A_r h + p_r), ĥ = tanh(A_h (h r) + p_h),
    // h' = h + z (ĥ − h).
    Value h = s[0];
    Value z = m.sig(m.fma(w[0], h, p[0]));
    Value r = m.sig(m.fma(w[1], h, p[1]));
    Value cand = m.tanh(m.fma(w[2], m.mul(h, r), p[2]));
    Value diff = m.sub(cand, h);
    if (jacobian) {
      // ∂h'/∂h = 1 − z + z'(ĥ − h) + z ĥ', ĥ' = (1 − ĥ²) A_h (r + h r').
      Value dz = m.mul(m.dsig(z), w[0]);
      Value dr = m.mul(m.dsig(r), w[1]);
      Value dcand = m.mul(m.mul(m.dtanh(cand), w[2]), m.fma(h, dr, r));
      *jacobian = {m.fma(z, dcand, m.fma(dz, diff, m.sub(m.one, z)))};
    }
    return {m.fma(z, diff, h)};
  }
  // f = σ(A_f h + p_f + C_f c), g = tanh(A_c h + p_c), c' = g + f (c − g),
  // o = σ(A_o h + p_o + C_o c'), h' = o tanh(c').
  Value h = s[0], c = s[1];
  Value f = m.sig(m.fma(w[3], c, m.fma(w[0], h, p[0])));
  Value g = m.tanh(m.fma(w[1], h, p[1]));
  Value keep = m.sub(c, g);
  Value cn = m.fma(f, keep, g);
  Value o = m.sig(m.fma(w[4], cn, m.fma(w[2], h, p[2])));
  Value th = m.tanh(cn);
  if (jacobian) {
    Value df = m.dsig(f), dout = m.dsig(o), dth = m.dtanh(th);
    // c' over (h, c); then h' over (h, c): o' th + o (1 − th²) c'.
    Value dcdh = m.fma(m.mul(df, w[0]), keep,
                       m.mul(m.sub(m.one, f), m.mul(m.dtanh(g), w[1])));
    Value dcdc = m.fma(m.mul(df, w[3]), keep, f);
    Value doh = m.mul(dout, m.fma(w[4], dcdh, w[2]));
    Value doc = m.mul(dout, m.mul(w[4], dcdc));
    Value odth = m.mul(o, dth);
    *jacobian = {m.fma(doh, th, m.mul(odth, dcdh)),
                 m.fma(doc, th, m.mul(odth, dcdc)), dcdh, dcdc};
  }
  return {m.mul(o, th), cn};
}

/// paraCell in scalar f32 arithmetic (the common body's and the GPU
/// kernels' form).
llvm::SmallVector<mlir::Value>
paraCellScalars(mlir::ImplicitLocOpBuilder &ib, bool lstm, mlir::ValueRange s,
                mlir::ValueRange p, mlir::ValueRange w,
                llvm::SmallVector<mlir::Value> *jacobian);

} // namespace seqc

#endif // SEQC_LIB_CODEGEN_COMMON_LOWERING_PARARNNCELL_H
