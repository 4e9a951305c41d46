//===- SeqDialect.h - The seq dialect and its ops -------------------------===//
#ifndef SEQC_DIALECTS_SEQ_SEQDIALECT_H
#define SEQC_DIALECTS_SEQ_SEQDIALECT_H

#include "dialects/common/WeightedOpInterface.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/seq/SeqDialect.h.inc"
#include "dialects/seq/SeqEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/seq/SeqAttrs.h.inc"

#define GET_OP_CLASSES
#include "dialects/seq/SeqOps.h.inc"

#endif // SEQC_DIALECTS_SEQ_SEQDIALECT_H
