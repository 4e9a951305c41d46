//===- SeqAttrs.cpp - The target and the lowering decisions ---------------===//
//
// Verifiers of the seq attributes (SeqAttrs.td), and the dialect's check
// that each decision name on an op holds its attribute kind, on an op that
// takes that decision.
//
//===----------------------------------------------------------------------===//
#include "dialects/seq/SeqDialect.h"
#include "dialects/seq/TargetArch.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace seqc::seq;

#include "dialects/seq/SeqEnums.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "dialects/seq/SeqAttrs.cpp.inc"

void SeqDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/seq/SeqAttrs.cpp.inc"
      >();
}

using EmitError = llvm::function_ref<InFlightDiagnostic()>;

unsigned seqc::seq::cudaArchNumber(StringRef arch) {
  if (!arch.consume_front("sm_") || arch.empty())
    return 0;
  if (llvm::isAlpha(arch.back()))
    arch = arch.drop_back();
  unsigned sm = 0;
  if (arch.empty() || !llvm::all_of(arch, llvm::isDigit) ||
      arch.getAsInteger(10, sm))
    return 0;
  return sm;
}

LogicalResult TargetAttr::verify(EmitError emitError, TargetKind kind,
                                 int64_t threads, int64_t vectorBits,
                                 int64_t vectorRegisters, int64_t l1,
                                 int64_t l2, int64_t l3, StringRef arch,
                                 int64_t sharedMemory, int64_t warps,
                                 bool bf16Dot, bool bf16Tiles) {
  if (l1 < 0 || l2 < 0 || l3 < 0)
    return emitError() << "cache sizes must not be negative";
  if (kind == TargetKind::cpu) {
    if (threads < 1 || threads > 1024)
      return emitError() << "a cpu target has 1 to 1024 threads, not "
                         << threads;
    if (vectorBits != 128 && vectorBits != 256 && vectorBits != 512)
      return emitError() << "a cpu target's vector_bits is 128, 256 or 512, "
                            "not "
                         << vectorBits;
    if (vectorRegisters < 1)
      return emitError() << "a cpu target needs vector_registers >= 1";
    if (!arch.empty() || sharedMemory || warps)
      return emitError() << "arch, shared_memory_bytes and warps describe a "
                            "cuda target, not a cpu";
    return success();
  }
  if (!cudaArchNumber(arch))
    return emitError() << "a cuda target's arch is sm_NN, not '" << arch << "'";
  if (sharedMemory < 1)
    return emitError() << "a cuda target needs shared_memory_bytes >= 1";
  if (warps < 1 || warps > 32)
    return emitError() << "a cuda target has 1 to 32 warps per block, not "
                       << warps;
  if (threads || vectorBits || vectorRegisters || bf16Dot || bf16Tiles)
    return emitError() << "threads, vector_bits, vector_registers, bf16_dot "
                          "and bf16_tiles describe a cpu target, not a cuda";
  return success();
}

LogicalResult ScanAttr::verify(EmitError emitError, ScanMethod method,
                               int64_t chunk) {
  if (method == ScanMethod::chunked && chunk < 1)
    return emitError() << "a chunked scan needs chunk >= 1, not " << chunk;
  if (method == ScanMethod::sequential && chunk != 0)
    return emitError() << "a sequential scan has no chunk";
  return success();
}

LogicalResult SolverAttr::verify(EmitError emitError, SolverMethod method,
                                 int64_t maxIterations, FloatAttr tolerance,
                                 NewtonCap onCap) {
  if (method == SolverMethod::sequential) {
    if (maxIterations || tolerance || onCap != NewtonCap::error)
      return emitError() << "max_iterations, tolerance and on_cap belong to "
                            "the newton solver";
    return success();
  }
  if (maxIterations < 1)
    return emitError() << "newton needs max_iterations >= 1, not "
                       << maxIterations;
  if (!tolerance || !tolerance.getType().isF64() ||
      !(tolerance.getValueAsDouble() > 0))
    return emitError() << "newton needs a tolerance > 0 (f64)";
  return success();
}

LogicalResult GLAFormAttr::verify(EmitError emitError, GLAMethod method,
                                  int64_t chunk, int64_t subchunk) {
  if (method == GLAMethod::recurrent) {
    if (chunk || subchunk)
      return emitError() << "the recurrent form has no chunk or subchunk";
    return success();
  }
  if (chunk < 1 || subchunk < 1)
    return emitError() << "the chunked form needs chunk and subchunk >= 1";
  if (chunk % subchunk != 0)
    return emitError() << "subchunk (" << subchunk << ") must divide chunk ("
                       << chunk << ")";
  return success();
}

/// The decisions the strategy passes record, by name: which attribute kind
/// each holds and which ops take it. Other `seq.*` names (the importer's
/// and the lowering's facts) are not checked here.
LogicalResult SeqDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  Attribute value = attr.getValue();
  auto expect = [&](bool holds, StringRef kind, bool on,
                    StringRef ops) -> LogicalResult {
    if (!holds)
      return op->emitOpError()
             << "'" << name << "' must be a " << kind << ", not " << value;
    if (!on)
      return op->emitOpError() << "'" << name << "' belongs on " << ops;
    return success();
  };
  bool recurrence = isa<LinearRecurrenceOp, ParaGRUOp, ParaLSTMOp>(op);
  bool para = isa<ParaGRUOp, ParaLSTMOp>(op);
  bool gla = isa<GLACoreOp, GLAOp>(op);
  if (name == "seq.target")
    return expect(isa<TargetAttr>(value), "#seq.target", isa<ModuleOp>(op),
                  "a builtin.module");
  if (name == "seq.precision") {
    auto text = dyn_cast<StringAttr>(value);
    return expect(text && (text == "f32" || text == "bf16"),
                  "string \"f32\" or \"bf16\"", isa<ModuleOp>(op),
                  "a builtin.module");
  }
  if (name == "seq.scan")
    return expect(isa<ScanAttr>(value), "#seq.scan", recurrence,
                  "seq.linear_recurrence, seq.para_gru or seq.para_lstm");
  if (name == "seq.solver")
    return expect(isa<SolverAttr>(value), "#seq.solver", para,
                  "seq.para_gru or seq.para_lstm");
  if (name == "seq.gla_form")
    return expect(isa<GLAFormAttr>(value), "#seq.gla_form", gla,
                  "seq.gla_core or seq.gla");
  if (name == "seq.layout") {
    if (isa<GatedAttentionOp>(op))
      return expect(isa<AttentionLayoutAttr>(value), "#seq.attention_layout",
                    true, "");
    return expect(isa<GLALayoutAttr>(value), "#seq.gla_layout", gla,
                  "seq.gla_core, seq.gla or seq.gated_attention");
  }
  return success();
}
