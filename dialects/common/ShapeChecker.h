//===- ShapeChecker.h - Shared shape and attribute checks for seqc ops ----===//
//
// Every seqc op infers its result types and checks its operands in one
// function; ShapeChecker gives those functions one way to read attributes,
// compare (possibly dynamic) dimensions and report errors, so that the
// verifier and the model importer say the same thing.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_DIALECTS_COMMON_SHAPECHECKER_H
#define SEQC_DIALECTS_COMMON_SHAPECHECKER_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/Value.h"
#include "mlir/IR/ValueRange.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>
#include <string>

namespace seqc {

/// One weight tensor an op reads: its name under the node (`q_proj.weight`)
/// and its shape, with ShapedType::kDynamic where any size is accepted.
struct WeightSpec {
  std::string name;
  llvm::SmallVector<int64_t> shape;
};
using WeightSpecs = llvm::SmallVector<WeightSpec>;

/// Bounds on a float attribute.
enum class FloatBound { Any, NonNegative, Positive, AboveOne, AtLeastOne };

/// The largest integer attribute seqc accepts: sizes past this are
/// nonsense, and the bound keeps products of two sizes from overflowing.
constexpr int64_t kMaxIntAttr = int64_t(1) << 31;

/// What element types an operand may have.
enum class Elem { F32, Index, I64 };

/// Reads attributes and operand types of one op and reports the first
/// problem at the op's location (or silently, when there is none). Checks
/// after the first failure report nothing, so callers may run several
/// checks before testing their results.
class ShapeChecker {
public:
  ShapeChecker(mlir::MLIRContext *ctx, std::optional<mlir::Location> loc,
               llvm::StringRef opName, mlir::DictionaryAttr attrs);

  /// Emits `'<op>' op <msg>` (unless a problem was already reported) and
  /// returns failure.
  mlir::LogicalResult error(const llvm::Twine &msg) const;

  /// Required integer attribute in [min, max].
  mlir::FailureOr<int64_t> intAttr(llvm::StringRef name, int64_t min = 1,
                                   int64_t max = kMaxIntAttr) const;
  /// Required finite float attribute within `bound`.
  mlir::FailureOr<double> floatAttr(llvm::StringRef name,
                                    FloatBound bound = FloatBound::Any) const;
  /// Optional float attribute: nullopt when absent, failure when ill-typed.
  mlir::FailureOr<std::optional<double>>
  optFloatAttr(llvm::StringRef name) const;
  mlir::FailureOr<bool> boolAttr(llvm::StringRef name) const;
  /// A bool attribute that may be absent (ODS DefaultValuedAttr): `dflt`.
  mlir::FailureOr<bool> optBoolAttr(llvm::StringRef name, bool dflt) const {
    if (!attributes || !attributes.get(name))
      return dflt;
    return boolAttr(name);
  }
  /// Required enum attribute of type `AttrT` (an ODS EnumAttr): its value.
  /// (Its values are checked where the attribute is built: by its parser,
  /// or by the importer from the model's string.)
  template <typename AttrT>
  auto enumAttr(llvm::StringRef name) const
      -> mlir::FailureOr<decltype(std::declval<AttrT>().getValue())> {
    auto attr = attributes ? attributes.getAs<AttrT>(name) : AttrT();
    if (!attr)
      return error("requires attribute '" + name + "' of type " +
                   AttrT::getMnemonic());
    return attr.getValue();
  }
  /// An enum attribute that may be absent (ODS DefaultValuedAttr): its value
  /// or `dflt`.
  template <typename AttrT,
            typename E = decltype(std::declval<AttrT>().getValue())>
  mlir::FailureOr<E> optEnumAttr(llvm::StringRef name, E dflt) const {
    if (!attributes || !attributes.get(name))
      return dflt;
    return enumAttr<AttrT>(name);
  }

  /// A ranked tensor operand of the given rank (-1: any) and element kind.
  mlir::FailureOr<mlir::RankedTensorType> tensor(mlir::Value v,
                                                 llvm::StringRef what,
                                                 int64_t rank,
                                                 Elem elem = Elem::F32) const;
  /// As tensor(), but an absent (null) operand gives a null type.
  mlir::FailureOr<mlir::RankedTensorType>
  optTensor(mlir::Value v, llvm::StringRef what, int64_t rank,
            Elem elem = Elem::F32) const;

  /// Fails unless two dimensions can be equal (either may be dynamic).
  mlir::LogicalResult sameDim(int64_t a, int64_t b,
                              const llvm::Twine &what) const;
  /// Fails unless `divisor` divides `dim` (dynamic dims pass).
  mlir::LogicalResult divides(int64_t divisor, int64_t dim,
                              const llvm::Twine &what) const;
  /// Fails unless `t` has exactly `shape` (kDynamic entries match anything).
  mlir::LogicalResult shapeIs(mlir::RankedTensorType t, llvm::StringRef what,
                              llvm::ArrayRef<int64_t> shape) const;
  /// As shapeIs, for an operand whose every dim must equal `shape`'s (a
  /// recurrence's initial state): a static size against a dynamic one (a
  /// symbol of the model), either way round, fails too. Such a model could
  /// only run where the symbol happens to have that size, which is a mistake
  /// in the model rather than something to find out at run time.
  mlir::LogicalResult stateShapeIs(mlir::RankedTensorType t,
                                   llvm::StringRef what,
                                   llvm::ArrayRef<int64_t> shape) const;
  /// Checks the weights operands against the op's specs: count, f32, shapes.
  mlir::LogicalResult weights(mlir::ValueRange weights,
                              llvm::ArrayRef<WeightSpec> specs) const;

  /// A result type: f32 tensor of the given shape.
  mlir::RankedTensorType f32(llvm::ArrayRef<int64_t> shape) const;

  mlir::DictionaryAttr attrs() const { return attributes; }

private:
  mlir::MLIRContext *ctx;
  std::optional<mlir::Location> loc;
  std::string opName;
  mlir::DictionaryAttr attributes;
  mutable bool reported = false;
};

/// Product of two dimensions; dynamic if either is (or if it overflows).
int64_t mulDim(int64_t a, int64_t b);
/// Sum of two dimensions; dynamic if either is (or if it overflows).
int64_t addDim(int64_t a, int64_t b);
/// Quotient of a dimension; dynamic stays dynamic.
int64_t divDim(int64_t a, int64_t b);
/// `[2, ?, 8]`
std::string shapeStr(llvm::ArrayRef<int64_t> shape);

} // namespace seqc

#endif // SEQC_DIALECTS_COMMON_SHAPECHECKER_H
