// The `seq` dialect: the op catalogue of SPEC §4.1-4.5 as tensor ops.
#ifndef SEQC_SEQ_DIALECT
#define SEQC_SEQ_DIALECT

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "dialects/common/WeightedOpInterface.td"

def Seq_Dialect : Dialect {
  let name = "seq";
  let cppNamespace = "::seqc::seq";
  let summary = "Sequence-model ops: linear and gated attention, gated "
                "recurrences, spiking units";
  let description = [{
    Each op is one entry of the seqc op catalogue (SPEC §4) on ranked
    tensors with dynamic dimensions. Data operands come first; the weights an
    op reads are its trailing `weights(...)` operands, in the order its
    description lists, as produced by `seq.weight`. Every op infers its
    result types and checks ranks, shape agreement and attribute ranges.

    Its attributes (SeqAttrs.td) describe the target (`seq.target` on the
    module) and the lowering decisions the strategy passes record on ops
    (`seq.scan`, `seq.solver`, `seq.gla_form`, `seq.layout`); the dialect
    verifies that each such name holds its attribute kind.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
}

/// A seq op: pure, with inferred result types.
class Seq_Op<string mnemonic, list<Trait> traits = []>
    : Op<Seq_Dialect, mnemonic, !listconcat(traits,
         [Pure, InferTypeOpAdaptor])>;

/// A seq op that reads named weights.
class Seq_WeightedOp<string mnemonic, list<Trait> traits = []>
    : Seq_Op<mnemonic, !listconcat(traits,
         [DeclareOpInterfaceMethods<WeightedOpInterface>])>;

def Seq_F32Tensor : RankedTensorOf<[F32]>;
def Seq_IdTensor : RankedTensorOf<[I32, I64]>;

#endif // SEQC_SEQ_DIALECT
