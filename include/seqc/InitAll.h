//===- InitAll.h - Registration of seqc and upstream dialects and passes --===//
#ifndef SEQC_INITALL_H
#define SEQC_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace seqc {

/// seq, rgnn, and every upstream dialect with its interface models.
void registerAllDialects(mlir::DialectRegistry &registry);

/// seqc's passes and every upstream pass.
void registerAllPasses();

} // namespace seqc

#endif // SEQC_INITALL_H
