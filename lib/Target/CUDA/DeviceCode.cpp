//===- DeviceCode.cpp - Kernel images and launches of a CUDA module -------===//
//
// The CUDA pipeline leaves the kernels in one gpu.module of NVVM (a target
// per architecture) and the host code in the LLVM dialect with
// gpu.launch_func ops. Here the kernels become images (cubins by the
// toolkit's ptxas, PTX by LLVM's NVPTX backend) in constants of the host
// module, and each launch a call through the seqc_cuda_calls the entry
// receives (seqc_module_abi.h), as is the projections' library product:
// the runtime loads the images and launches, and loads cuBLASLt, so that
// the module links against nothing of CUDA.
//
//===----------------------------------------------------------------------===//
#include "seqc/Target/CUDA.h"

#include "dialects/seq/TargetArch.h"
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/GPU/IR/CompilationInterfaces.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "llvm/ADT/StringExtras.h"

#include <cstdlib>
#include <functional>
#include <map>

using namespace mlir;

namespace {

constexpr StringLiteral kKernels = "seqc_kernels";
constexpr StringLiteral kImages = "seqc_cuda_images";
/// Calls fields (seqc_cuda_calls).
enum CallsField { kContext = 0, kAlloc = 1, kFree = 2, kLaunch = 3, kGemm = 4 };

struct Image {
  std::string arch;
  int64_t format; // 0 cubin, 1 PTX
  std::string bytes;
};

gpu::GPUModuleOp kernelsOf(ModuleOp module) {
  return module.lookupSymbol<gpu::GPUModuleOp>(kKernels);
}

/// The kernels compiled for `target` as `kind`.
FailureOr<std::string> serialize(gpu::GPUModuleOp kernels, Attribute target,
                                 gpu::CompilationTarget kind,
                                 const std::string &toolkit) {
  auto compiler = dyn_cast<gpu::TargetAttrInterface>(target);
  if (!compiler)
    return kernels.emitError("not a GPU target: ") << target;
  gpu::TargetOptions options(toolkit, {}, "", "", kind);
  std::optional<SmallVector<char, 0>> bytes =
      compiler.serializeToObject(kernels, options);
  if (!bytes)
    return failure();
  return std::string(bytes->begin(), bytes->end());
}

StringRef chipOf(Attribute target) {
  auto nvvm = dyn_cast<NVVM::NVVMTargetAttr>(target);
  return nvvm ? nvvm.getChip() : StringRef();
}

/// A constant global of `bytes`.
void addBytes(OpBuilder &b, Location loc, StringRef name, StringRef bytes) {
  auto type = LLVM::LLVMArrayType::get(IntegerType::get(b.getContext(), 8),
                                       bytes.size());
  LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/true,
                         LLVM::Linkage::Internal, name, b.getStringAttr(bytes),
                         /*alignment=*/256);
}

/// The images as constants and `seqc_cuda_images`, a seqc_cuda_image[].
void addImages(ModuleOp module, ArrayRef<Image> images) {
  MLIRContext *ctx = module.getContext();
  Location loc = module.getLoc();
  OpBuilder b(module.getBodyRegion());
  b.setInsertionPointToEnd(module.getBody());
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  for (auto [i, image] : llvm::enumerate(images)) {
    addBytes(b, loc, "seqc_cuda_image_" + std::to_string(i), image.bytes);
    addBytes(b, loc, "seqc_cuda_arch_" + std::to_string(i),
             image.arch + std::string(1, '\0'));
  }
  auto entry = LLVM::LLVMStructType::getLiteral(ctx, {ptr, i64, ptr, i64});
  auto table =
      LLVM::LLVMArrayType::get(entry, std::max<size_t>(images.size(), 1));
  auto global =
      LLVM::GlobalOp::create(b, loc, table, /*isConstant=*/true,
                             LLVM::Linkage::Internal, kImages, Attribute());
  Block *init = b.createBlock(&global.getInitializerRegion());
  b.setInsertionPointToStart(init);
  Value value = LLVM::ZeroOp::create(b, loc, table);
  for (auto [i, image] : llvm::enumerate(images)) {
    std::string n = std::to_string(i);
    Value fields[] = {
        LLVM::AddressOfOp::create(b, loc, ptr, "seqc_cuda_arch_" + n),
        LLVM::ConstantOp::create(b, loc, i64, image.format),
        LLVM::AddressOfOp::create(b, loc, ptr, "seqc_cuda_image_" + n),
        LLVM::ConstantOp::create(b, loc, i64, int64_t(image.bytes.size()))};
    for (auto [f, field] : llvm::enumerate(fields))
      value = LLVM::InsertValueOp::create(
          b, loc, value, field, ArrayRef<int64_t>{int64_t(i), int64_t(f)});
  }
  LLVM::ReturnOp::create(b, loc, value);
}

