//===- LowerModule.cpp - seq IR → LLVM dialect, with the module's entry ---===//
#include "seqc/Codegen/Passes.h"
#include "seqc/Codegen/Pipelines.h"
#include "seqc/Codegen/TargetInfo.h"
#include "seqc/Target/CPU.h"
#include "seqc/Target/CUDA.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

#include "seqc/Runtime/seqc_module_abi.h"

#include <nlohmann/json.hpp>

using namespace mlir;

/// The signature with the CPU the module was generated for, which the
/// runtime checks at load.
static std::string withTargetFacts(const std::string &signature,
                                   const seqc::EmitOptions &options) {
  auto sig = nlohmann::ordered_json::parse(signature);
  sig["cpu"] = options.cpu.cpu;
  sig["cpu_features"] = options.cpu.checkedFeatures;
  bool cuda = options.target == "cuda";
  sig["target"] = cuda ? "cuda" : "cpu";
  if (cuda)
    sig["gpu_archs"] = options.cuda.archs;
  // (The CPU's kernels are the ones known to read s0 before writing there.)
  if (options.target != "cpu")
    sig.erase("in_place");
  return sig.dump();
}

/// The functions through which a module allocates and frees its buffers:
/// the C library's, or a CUDA module's calls (DeviceCode.cpp).
struct Allocator {
  llvm::StringRef alloc, release;
};
static constexpr Allocator kHostAllocator{"aligned_alloc", "free"};
static constexpr Allocator kCUDAAllocator{"seqc_cuda_alloc", "seqc_cuda_free"};

static constexpr llvm::StringLiteral kAllocFn =
    "_mlir_memref_to_llvm_aligned_alloc";
static constexpr llvm::StringLiteral kFreeFn = "_mlir_memref_to_llvm_free";
static constexpr llvm::StringLiteral kFailureHook = "seqc_on_alloc_failure";
/// This thread's run's results, where the runtime may offer buffers.
static constexpr llvm::StringLiteral kOffered = "seqc_results_offered";

/// Declares the allocation functions the memref lowering calls where the
/// lowering did not (the module's own code calls them too).
static void declareAllocation(ModuleOp module) {
  OpBuilder b(module.getBodyRegion());
  b.setInsertionPointToEnd(module.getBody());
  auto ptr = LLVM::LLVMPointerType::get(module.getContext());
  auto i64 = IntegerType::get(module.getContext(), 64);
  auto voidTy = LLVM::LLVMVoidType::get(module.getContext());
  if (!module.lookupSymbol(kAllocFn))
    LLVM::LLVMFuncOp::create(b, module.getLoc(), kAllocFn,
                             LLVM::LLVMFunctionType::get(ptr, {i64, i64}));
  if (!module.lookupSymbol(kFreeFn))
    LLVM::LLVMFuncOp::create(b, module.getLoc(), kFreeFn,
                             LLVM::LLVMFunctionType::get(voidTy, {ptr}));
}

