// The interface through which an op names the weight tensors it reads.
#ifndef SEQC_WEIGHTED_OP_INTERFACE
#define SEQC_WEIGHTED_OP_INTERFACE

include "mlir/IR/OpBase.td"

def WeightedOpInterface : OpInterface<"WeightedOpInterface"> {
  let cppNamespace = "::seqc";
  let description = [{
    An op whose trailing `weights` operands are the tensors `<node>.<name>`
    of a model's safetensors file. `weightSpecs` lists their names and
    shapes, in operand order, from the op's data inputs and attributes; the
    importer uses it to find the tensors and the verifier to check them.
    `inputs` are the op's data operands in ODS order, with a null Value for
    an absent optional one.
  }];
  let methods = [
    StaticInterfaceMethod<
      "Names and shapes of the weights, in operand order.",
      "::llvm::FailureOr<::llvm::SmallVector<::seqc::WeightSpec>>",
      "weightSpecs",
      (ins "std::optional<::mlir::Location>":$loc,
           "::mlir::ValueRange":$inputs,
           "::mlir::DictionaryAttr":$attrs)>,
  ];
}

#endif // SEQC_WEIGHTED_OP_INTERFACE