/// The seqc_cuda_calls of the run on this thread, and its field `field`.
Value loadCalls(OpBuilder &b, Location loc) {
  auto ptr = LLVM::LLVMPointerType::get(b.getContext());
  Value slot = LLVM::AddressOfOp::create(b, loc, ptr, seqc::kCUDACalls);
  return LLVM::LoadOp::create(b, loc, ptr, slot);
}
Value loadField(OpBuilder &b, Location loc, Value calls, CallsField field) {
  auto ptr = LLVM::LLVMPointerType::get(b.getContext());
  Value at = LLVM::GEPOp::create(b, loc, ptr, ptr, calls,
                                 ArrayRef<LLVM::GEPArg>{int32_t(field)});
  return LLVM::LoadOp::create(b, loc, ptr, at);
}

/// Operands a trampoline adds after the context.
using ExtraArgsFn = std::function<SmallVector<Value>(OpBuilder &, Location)>;

/// Defines `name(args...)` as calls->field(calls->context, extra...,
/// args[dropArgs:]...).
void defineTrampoline(ModuleOp module, StringRef name, Type result,
                      ArrayRef<Type> args, CallsField field,
                      const ExtraArgsFn &extra = nullptr,
                      unsigned dropArgs = 0) {
  MLIRContext *ctx = module.getContext();
  Location loc = module.getLoc();
  OpBuilder b(module.getBodyRegion());
  b.setInsertionPointToEnd(module.getBody());
  auto fn = LLVM::LLVMFuncOp::create(b, loc, name,
                                     LLVM::LLVMFunctionType::get(result, args),
                                     LLVM::Linkage::Internal);
  Block *body = fn.addEntryBlock(b);
  b.setInsertionPointToStart(body);
  Value calls = loadCalls(b, loc);
  Value callee = loadField(b, loc, calls, field);
  SmallVector<Value> operands{callee, loadField(b, loc, calls, kContext)};
  SmallVector<Type> types{LLVM::LLVMPointerType::get(ctx)};
  if (extra)
    for (Value v : extra(b, loc)) {
      operands.push_back(v);
      types.push_back(v.getType());
    }
  for (BlockArgument arg : body->getArguments().drop_front(dropArgs)) {
    operands.push_back(arg);
    types.push_back(arg.getType());
  }
  auto call = LLVM::CallOp::create(
      b, loc, LLVM::LLVMFunctionType::get(result, types), operands);
  if (isa<LLVM::LLVMVoidType>(result))
    LLVM::ReturnOp::create(b, loc, ValueRange{});
  else
    LLVM::ReturnOp::create(b, loc, call.getResult());
}

/// The calls: the thread's seqc_cuda_calls, allocation, release, launch.
void defineCalls(ModuleOp module, int64_t numImages) {
  MLIRContext *ctx = module.getContext();
  Location loc = module.getLoc();
  OpBuilder b(module.getBodyRegion());
  b.setInsertionPointToEnd(module.getBody());
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  auto voidTy = LLVM::LLVMVoidType::get(ctx);
  LLVM::GlobalOp::create(b, loc, ptr, /*isConstant=*/false,
                         LLVM::Linkage::Internal, seqc::kCUDACalls, Attribute(),
                         /*alignment=*/8, /*addrSpace=*/0,
                         /*dsoLocal=*/true, /*thread_local_=*/true);
  {
    // Zero-initialized: an initializer region returning null.
    auto global = module.lookupSymbol<LLVM::GlobalOp>(seqc::kCUDACalls);
    Block *init = b.createBlock(&global.getInitializerRegion());
    b.setInsertionPointToStart(init);
    LLVM::ReturnOp::create(b, loc, LLVM::ZeroOp::create(b, loc, ptr).getRes());
  }
  // seqc_cuda_alloc(align, bytes): alignment is the runtime's (256).
  defineTrampoline(module, "seqc_cuda_alloc", ptr, {i64, i64}, kAlloc, nullptr,
                   /*dropArgs=*/1);
  defineTrampoline(module, "seqc_cuda_free", voidTy, {ptr}, kFree);
  // seqc_cuda_launch(kernel, dims, params), with the module's images.
  auto images = [&](OpBuilder &b, Location loc) -> SmallVector<Value> {
    return {LLVM::AddressOfOp::create(b, loc, ptr, kImages),
            LLVM::ConstantOp::create(b, loc, i64, numImages)};
  };
  defineTrampoline(module, "seqc_cuda_launch", voidTy, {ptr, ptr, ptr}, kLaunch,
                   images);
}