/// Defines the allocation functions the memref lowering calls: `with`'s
/// (aligned_alloc and free on the CPU), and on a failed allocation the
/// runtime's handler, which the entry point stored in `seqc_on_alloc_failure`
/// (it does not return; the trap after it is never reached). A size that cannot
/// be allocated is an error of the run, never a write through a null pointer.
static void defineAllocation(ModuleOp module, Allocator with) {
  MLIRContext *ctx = module.getContext();
  Location loc = module.getLoc();
  OpBuilder b(module.getBodyRegion());
  b.setInsertionPointToEnd(module.getBody());
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  auto voidTy = LLVM::LLVMVoidType::get(ctx);
  auto declare = [&](StringRef name, Type result, ArrayRef<Type> args) {
    if (!module.lookupSymbol(name))
      LLVM::LLVMFuncOp::create(b, loc, name,
                               LLVM::LLVMFunctionType::get(result, args));
  };
  LLVM::GlobalOp::create(b, loc, ptr, /*isConstant=*/false,
                         LLVM::Linkage::Internal, kFailureHook,
                         LLVM::ZeroAttr::get(ctx));
  if (auto alloc = module.lookupSymbol<LLVM::LLVMFuncOp>(kAllocFn);
      alloc && alloc.isExternal()) {
    declare(with.alloc, ptr, {i64, i64});
    alloc.setLinkage(LLVM::Linkage::Internal);
    Block *body = alloc.addEntryBlock(b);
    Block *failed = b.createBlock(&alloc.getBody());
    Block *done = b.createBlock(&alloc.getBody());
    b.setInsertionPointToStart(body);
    Value p = LLVM::CallOp::create(b, loc, TypeRange{ptr}, with.alloc,
                                   body->getArguments())
                  .getResult();
    // (A null result for zero bytes is allowed: nothing is read there.)
    Value null = LLVM::ZeroOp::create(b, loc, ptr);
    Value isNull =
        LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq, p, null);
    Value some = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ne,
                                      body->getArgument(1),
                                      LLVM::ConstantOp::create(b, loc, i64, 0));
    LLVM::CondBrOp::create(b, loc, LLVM::AndOp::create(b, loc, isNull, some),
                           failed, done);
    b.setInsertionPointToStart(failed);
    Value hookAddr = LLVM::AddressOfOp::create(b, loc, ptr, kFailureHook);
    Value hook = LLVM::LoadOp::create(b, loc, ptr, hookAddr);
    LLVM::CallOp::create(b, loc, LLVM::LLVMFunctionType::get(voidTy, {i64}),
                         ValueRange{hook, body->getArgument(1)});
    LLVM::Trap::create(b, loc);
    LLVM::UnreachableOp::create(b, loc);
    b.setInsertionPointToStart(done);
    LLVM::ReturnOp::create(b, loc, p);
    b.setInsertionPointToEnd(module.getBody());
  }
  if (auto release = module.lookupSymbol<LLVM::LLVMFuncOp>(kFreeFn);
      release && release.isExternal()) {
    declare(with.release, voidTy, {ptr});
    release.setLinkage(LLVM::Linkage::Internal);
    Block *body = release.addEntryBlock(b);
    b.setInsertionPointToStart(body);
    LLVM::CallOp::create(b, loc, TypeRange{}, with.release,
                         body->getArguments());
    LLVM::ReturnOp::create(b, loc, ValueRange{});
  }
}

/// Defines seqc_result_buffer(word, bytes) (seq-cpu-caller-buffers), when
/// the module calls it: the buffer the runtime offered in the run's
/// results at `word` ({buffer, 0, its bytes} in the descriptor's first
/// three words, seqc_module_abi.h) when it holds exactly `bytes`, else a new
/// allocation (64-byte aligned); returned as a memref<?xi8> descriptor.
/// The entry stores the results' address in the thread-local kOffered.
static void defineResultBuffer(ModuleOp module) {
  auto fn = module.lookupSymbol<LLVM::LLVMFuncOp>(seqc::kResultBuffer);
  if (!fn || !fn.isExternal())
    return;
  MLIRContext *ctx = module.getContext();
  Location loc = module.getLoc();
  OpBuilder b(module.getBodyRegion());
  b.setInsertionPointToEnd(module.getBody());
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  LLVM::GlobalOp::create(b, loc, ptr, /*isConstant=*/false,
                         LLVM::Linkage::Internal, kOffered,
                         LLVM::ZeroAttr::get(ctx), /*alignment=*/0,
                         /*addrSpace=*/0, /*dsoLocal=*/true,
                         /*thread_local_=*/true);
  declareAllocation(module);
  fn.setLinkage(LLVM::Linkage::Internal);
  Block *body = fn.addEntryBlock(b);
  Value word = body->getArgument(0), bytes = body->getArgument(1);
  Block *allocate = b.createBlock(&fn.getBody());
  Block *done = b.createBlock(&fn.getBody(), {}, {ptr}, {loc});
  b.setInsertionPointToStart(body);
  auto constant = [&](int64_t v) {
    return LLVM::ConstantOp::create(b, loc, i64, v).getResult();
  };
  auto wordAt = [&](Value base, Value at) {
    return LLVM::GEPOp::create(b, loc, ptr, i64, base, ValueRange{at});
  };
  Value results = LLVM::LoadOp::create(
      b, loc, ptr, LLVM::AddressOfOp::create(b, loc, ptr, kOffered));
  Value null = LLVM::ZeroOp::create(b, loc, ptr);
  Block *look = b.createBlock(allocate);
  b.setInsertionPointToEnd(body);
  LLVM::CondBrOp::create(
      b, loc,
      LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq, results, null),
      allocate, look);
  b.setInsertionPointToStart(look);
  Value offered = LLVM::LoadOp::create(b, loc, ptr, wordAt(results, word));
  Value capacity = LLVM::LoadOp::create(
      b, loc, i64,
      wordAt(results, LLVM::AddOp::create(b, loc, word, constant(2))));
  Value usable = LLVM::AndOp::create(
      b, loc,
      LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ne, offered, null),
      LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq, capacity, bytes));
  LLVM::CondBrOp::create(b, loc, usable, done, ValueRange{offered}, allocate,
                         ValueRange{});
  b.setInsertionPointToStart(allocate);
  // aligned_alloc wants a multiple of the alignment.
  Value rounded = LLVM::AndOp::create(
      b, loc, LLVM::AddOp::create(b, loc, bytes, constant(63)), constant(-64));
  Value fresh = LLVM::CallOp::create(b, loc, TypeRange{ptr}, kAllocFn,
                                     ValueRange{constant(64), rounded})
                    .getResult();
  LLVM::BrOp::create(b, loc, ValueRange{fresh}, done);
  b.setInsertionPointToStart(done);
  Value p = done->getArgument(0);
  auto descType =
      cast<LLVM::LLVMStructType>(fn.getFunctionType().getReturnType());
  Value desc = LLVM::UndefOp::create(b, loc, descType);
  auto set = [&](Value v, ArrayRef<int64_t> at) {
    desc = LLVM::InsertValueOp::create(b, loc, desc, v, at);
  };
  set(p, {0});
  set(p, {1});
  set(constant(0), {2});
  set(bytes, {3, 0});
  set(constant(1), {4, 0});
  LLVM::ReturnOp::create(b, loc, desc);
}

