//===- RGNNDialect.cpp - Registration of the rgnn dialect -----------------===//
#include "dialects/rgnn/RGNNDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace seqc::rgnn;

#include "dialects/rgnn/RGNNDialect.cpp.inc"
#include "dialects/rgnn/RGNNEnums.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "dialects/rgnn/RGNNAttrs.cpp.inc"

void RGNNDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/rgnn/RGNNAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/rgnn/RGNNOps.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "dialects/rgnn/RGNNOps.cpp.inc"
