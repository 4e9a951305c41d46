//===- InitAll.h - Registration of seqc and upstream dialects and passes --===//
#ifndef SEQC_INITALL_H
#define SEQC_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace seqc {

/// seq, rgnn, and the upstream dialects seqc's pipelines lower through.
void registerAllDialects(mlir::DialectRegistry &registry);

/// seqc's passes and the upstream passes its pipelines use.
void registerAllPasses();

} // namespace seqc

#endif // SEQC_INITALL_H