/// Whether the module multiplies by AMX tiles (the bf16 GEMM's kernel).
static bool usesAMX(ModuleOp module) {
  return module
      .walk([](LLVM::CallIntrinsicOp call) {
        return call.getIntrin().starts_with("llvm.x86.tile")
                   ? WalkResult::interrupt()
                   : WalkResult::advance();
      })
      .wasInterrupted();
}

/// Linux lets a process use AMX tiles once it asked (arch_prctl
/// ARCH_REQ_XCOMP_PERM for XFEATURE_XTILEDATA); until then a tile
/// instruction faults. In the entry block of `fn`: ask on the first run
/// (remembered in a global), return SEQC_ENTRY_NO_AMX when refused, and
/// continue in the block returned.
static Block *askForAMX(OpBuilder &b, ModuleOp module, LLVM::LLVMFuncOp fn) {
  MLIRContext *ctx = module.getContext();
  Location loc = module.getLoc();
  auto i32 = IntegerType::get(ctx, 32);
  auto i64 = IntegerType::get(ctx, 64);
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  constexpr llvm::StringLiteral kGranted = "seqc_amx_granted";
  LLVM::LLVMFuncOp syscall;
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    LLVM::GlobalOp::create(b, loc, i32, /*isConstant=*/false,
                           LLVM::Linkage::Internal, kGranted,
                           b.getI32IntegerAttr(0));
    syscall = module.lookupSymbol<LLVM::LLVMFuncOp>("syscall");
    if (!syscall)
      syscall = LLVM::LLVMFuncOp::create(
          b, loc, "syscall",
          LLVM::LLVMFunctionType::get(i64, {i64}, /*isVarArg=*/true));
  }
  Block *ask = b.createBlock(&fn.getBody());
  Block *granted = b.createBlock(&fn.getBody());
  Block *refused = b.createBlock(&fn.getBody());
  Block *run = b.createBlock(&fn.getBody());
  b.setInsertionPointToEnd(&fn.getBody().front());
  Value flag = LLVM::AddressOfOp::create(b, loc, ptr, kGranted);
  Value zero = LLVM::ConstantOp::create(b, loc, i32, 0);
  Value known = LLVM::LoadOp::create(b, loc, i32, flag, /*alignment=*/4,
                                     /*isVolatile=*/false, false, false, false,
                                     LLVM::AtomicOrdering::monotonic);
  LLVM::CondBrOp::create(
      b, loc,
      LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ne, known, zero), run,
      ask);
  b.setInsertionPointToStart(ask);
  auto constant = [&](int64_t v) {
    return LLVM::ConstantOp::create(b, loc, i64, v).getResult();
  };
  // SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA.
  Value answer = LLVM::CallOp::create(
                     b, loc, syscall,
                     ValueRange{constant(158), constant(0x1023), constant(18)})
                     .getResult();
  LLVM::CondBrOp::create(b, loc,
                         LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq,
                                              answer, constant(0)),
                         granted, refused);
  b.setInsertionPointToStart(granted);
  LLVM::StoreOp::create(b, loc, LLVM::ConstantOp::create(b, loc, i32, 1), flag,
                        /*alignment=*/4, /*isVolatile=*/false, false, false,
                        LLVM::AtomicOrdering::monotonic);
  LLVM::BrOp::create(b, loc, run);
  b.setInsertionPointToStart(refused);
  LLVM::ReturnOp::create(
      b, loc, LLVM::ConstantOp::create(b, loc, i32, SEQC_ENTRY_NO_AMX));
  return run;
}