/// Defines the host code's seqc_cuda_gemm(x, w, y, bf16) (seqc/Codegen/
/// Passes.h), three expanded 2-D descriptors and the flag, as
/// calls->gemm(context, m, n, k, x, ldx, w, ldw, y, ldy, bf16) through a
/// trampoline.
LogicalResult defineGemm(ModuleOp module, LLVM::LLVMFuncOp gemm) {
  MLIRContext *ctx = module.getContext();
  Location loc = gemm.getLoc();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  auto i32 = IntegerType::get(ctx, 32);
  // A 2-D descriptor: allocated, aligned, offset, sizes[2], strides[2].
  constexpr unsigned kWords = 7;
  if (gemm.getNumArguments() != 3 * kWords + 1)
    return gemm.emitOpError(
        "is not seqc_cuda_gemm on three 2-D descriptors and a flag");
  StringRef trampoline = "seqc_cuda_gemm_call";
  defineTrampoline(module, trampoline, i32,
                   {i64, i64, i64, ptr, i64, ptr, i64, ptr, i64, i32}, kGemm);
  gemm.setLinkage(LLVM::Linkage::Internal);
  OpBuilder b(ctx);
  Block *body = gemm.addEntryBlock(b);
  b.setInsertionPointToStart(body);
  auto word = [&](unsigned matrix, unsigned i) {
    return body->getArgument(matrix * kWords + i);
  };
  // The first element (aligned + offset) and the row stride of matrix `m`.
  auto data = [&](unsigned m) -> SmallVector<Value> {
    Value first = LLVM::GEPOp::create(b, loc, ptr, b.getF32Type(), word(m, 1),
                                      ArrayRef<LLVM::GEPArg>{word(m, 2)});
    return {first, word(m, 5)};
  };
  SmallVector<Value> operands{word(0, 3), word(1, 3), word(0, 4)};
  for (unsigned m = 0; m < 3; ++m)
    llvm::append_range(operands, data(m));
  operands.push_back(body->getArgument(3 * kWords));
  Value status =
      LLVM::CallOp::create(b, loc, TypeRange{i32}, trampoline, operands)
          .getResult();
  LLVM::ReturnOp::create(b, loc, status);
  return success();
}

/// A constant C string named after the kernel.
Value kernelName(OpBuilder &b, ModuleOp module, Location loc,
                 StringRef kernel) {
  std::string symbol = ("seqc_kernel_name_" + kernel).str();
  if (!module.lookupSymbol(symbol)) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(module.getBody());
    addBytes(b, loc, symbol, (kernel + StringRef("\0", 1)).str());
  }
  return LLVM::AddressOfOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext()), symbol);
}

