//===- WeightedOpInterface.cpp - Generated interface definitions ----------===//
#include "dialects/common/WeightedOpInterface.h"

#include "dialects/common/WeightedOpInterface.cpp.inc"
