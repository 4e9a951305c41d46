//===- Neurons.h - One time step of the spiking units, on scalars -*- C++
//-*-===//
//
// The arithmetic of one step of a neuron (charge, fire, reset; SPEC §4.5)
// and of WKV, on f32 scalars, and how a "neurons"/"neurons_linear" kernel
// call carries a neuron: its attributes and its operands by role. The
// target-independent lowering applies a step to whole [B, N] slices per
// time step (a linalg.generic each); a target whose kernel keeps the state
// in registers along time (CUDA's, one thread per lane) applies it to one
// lane.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_LIB_CODEGEN_COMMON_LOWERING_NEURONS_H
#define SEQC_LIB_CODEGEN_COMMON_LOWERING_NEURONS_H

#include "Lowering.h"

namespace seqc {

/// How a neuron charges, fires and resets, as the kernel call's attributes:
/// its kind, its parameters, and the names of those given per neuron
/// instead (operands [N] of the call, in that order).
struct Neuron {
  llvm::StringRef kind = "lif"; // lif, plif, if, cuba_lif
  double tau = 2.0;             // lif
  double threshold = 1.0;
  std::optional<double> reset; // none: soft reset
  bool decayInput = true;
  // cuba_lif
  double tauSyn = 2.0, tauMem = 2.0, r = 1.0, wIn = 1.0, vLeak = 0.0;
  /// Kernel names (tau, threshold, reset, tau_syn, tau_mem, r, w_in,
  /// v_leak) of the parameters given per neuron.
  llvm::SmallVector<std::string> perNeuron;

  bool cuba() const { return kind == "cuba_lif"; }
  /// The kernel call's attributes for this neuron.
  llvm::SmallVector<mlir::NamedAttribute> attrs(mlir::Builder &b) const;
  /// The neuron a kernel call's attributes describe (the inverse of attrs).
  static Neuron of(mlir::DictionaryAttr kernel);
};

/// The operands of a "neurons" or "neurons_linear" call by role: the
/// membrane input (x [B, T, N], or the linear's in [B, T, K], W [N, K]
/// [, bias [N]]), PLIF's weight (0-d), the per-neuron parameters [N] in
/// the neuron's perNeuron order, the starting potential and current
/// [B, N]; absent ones null or empty.
struct NeuronOperands {
  mlir::ValueRange membrane;
  mlir::Value plif;
  mlir::ValueRange params;
  mlir::Value v0, i0;

  static NeuronOperands of(mlir::DictionaryAttr kernel,
                           mlir::ValueRange operands);
};

/// A neuron parameter in a step: the given per-neuron value (`perNeuron`,
/// in n.perNeuron's order), or the constant.
struct StepParams {
  const Neuron &n;
  mlir::ValueRange perNeuron;

  mlir::Value get(mlir::ImplicitLocOpBuilder &ib, llvm::StringRef name,
                  double value) const;
  /// 1/p: a constant, or a division where p is per neuron.
  mlir::Value inverse(mlir::ImplicitLocOpBuilder &ib, llvm::StringRef name,
                      double value) const;
};

/// One step of neurons on (V, [I,] X) with their parameters: (S, V', [I']).
/// `invTau` is PLIF's σ(w) (null for the others).
llvm::SmallVector<mlir::Value> neuronStep(mlir::ImplicitLocOpBuilder &ib,
                                          const Neuron &n, const StepParams &p,
                                          mlir::Value v, mlir::Value i,
                                          mlir::Value x, mlir::Value invTau);

/// WKV's running-max state of one channel.
struct WKVState {
  mlir::Value aa, bb, pp;
};
/// One WKV step on (k, v) with the bonus u and w = −e^{decay}: the output
/// (e^{pp−p} aa + e^{u+k−p} v) / (e^{pp−p} bb + e^{u+k−p}) for p = max(pp,
/// u + k), and the next state: for p' = max(w + pp, k), aa' = e^{w+pp−p'}
/// aa + e^{k−p'} v, bb' = e^{w+pp−p'} bb + e^{k−p'}, pp' = p'.
std::pair<mlir::Value, WKVState> wkvStep(mlir::ImplicitLocOpBuilder &ib,
                                         const WKVState &s, mlir::Value k,
                                         mlir::Value v, mlir::Value u,
                                         mlir::Value w);
/// WKV's per-step decay w = −e^{decay} (f32 or a vector of f32).
mlir::Value wkvDecay(mlir::ImplicitLocOpBuilder &ib, mlir::Value decay);
/// WKV's starting state: (0, 0, −1e38).
WKVState wkvStart(mlir::ImplicitLocOpBuilder &ib);

} // namespace seqc

#endif // SEQC_LIB_CODEGEN_COMMON_LOWERING_NEURONS_H