/// `int32_t <prefix>_entry(void **args, void *results, on_alloc_failure)`:
/// stores the failure handler, calls the C interface of @main with args[i]
/// as its i-th memref descriptor (inputs, weights, state) and, when the
/// module has run-time checks, a zeroed status word of its own as the last
/// one; returns that status (0, or the number of the check that failed).
/// A module with AMX tiles first asks for them (askForAMX).
/// A CUDA module's entry first stores args[n], its seqc_cuda_calls, for
/// this thread, and allocates the status word through it (its kernels may
/// write it).
static void addEntryPoint(ModuleOp module, unsigned numArgs, bool hasStatus,
                          const std::string &name, bool cuda, bool amx) {
  MLIRContext *ctx = module.getContext();
  OpBuilder b(module.getBodyRegion());
  b.setInsertionPointToEnd(module.getBody());
  Location loc = module.getLoc();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i32 = IntegerType::get(ctx, 32);
  auto i64 = IntegerType::get(ctx, 64);
  auto fn = LLVM::LLVMFuncOp::create(
      b, loc, name, LLVM::LLVMFunctionType::get(i32, {ptr, ptr, ptr}));
  Block *body = fn.addEntryBlock(b);
  b.setInsertionPointToStart(amx ? askForAMX(b, module, fn) : body);
  Value args = body->getArgument(0), results = body->getArgument(1);
  LLVM::StoreOp::create(b, loc, body->getArgument(2),
                        LLVM::AddressOfOp::create(b, loc, ptr, kFailureHook));
  if (module.lookupSymbol(kOffered))
    LLVM::StoreOp::create(b, loc, results,
                          LLVM::AddressOfOp::create(b, loc, ptr, kOffered));
  Value zero = LLVM::ConstantOp::create(b, loc, i32, 0);
  SmallVector<Value> callArgs{results};
  unsigned given = hasStatus ? numArgs - 1 : numArgs;
  auto argAt = [&](unsigned i) -> Value {
    Value slot = LLVM::GEPOp::create(b, loc, ptr, ptr, args,
                                     ArrayRef<LLVM::GEPArg>{int32_t(i)});
    return LLVM::LoadOp::create(b, loc, ptr, slot);
  };
  for (unsigned i = 0; i < given; ++i)
    callArgs.push_back(argAt(i));
  if (cuda)
    LLVM::StoreOp::create(
        b, loc, argAt(given),
        LLVM::AddressOfOp::create(b, loc, ptr, seqc::kCUDACalls));
  Value status;
  if (hasStatus) {
    // A rank-0 memref descriptor {allocated, aligned, offset} of one word.
    Value one = LLVM::ConstantOp::create(b, loc, i64, 1);
    Value four = LLVM::ConstantOp::create(b, loc, i64, 4);
    status = cuda ? LLVM::CallOp::create(b, loc, TypeRange{ptr},
                                         "_mlir_memref_to_llvm_aligned_alloc",
                                         ValueRange{four, four})
                        .getResult()
                  : Value(LLVM::AllocaOp::create(b, loc, ptr, i32, one, 4));
    LLVM::StoreOp::create(b, loc, zero, status);
    auto descType = LLVM::LLVMStructType::getLiteral(ctx, {ptr, ptr, i64});
    Value desc = LLVM::AllocaOp::create(b, loc, ptr, descType, one, 8);
    Value value = LLVM::UndefOp::create(b, loc, descType);
    Value offset = LLVM::ConstantOp::create(b, loc, i64, 0);
    SmallVector<Value, 3> fields{status, status, offset};
    for (auto [i, field] : llvm::enumerate(fields))
      value = LLVM::InsertValueOp::create(b, loc, value, field,
                                          ArrayRef<int64_t>{int64_t(i)});
    LLVM::StoreOp::create(b, loc, value, desc);
    callArgs.push_back(desc);
  }
  LLVM::CallOp::create(b, loc, TypeRange{}, "_mlir_ciface_seqc_main", callArgs);
  Value result =
      status ? Value(LLVM::LoadOp::create(b, loc, i32, status)) : zero;
  if (status && cuda)
    LLVM::CallOp::create(b, loc, TypeRange{}, "_mlir_memref_to_llvm_free",
                         ValueRange{status});
  LLVM::ReturnOp::create(b, loc, result);
}

