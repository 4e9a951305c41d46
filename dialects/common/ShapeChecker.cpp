//===- ShapeChecker.cpp - Shared shape and attribute checks for seqc ops --===//
#include "dialects/common/ShapeChecker.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace seqc {

static bool isDyn(int64_t d) { return ShapedType::isDynamic(d); }

int64_t mulDim(int64_t a, int64_t b) {
  int64_t r;
  if (isDyn(a) || isDyn(b) || llvm::MulOverflow(a, b, r))
    return ShapedType::kDynamic;
  return r;
}

int64_t addDim(int64_t a, int64_t b) {
  int64_t r;
  if (isDyn(a) || isDyn(b) || llvm::AddOverflow(a, b, r))
    return ShapedType::kDynamic;
  return r;
}

int64_t divDim(int64_t a, int64_t b) {
  return isDyn(a) ? ShapedType::kDynamic : a / b;
}

std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << '[';
  llvm::interleaveComma(shape, os, [&](int64_t d) {
    if (isDyn(d))
      os << '?';
    else
      os << d;
  });
  os << ']';
  return s;
}

ShapeChecker::ShapeChecker(MLIRContext *ctx, std::optional<Location> loc,
                           StringRef opName, DictionaryAttr attrs)
    : ctx(ctx), loc(loc), opName(opName.str()), attributes(attrs) {}

LogicalResult ShapeChecker::error(const Twine &msg) const {
  if (reported)
    return failure();
  reported = true;
  return emitOptionalError(loc, "'", opName, "' op ", msg);
}

FailureOr<int64_t> ShapeChecker::intAttr(StringRef name, int64_t min,
                                         int64_t max) const {
  auto attr = attributes ? attributes.getAs<IntegerAttr>(name) : IntegerAttr();
  if (!attr || !attr.getType().isInteger())
    return error("requires integer attribute '" + name + "'");
  if (attr.getValue().getSignificantBits() > 64)
    return error("attribute '" + name + "' is out of range");
  int64_t v = attr.getInt();
  if (v < min)
    return error("attribute '" + name + "' must be at least " + Twine(min) +
                 ", got " + Twine(v));
  if (v > max)
    return error(
        "attribute '" + name + "' must be at most " +
        (max == kMaxIntAttr ? std::string("2^31") : std::to_string(max)) +
        ", got " + Twine(v));
  return v;
}

FailureOr<double> ShapeChecker::floatAttr(StringRef name,
                                          FloatBound bound) const {
  auto attr = attributes ? attributes.getAs<FloatAttr>(name) : FloatAttr();
  if (!attr)
    return error("requires float attribute '" + name + "'");
  double v = attr.getValueAsDouble();
  if (!std::isfinite(v))
    return error("attribute '" + name + "' must be finite");
  if (bound == FloatBound::Positive && !(v > 0))
    return error("attribute '" + name + "' must be positive, got " +
                 std::to_string(v));
  if (bound == FloatBound::AboveOne && !(v > 1))
    return error("attribute '" + name + "' must be greater than 1, got " +
                 std::to_string(v));
  if (bound == FloatBound::AtLeastOne && !(v >= 1))
    return error("attribute '" + name + "' must be at least 1, got " +
                 std::to_string(v));
  if (bound == FloatBound::NonNegative && v < 0)
    return error("attribute '" + name + "' must not be negative, got " +
                 std::to_string(v));
  return v;
}

FailureOr<std::optional<double>>
ShapeChecker::optFloatAttr(StringRef name) const {
  if (!attributes || !attributes.get(name))
    return std::optional<double>();
  FailureOr<double> v = floatAttr(name);
  if (failed(v))
    return failure();
  return std::optional<double>(*v);
}

FailureOr<bool> ShapeChecker::boolAttr(StringRef name) const {
  auto attr = attributes ? attributes.getAs<BoolAttr>(name) : BoolAttr();
  if (!attr)
    return error("requires bool attribute '" + name + "'");
  return attr.getValue();
}

static bool elemMatches(Type t, Elem elem) {
  switch (elem) {
  case Elem::F32:
    return t.isF32();
  case Elem::Index:
    return t.isInteger(32) || t.isInteger(64);
  case Elem::I64:
    return t.isInteger(64);
  }
  return false;
}