/// `launch` as seqc_cuda_launch(kernel, dims, params), the dims and each
/// parameter in stack slots of the function's entry block (a launch in a
/// loop reuses them).
LogicalResult lowerLaunch(ModuleOp module, gpu::LaunchFuncOp launch) {
  if (launch.getDynamicSharedMemorySize() || launch.getAsyncToken() ||
      !launch.getAsyncDependencies().empty() || launch.hasClusterSize())
    return launch.emitOpError("has a form the CUDA host code cannot launch "
                              "(shared memory size, cluster or async)");
  auto fn = launch->getParentOfType<LLVM::LLVMFuncOp>();
  if (!fn)
    return launch.emitOpError("is not in an LLVM function");
  MLIRContext *ctx = module.getContext();
  Location loc = launch.getLoc();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  OpBuilder entry(&fn.getBody().front(), fn.getBody().front().begin());
  Value one = LLVM::ConstantOp::create(entry, loc, i64, 1);
  ValueRange operands = launch.getKernelOperands();
  Value dims = LLVM::AllocaOp::create(entry, loc, ptr,
                                      LLVM::LLVMArrayType::get(i64, 6), one, 8);
  Value params = LLVM::AllocaOp::create(
      entry, loc, ptr,
      LLVM::LLVMArrayType::get(ptr, std::max<size_t>(operands.size(), 1)), one,
      8);
  SmallVector<Value> slots;
  for (Value v : operands)
    slots.push_back(
        LLVM::AllocaOp::create(entry, loc, ptr, v.getType(), one, 8));

  OpBuilder b(launch);
  gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
  gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
  Value sizes[] = {grid.x, grid.y, grid.z, block.x, block.y, block.z};
  for (auto [i, size] : llvm::enumerate(sizes)) {
    if (size.getType() != i64)
      return launch.emitOpError("has a launch size that is not i64");
    Value at = LLVM::GEPOp::create(b, loc, ptr, i64, dims,
                                   ArrayRef<LLVM::GEPArg>{int32_t(i)});
    LLVM::StoreOp::create(b, loc, size, at);
  }
  for (auto [i, v] : llvm::enumerate(operands)) {
    LLVM::StoreOp::create(b, loc, v, slots[i]);
    Value at = LLVM::GEPOp::create(b, loc, ptr, ptr, params,
                                   ArrayRef<LLVM::GEPArg>{int32_t(i)});
    LLVM::StoreOp::create(b, loc, slots[i], at);
  }
  Value name = kernelName(b, module, loc, launch.getKernelName().getValue());
  LLVM::CallOp::create(b, loc, TypeRange{}, "seqc_cuda_launch",
                       ValueRange{name, dims, params});
  launch.erase();
  return success();
}

} // namespace

LogicalResult seqc::parseGPUArchs(StringRef list,
                                  std::vector<std::string> &archs,
                                  std::string &error) {
  std::map<unsigned, std::string> byNumber;
  SmallVector<StringRef> items;
  list.split(items, ',');
  for (StringRef item : items) {
    item = item.trim();
    unsigned sm = seq::cudaArchNumber(item);
    if (sm < 50) {
      error = "--gpu-arch: '" + item.str() +
              "' is not a CUDA architecture (expected sm_NN, NN >= 50, "
              "e.g. sm_80,sm_90)";
      return failure();
    }
    byNumber[sm] = item.str();
  }
  archs.clear();
  for (auto &[sm, arch] : byNumber)
    archs.push_back(arch);
  return success();
}

std::string seqc::defaultCUDAToolkit() {
  for (const char *name : {"CUDA_HOME", "CUDA_PATH"})
    if (const char *dir = std::getenv(name); dir && *dir)
      return dir;
  return "/usr/local/cuda";
}

LogicalResult seqc::emitKernelsPTX(ModuleOp module, const CUDATarget &target,
                                   std::string &ptx) {
  gpu::GPUModuleOp kernels = kernelsOf(module);
  if (!kernels) {
    ptx.clear(); // no kernel at all
    return success();
  }
  FailureOr<std::string> text =
      serialize(kernels, kernels.getTargetsAttr().getValue().back(),
                gpu::CompilationTarget::Assembly, target.toolkit);
  if (failed(text))
    return failure();
  ptx = *text;
  return success();
}

LogicalResult seqc::finishCUDAModule(ModuleOp module,
                                     const CUDATarget &target) {
  std::vector<Image> images;
  if (gpu::GPUModuleOp kernels = kernelsOf(module)) {
    ArrayRef<Attribute> targets = kernels.getTargetsAttr().getValue();
    for (Attribute t : targets) {
      FailureOr<std::string> cubin =
          serialize(kernels, t, gpu::CompilationTarget::Binary, target.toolkit);
      if (failed(cubin))
        return failure();
      images.push_back({chipOf(t).str(), 0, *cubin});
    }
    std::string ptx;
    if (failed(emitKernelsPTX(module, target, ptx)))
      return failure();
    images.push_back({chipOf(targets.back()).str(), 1, ptx + '\0'});
    kernels.erase();
  }
  module->removeAttr(gpu::GPUDialect::getContainerModuleAttrName());
  SmallVector<gpu::LaunchFuncOp> launches;
  module.walk([&](gpu::LaunchFuncOp op) { launches.push_back(op); });
  for (gpu::LaunchFuncOp launch : launches)
    if (failed(lowerLaunch(module, launch)))
      return failure();
  addImages(module, images);
  defineCalls(module, int64_t(images.size()));
  if (auto gemm = module.lookupSymbol<LLVM::LLVMFuncOp>(seqc::kCUDAGemm);
      gemm && gemm.isExternal())
    return defineGemm(module, gemm);
  return success();
}
