//===- SeqDialect.cpp - Registration of the seq dialect -------------------===//
#include "dialects/seq/SeqDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace seqc::seq;

#include "dialects/seq/SeqDialect.cpp.inc"

void SeqDialect::initialize() {
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "dialects/seq/SeqOps.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "dialects/seq/SeqOps.cpp.inc"
