//===- ObjectEmitter.cpp - LLVM dialect → LLVM IR → host object / .so -----===//
#include "seqc/Target/CPU.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace mlir;

/// The features the runtime can detect and checks before it loads a
/// module (LLVM's names; the runtime's table in runtime/src/cpu/CPUFeatures.cpp
/// has the same ones).
static const char *const kCheckedFeatures[] = {
    "sse3",        "ssse3",      "sse4.1",       "sse4.2",
    "popcnt",      "avx",        "f16c",         "fma",
    "bmi",         "bmi2",       "lzcnt",        "movbe",
    "avx2",        "avx512f",    "avx512dq",     "avx512cd",
    "avx512bw",    "avx512vl",   "avx512ifma",   "avx512vbmi",
    "avx512vbmi2", "avx512vnni", "avx512bitalg", "avx512vpopcntdq",
    "avx512bf16",  "avx512fp16", "avxvnni",      "gfni",
    "vpclmulqdq",  "amx-tile",   "amx-int8",     "amx-bf16"};

static const llvm::Target *hostTarget(std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  return llvm::TargetRegistry::lookupTarget(triple, error);
}

static llvm::CodeGenOptLevel codeGenLevel(int optLevel) {
  return optLevel == 0   ? llvm::CodeGenOptLevel::None
         : optLevel == 1 ? llvm::CodeGenOptLevel::Less
         : optLevel == 2 ? llvm::CodeGenOptLevel::Default
                         : llvm::CodeGenOptLevel::Aggressive;
}

LogicalResult seqc::resolveCPU(const std::string &name, CPUTarget &out,
                               std::string &error) {
  const llvm::Target *target = hostTarget(error);
  if (!target)
    return failure();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  out = CPUTarget();
  llvm::SubtargetFeatures features;
  if (name == "host") {
    out.cpu = llvm::sys::getHostCPUName().str();
    out.host = true;
    for (const auto &[feature, on] : llvm::sys::getHostCPUFeatures())
      features.AddFeature(feature, on);
    out.featureString = features.getString();
  } else {
    out.cpu = name;
  }
  // Asked first of a generic subtarget: one made for an unknown CPU warns
  // on stderr.
  std::unique_ptr<llvm::MCSubtargetInfo> generic(
      target->createMCSubtargetInfo(triple, "", ""));
  std::unique_ptr<llvm::MCSubtargetInfo> info;
  if (generic && generic->isCPUStringValid(out.cpu))
    info.reset(
        target->createMCSubtargetInfo(triple, out.cpu, out.featureString));
  if (!info) {
    error = "unknown CPU '" + name +
            "' (use host or an LLVM x86-64 CPU name such as x86-64-v3)";
    return failure();
  }
  for (const char *feature : kCheckedFeatures)
    if (info->checkFeatures(std::string("+") + feature))
      out.checkedFeatures.push_back(feature);
  return success();
}

/// A TargetMachine for `cpu` and its features.
static std::unique_ptr<llvm::TargetMachine>
targetMachine(const seqc::CPUTarget &cpu, int optLevel, std::string &error) {
  const llvm::Target *target = hostTarget(error);
  if (!target)
    return nullptr;
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  llvm::TargetOptions options;
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      triple, cpu.cpu, cpu.featureString, options, llvm::Reloc::PIC_,
      std::nullopt, codeGenLevel(optLevel)));
}

/// Translates and optimizes; fills `tm` for object emission.
static std::unique_ptr<llvm::Module>
translate(ModuleOp module, int optLevel, const seqc::CPUTarget &cpu,
          llvm::LLVMContext &ctx, std::unique_ptr<llvm::TargetMachine> &tm,
          std::string &error) {
  tm = targetMachine(cpu, optLevel, error);
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
static LogicalResult emit(ModuleOp module, int optLevel,
                          const seqc::CPUTarget &cpu, bool object,
                          std::string &out, std::string &error) {
  llvm::LLVMContext ctx;
  std::unique_ptr<llvm::TargetMachine> tm;
  auto llvmModule = translate(module, optLevel, cpu, ctx, tm, error);
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

LogicalResult seqc::emitLLVMIR(ModuleOp module, int optLevel,
                               const CPUTarget &cpu, std::string &out,
                               std::string &error) {
  return emit(module, optLevel, cpu, /*object=*/false, out, error);
}

LogicalResult seqc::emitObject(ModuleOp module, int optLevel,
                               const CPUTarget &cpu, std::string &out,
                               std::string &error) {
  return emit(module, optLevel, cpu, /*object=*/true, out, error);
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