static StringRef elemName(Elem elem) {
  switch (elem) {
  case Elem::F32:
    return "f32";
  case Elem::Index:
    return "i32 or i64";
  case Elem::I64:
    return "i64";
  }
  return "";
}

FailureOr<RankedTensorType>
ShapeChecker::tensor(Value v, StringRef what, int64_t rank, Elem elem) const {
  if (!v)
    return error("requires operand '" + what + "'");
  auto t = dyn_cast<RankedTensorType>(v.getType());
  if (!t)
    return error("operand '" + what + "' must be a ranked tensor");
  if (rank >= 0 && t.getRank() != rank)
    return error("operand '" + what + "' must have rank " + Twine(rank) +
                 ", got " + Twine(t.getRank()));
  if (!elemMatches(t.getElementType(), elem))
    return error("operand '" + what + "' must have " + elemName(elem) +
                 " elements");
  return t;
}

FailureOr<RankedTensorType> ShapeChecker::optTensor(Value v, StringRef what,
                                                    int64_t rank,
                                                    Elem elem) const {
  if (!v)
    return RankedTensorType();
  return tensor(v, what, rank, elem);
}

LogicalResult ShapeChecker::sameDim(int64_t a, int64_t b,
                                    const Twine &what) const {
  if (isDyn(a) || isDyn(b) || a == b)
    return success();
  return error(what + " must agree, got " + Twine(a) + " and " + Twine(b));
}

LogicalResult ShapeChecker::divides(int64_t divisor, int64_t dim,
                                    const Twine &what) const {
  if (divisor <= 0)
    return error(what + " cannot be split into " + Twine(divisor) + " parts");
  if (isDyn(dim) || dim % divisor == 0)
    return success();
  return error(what + " (" + Twine(dim) + ") must be divisible by " +
               Twine(divisor));
}

/// Whether `t` can have `shape` (kDynamic on either side matches).
static bool fitsShape(RankedTensorType t, ArrayRef<int64_t> shape) {
  bool ok = t.getRank() == (int64_t)shape.size();
  for (auto [d, e] : llvm::zip(t.getShape(), shape))
    ok &= isDyn(d) || isDyn(e) || d == e;
  return ok;
}

LogicalResult ShapeChecker::shapeIs(RankedTensorType t, StringRef what,
                                    ArrayRef<int64_t> shape) const {
  if (fitsShape(t, shape))
    return success();
  return error("operand '" + what + "' must have shape " + shapeStr(shape) +
               ", got " + shapeStr(t.getShape()));
}

LogicalResult ShapeChecker::stateShapeIs(RankedTensorType t, StringRef what,
                                         ArrayRef<int64_t> shape) const {
  if (failed(shapeIs(t, what, shape)))
    return failure();
  for (auto [i, d, e] : llvm::enumerate(t.getShape(), shape)) {
    if (isDyn(d) == isDyn(e))
      continue;
    std::string detail =
        isDyn(d) ? "is symbolic, but must be " + std::to_string(e)
                 : std::string("is fixed, but must follow a symbolic size");
    return error("operand '" + what + "' must have shape " + shapeStr(shape) +
                 ", got " + shapeStr(t.getShape()) + " (dim " + Twine(i) + " " +
                 detail + ")");
  }
  return success();
}

LogicalResult ShapeChecker::weights(ValueRange weights,
                                    ArrayRef<WeightSpec> specs) const {
  if (weights.size() != specs.size())
    return error("expects " + Twine(specs.size()) +
                 (specs.size() == 1 ? " weight" : " weights") + ", got " +
                 Twine(weights.size()));
  for (auto [w, spec] : llvm::zip(weights, specs)) {
    auto t = dyn_cast<RankedTensorType>(w.getType());
    if (!t || !t.getElementType().isF32())
      return error("weight '" + spec.name + "' must be an f32 tensor");
    if (!fitsShape(t, spec.shape))
      return error("weight '" + spec.name + "' must have shape " +
                   shapeStr(spec.shape) + ", got " + shapeStr(t.getShape()));
  }
  return success();
}

RankedTensorType ShapeChecker::f32(ArrayRef<int64_t> shape) const {
  return RankedTensorType::get(shape, Float32Type::get(ctx));
}

} // namespace seqc
