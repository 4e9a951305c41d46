//===- WeightedOpInterface.h - Ops that read named weight tensors ---------===//
#ifndef SEQC_DIALECTS_COMMON_WEIGHTEDOPINTERFACE_H
#define SEQC_DIALECTS_COMMON_WEIGHTEDOPINTERFACE_H

#include "dialects/common/ShapeChecker.h"
#include "mlir/IR/OpDefinition.h"

#include "dialects/common/WeightedOpInterface.h.inc"

#endif // SEQC_DIALECTS_COMMON_WEIGHTEDOPINTERFACE_H
