//===- Pipeline.cpp - seq IR → LLVM dialect, with the module's entry point
//-===//
#include "seqc/Target/CPU.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

std::string seqc::cpuPipeline() {
  return "rgnn-decompose,rgnn-reorder-linear,rgnn-compact-materialization,"
         "rgnn-select-layout,rgnn-lower-to-templates,"
         "seq-mark-spike-inputs,seq-select-scan,seq-chunk-gla,"
         "seq-select-layout,"
         "convert-seq-to-linalg,"
         "seq-weights-to-args,"
         "func.func(convert-elementwise-to-linalg),"
         "canonicalize,cse,"
         "func.func(linalg-fuse-elementwise-ops),"
         "one-shot-bufferize{bufferize-function-boundaries "
         "function-boundary-type-conversion=identity-layout-map "
         "allow-return-allocs-from-loops},"
         "buffer-deallocation-pipeline,convert-bufferization-to-memref,"
         "seq-copies-to-linalg,seq-vectorize-elementwise,"
         "func.func(convert-linalg-to-parallel-loops),seq-approximate-math,"
         "convert-scf-to-openmp,canonicalize,"
         "lower-affine,convert-scf-to-cf,canonicalize,"
         "expand-strided-metadata,lower-affine,convert-vector-to-llvm,"
         "finalize-memref-to-llvm{use-aligned-alloc},"
         "convert-math-to-llvm,convert-math-to-libm,"
         "convert-arith-to-llvm,convert-index-to-llvm,"
         "convert-openmp-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,"
         "reconcile-unrealized-casts";
}

LogicalResult seqc::cpuPipelineWith(ArrayRef<std::string> passOptions,
                                    std::string &pipeline, std::string &error) {
  pipeline = cpuPipeline();
  for (const std::string &entry : passOptions) {
    size_t brace = entry.find('{');
    if (brace == std::string::npos || brace == 0 || entry.back() != '}') {
      error = "--pass-options=" + entry + ": expected PASS{key=value ...}";
      return failure();
    }
    std::string name = entry.substr(0, brace);
    // The pass as a whole element of the list: after '(' or ',' or at the
    // start, before ',' or ')'.
    size_t at = std::string::npos;
    for (size_t from = 0;
         (from = pipeline.find(name, from)) != std::string::npos; ++from) {
      char before = from ? pipeline[from - 1] : ',';
      char after = from + name.size() < pipeline.size()
                       ? pipeline[from + name.size()]
                       : ',';
      if ((before == ',' || before == '(') && (after == ',' || after == ')')) {
        at = from;
        break;
      }
    }
    if (at == std::string::npos) {
      error = "--pass-options=" + entry + ": '" + name +
              "' is not a pass of the pipeline (see --print-pipeline)";
      return failure();
    }
    pipeline.replace(at, name.size(), entry);
  }
  OpPassManager pm("builtin.module");
  std::string message;
  llvm::raw_string_ostream os(message);
  if (failed(parsePassPipeline(pipeline, pm, os))) {
    // "<Pass-Options-Parser>: no such option x\n\nfailed to add ...":
    // the first line, without the parser's name.
    StringRef first = StringRef(message).trim().split('\n').first;
    if (first.starts_with("<"))
      first = first.split(": ").second;
    error = "--pass-options: " + first.str();
    return failure();
  }
  return success();
}

/// `int32_t seqc_entry(void **args, void *results)`: clears the status
/// word, calls the C interface of @main with args[i] as its i-th memref
/// descriptor, and returns the status (0, or the number of the run-time
/// check that failed).
static void addEntryPoint(ModuleOp module, unsigned numArgs) {
  MLIRContext *ctx = module.getContext();
  OpBuilder b(module.getBodyRegion());
  b.setInsertionPointToEnd(module.getBody());
  Location loc = module.getLoc();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i32 = IntegerType::get(ctx, 32);
  auto fn = LLVM::LLVMFuncOp::create(
      b, loc, "seqc_entry", LLVM::LLVMFunctionType::get(i32, {ptr, ptr}));
  Block *body = fn.addEntryBlock(b);
  b.setInsertionPointToStart(body);
  Value args = body->getArgument(0), results = body->getArgument(1);
  Value zero = LLVM::ConstantOp::create(b, loc, i32, 0);
  auto status = module.lookupSymbol<LLVM::GlobalOp>("seqc_status");
  Value statusPtr;
  if (status) {
    statusPtr = LLVM::AddressOfOp::create(b, loc, status);
    LLVM::StoreOp::create(b, loc, zero, statusPtr);
  }
  SmallVector<Value> callArgs{results};
  for (unsigned i = 0; i < numArgs; ++i) {
    Value slot = LLVM::GEPOp::create(b, loc, ptr, ptr, args,
                                     ArrayRef<LLVM::GEPArg>{int32_t(i)});
    callArgs.push_back(LLVM::LoadOp::create(b, loc, ptr, slot));
  }
  LLVM::CallOp::create(b, loc, TypeRange{}, "_mlir_ciface_seqc_main", callArgs);
  Value result =
      status ? Value(LLVM::LoadOp::create(b, loc, i32, statusPtr)) : zero;
  LLVM::ReturnOp::create(b, loc, result);
}

/// The signature as a NUL-terminated constant the runtime finds by name.
static void addSignature(ModuleOp module, StringRef json) {
  OpBuilder b(module.getBodyRegion());
  b.setInsertionPointToEnd(module.getBody());
  std::string text = json.str();
  text.push_back('\0');
  auto type = LLVM::LLVMArrayType::get(IntegerType::get(module.getContext(), 8),
                                       text.size());
  LLVM::GlobalOp::create(b, module.getLoc(), type, /*isConstant=*/true,
                         LLVM::Linkage::External, "seqc_signature",
                         b.getStringAttr(text));
}

LogicalResult seqc::lowerToLLVMDialect(ModuleOp module,
                                       const std::string &pipeline) {
  std::string signature = moduleSignature(module);
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main)
    return module.emitError("the module has no @main");
  main->setAttr("llvm.emit_c_interface", UnitAttr::get(module.getContext()));
  // `main` would clash with the application's when the object is linked in.
  main.setSymName("seqc_main");
  PassManager pm(module.getContext());
  if (failed(applyPassManagerCLOptions(pm)) ||
      failed(parsePassPipeline(pipeline, pm)) || failed(pm.run(module)))
    return failure();
  // The C interface takes one descriptor pointer per memref argument.
  auto ciface = module.lookupSymbol<LLVM::LLVMFuncOp>("_mlir_ciface_seqc_main");
  if (!ciface)
    return module.emitError("lowering lost @seqc_main");
  unsigned numArgs = ciface.getNumArguments() - 1;
  addEntryPoint(module, numArgs);
  if (auto messages = module->getAttrOfType<ArrayAttr>("seq.check_messages"))
    signature = withCheckMessages(signature, messages);
  addSignature(module, signature);
  return success();
}
