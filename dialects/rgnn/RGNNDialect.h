//===- RGNNDialect.h - The rgnn dialect and its ops -----------------------===//
#ifndef SEQC_DIALECTS_RGNN_RGNNDIALECT_H
#define SEQC_DIALECTS_RGNN_RGNNDIALECT_H

#include "dialects/common/WeightedOpInterface.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/rgnn/RGNNDialect.h.inc"
#include "dialects/rgnn/RGNNEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/rgnn/RGNNAttrs.h.inc"

#define GET_OP_CLASSES
#include "dialects/rgnn/RGNNOps.h.inc"

#endif // SEQC_DIALECTS_RGNN_RGNNDIALECT_H
