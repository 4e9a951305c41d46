//===- OpImpl.h - Helpers for writing seqc op shape functions -------------===//
//
// Included only by the .cpp files that implement seq and rgnn ops. The two
// macros spell the long signatures that ODS declares for every op, so that
// each op's file shows only its checks.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_DIALECTS_COMMON_OPIMPL_H
#define SEQC_DIALECTS_COMMON_OPIMPL_H

#include "dialects/common/ShapeChecker.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OperationSupport.h"

namespace seqc {

/// The last dimension of a ranked tensor value, or dynamic.
inline int64_t lastDim(mlir::Value v) {
  auto t = v ? llvm::dyn_cast<mlir::RankedTensorType>(v.getType())
             : mlir::RankedTensorType();
  return t && t.getRank() > 0 ? t.getShape().back()
                              : mlir::ShapedType::kDynamic;
}

inline mlir::MLIRContext *contextOf(mlir::DictionaryAttr attrs) {
  return attrs ? attrs.getContext() : nullptr;
}

/// An op's attributes as one dictionary, whether stored as properties or
/// not, for ShapeChecker.
template <typename OpTy>
mlir::DictionaryAttr allAttrs(mlir::MLIRContext *ctx,
                              typename OpTy::Adaptor a) {
  using Props = typename OpTy::template InferredProperties<OpTy>;
  mlir::NamedAttrList list(a.getAttributes());
  if constexpr (!std::is_same_v<Props, mlir::EmptyProperties>) {
    if (auto props = llvm::dyn_cast_or_null<mlir::DictionaryAttr>(
            OpTy::getPropertiesAsAttr(ctx, a.getProperties())))
      for (mlir::NamedAttribute attr : props)
        list.set(attr.getName(), attr.getValue());
  }
  return list.getDictionary(ctx);
}

/// Checks an op's weights operands against its WeightedOpInterface specs.
template <typename OpTy>
mlir::LogicalResult
checkWeights(const ShapeChecker &c, std::optional<mlir::Location> loc,
             llvm::ArrayRef<mlir::Value> inputs, typename OpTy::Adaptor a) {
  auto specs = OpTy::weightSpecs(loc, inputs, c.attrs());
  if (mlir::failed(specs))
    return mlir::failure();
  return c.weights(a.getWeights(), *specs);
}

} // namespace seqc

/// `FailureOr<WeightSpecs> OP::weightSpecs(loc, inputs, attrs)`, with a
/// ShapeChecker `c` for the op already made.
#define SEQC_WEIGHT_SPECS(OP)                                                  \
  static ::mlir::FailureOr<::seqc::WeightSpecs> OP##WeightSpecs(               \
      const ::seqc::ShapeChecker &c, ::mlir::ValueRange inputs);               \
  ::mlir::FailureOr<::seqc::WeightSpecs> OP::weightSpecs(                      \
      std::optional<::mlir::Location> loc, ::mlir::ValueRange inputs,          \
      ::mlir::DictionaryAttr attrs) {                                          \
    ::seqc::ShapeChecker c(::seqc::contextOf(attrs), loc,                      \
                           OP::getOperationName(), attrs);                     \
    return OP##WeightSpecs(c, inputs);                                         \
  }                                                                            \
  static ::mlir::FailureOr<::seqc::WeightSpecs> OP##WeightSpecs(               \
      const ::seqc::ShapeChecker &c, ::mlir::ValueRange inputs)

/// `LogicalResult OP::inferReturnTypes(ctx, loc, adaptor a, out)`, with a
/// ShapeChecker `c` for the op already made.
#define SEQC_INFER(OP)                                                         \
  static ::mlir::LogicalResult OP##Infer(                                      \
      const ::seqc::ShapeChecker &c, std::optional<::mlir::Location> loc,      \
      OP::Adaptor a, ::llvm::SmallVectorImpl<::mlir::Type> &out);              \
  ::mlir::LogicalResult OP::inferReturnTypes(                                  \
      ::mlir::MLIRContext *ctx, std::optional<::mlir::Location> loc,           \
      OP::Adaptor a, ::llvm::SmallVectorImpl<::mlir::Type> &out) {             \
    ::seqc::ShapeChecker c(ctx, loc, OP::getOperationName(),                   \
                           ::seqc::allAttrs<OP>(ctx, a));                      \
    return OP##Infer(c, loc, a, out);                                          \
  }                                                                            \
  static ::mlir::LogicalResult OP##Infer(                                      \
      const ::seqc::ShapeChecker &c, std::optional<::mlir::Location> loc,      \
      OP::Adaptor a, ::llvm::SmallVectorImpl<::mlir::Type> &out)

#endif // SEQC_DIALECTS_COMMON_OPIMPL_H
