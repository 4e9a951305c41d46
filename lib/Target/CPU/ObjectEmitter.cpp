//===- ObjectEmitter.cpp - LLVM dialect → LLVM IR → host object / .so -----===//
#include "seqc/Target/CPU.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace mlir;

/// A TargetMachine for this host's CPU and its vector features.
static std::unique_ptr<llvm::TargetMachine> hostMachine(int optLevel,
                                                        std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  llvm::SubtargetFeatures features;
  for (const auto &[name, on] : llvm::sys::getHostCPUFeatures())
    features.AddFeature(name, on);
  llvm::TargetOptions options;
  auto level = optLevel == 0   ? llvm::CodeGenOptLevel::None
               : optLevel == 1 ? llvm::CodeGenOptLevel::Less
               : optLevel == 2 ? llvm::CodeGenOptLevel::Default
                               : llvm::CodeGenOptLevel::Aggressive;
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      triple, llvm::sys::getHostCPUName(), features.getString(), options,
      llvm::Reloc::PIC_, std::nullopt, level));
}

/// Translates and optimizes; fills `tm` for object emission.
static std::unique_ptr<llvm::Module>
translate(ModuleOp module, int optLevel, llvm::LLVMContext &ctx,
          std::unique_ptr<llvm::TargetMachine> &tm, std::string &error) {
  tm = hostMachine(optLevel, error);
  if (!tm)
    return nullptr;
  auto llvmModule = translateModuleToLLVMIR(module, ctx, "seqc_model");
  if (!llvmModule) {
    error = "translation to LLVM IR failed";
    return nullptr;
  }
  llvmModule->setDataLayout(tm->createDataLayout());
  llvmModule->setTargetTriple(tm->getTargetTriple());
  if (llvm::Error e =
          makeOptimizingTransformer(optLevel, 0, tm.get())(llvmModule.get())) {
    error = llvm::toString(std::move(e));
    return nullptr;
  }
  return llvmModule;
}

/// LLVM IR text or an object file of the module, in `out`.
static LogicalResult emit(ModuleOp module, int optLevel, bool object,
                          std::string &out, std::string &error) {
  llvm::LLVMContext ctx;
  std::unique_ptr<llvm::TargetMachine> tm;
  auto llvmModule = translate(module, optLevel, ctx, tm, error);
  if (!llvmModule)
    return failure();
  if (!object) {
    llvm::raw_string_ostream os(out);
    llvmModule->print(os, nullptr);
    return success();
  }
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, os, nullptr,
                              llvm::CodeGenFileType::ObjectFile)) {
    error = "the target cannot emit object files";
    return failure();
  }
  pm.run(*llvmModule);
  out.assign(buffer.begin(), buffer.end());
  return success();
}

LogicalResult seqc::emitLLVMIR(ModuleOp module, int optLevel, std::string &out,
                               std::string &error) {
  return emit(module, optLevel, /*object=*/false, out, error);
}

LogicalResult seqc::emitObject(ModuleOp module, int optLevel, std::string &out,
                               std::string &error) {
  return emit(module, optLevel, /*object=*/true, out, error);
}

LogicalResult seqc::linkSharedLibrary(const std::string &objectPath,
                                      const std::string &soPath,
                                      std::string &error) {
  auto cc = llvm::sys::findProgramByName("cc");
  if (!cc) {
    error = "no C compiler ('cc') on PATH to link the shared library";
    return failure();
  }
  // Parallel loops run on LLVM's OpenMP runtime (libomp).
  llvm::SmallVector<llvm::StringRef> args{
      *cc, "-shared", "-o", soPath, objectPath, "-lm", "-l:libomp.so.5"};
  std::string message;
  int rc =
      llvm::sys::ExecuteAndWait(*cc, args, std::nullopt, {}, 0, 0, &message);
  if (rc != 0) {
    error = "linking '" + soPath + "' failed" +
            (message.empty() ? "" : ": " + message);
    return failure();
  }
  return success();
}