/// The signature as a NUL-terminated constant the runtime finds by name.
static void addSignature(ModuleOp module, StringRef json,
                         const std::string &name) {
  OpBuilder b(module.getBodyRegion());
  b.setInsertionPointToEnd(module.getBody());
  std::string text = json.str();
  text.push_back('\0');
  auto type = LLVM::LLVMArrayType::get(IntegerType::get(module.getContext(), 8),
                                       text.size());
  LLVM::GlobalOp::create(b, module.getLoc(), type, /*isConstant=*/true,
                         LLVM::Linkage::External, name, b.getStringAttr(text));
}

/// Everything but the two exported symbols becomes internal, so that
/// several modules' objects link into one program.
static void internalizeAll(ModuleOp module) {
  for (auto fn : module.getOps<LLVM::LLVMFuncOp>())
    if (!fn.isExternal())
      fn.setLinkage(LLVM::Linkage::Internal);
  for (auto global : module.getOps<LLVM::GlobalOp>())
    if (global.getValueOrNull() || !global.getInitializerRegion().empty())
      global.setLinkage(LLVM::Linkage::Internal);
}

LogicalResult seqc::runPipeline(ModuleOp module,
                                ArrayRef<std::string> passOptions,
                                const EmitOptions &options) {
  if (!module->hasAttr("seq.target")) {
    MLIRContext *ctx = module.getContext();
    std::string error;
    seqc::seq::TargetAttr target =
        options.target == "cpu"
            ? describeCPU(ctx, options.threads, options.cpu.checkedFeatures,
                          options.cpu.host)
            : describeCUDA(ctx, options.cuda.archs.back(), /*warps=*/8, error);
    if (!target)
      return module.emitError(error);
    module->setAttr("seq.target", target);
  }
  if (options.precision != "f32")
    module->setAttr("seq.precision",
                    StringAttr::get(module.getContext(), options.precision));
  PassManager pm(module.getContext());
  applyDefaultTimingPassManagerCLOptions(pm);
  std::string error;
  if (failed(buildPipeline(pm, options.target, options.cuda.archs, passOptions,
                           error)))
    return module.emitError(error);
  if (failed(applyPassManagerCLOptions(pm)) || failed(pm.run(module)))
    return failure();
  return success();
}

LogicalResult seqc::lowerToLLVMDialect(ModuleOp module,
                                       ArrayRef<std::string> passOptions,
                                       const EmitOptions &options) {
  std::string signature = moduleSignature(module);
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main)
    return module.emitError("the module has no @main");
  main->setAttr("llvm.emit_c_interface", UnitAttr::get(module.getContext()));
  // `main` would clash with the application's when the object is linked in.
  main.setSymName("seqc_main");
  if (failed(runPipeline(module, passOptions, options)))
    return failure();
  bool cuda = options.target == "cuda";
  if (cuda && failed(finishCUDAModule(module, options.cuda)))
    return failure();
  // The C interface takes one descriptor pointer per memref argument.
  auto ciface = module.lookupSymbol<LLVM::LLVMFuncOp>("_mlir_ciface_seqc_main");
  if (!ciface)
    return module.emitError("lowering lost @seqc_main");
  unsigned numArgs = ciface.getNumArguments() - 1;
  internalizeAll(module);
  if (cuda)
    declareAllocation(module); // (the status word's)
  defineResultBuffer(module);
  defineAllocation(module, cuda ? kCUDAAllocator : kHostAllocator);
  addEntryPoint(module, numArgs, module->hasAttr("seq.status_arg"),
                options.prefix + "_entry", cuda, usesAMX(module));
  signature = withTargetFacts(withLoweringFacts(signature, module), options);
  addSignature(module, signature, options.prefix + "_signature");
  return success();
}
