//===- RGNNDialect.cpp - Registration of the rgnn dialect -----------------===//
#include "dialects/rgnn/RGNNDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace seqc::rgnn;

#include "dialects/rgnn/RGNNDialect.cpp.inc"

void RGNNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/rgnn/RGNNOps.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "dialects/rgnn/RGNNOps.cpp.inc"
