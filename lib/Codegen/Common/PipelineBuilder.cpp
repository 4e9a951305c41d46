//===- PipelineBuilder.cpp - Pipelines with --pass-options applied --------===//
#include "seqc/Codegen/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <unistd.h>

using namespace mlir;
using namespace seqc;

PipelineBuilder::PipelineBuilder(ArrayRef<std::string> passOptions) {
  for (const std::string &entry : passOptions) {
    size_t brace = entry.find('{');
    if (brace == std::string::npos || brace == 0 || entry.back() != '}') {
      fail("--pass-options=" + entry + ": expected PASS{key=value ...}");
      continue;
    }
    std::string name = entry.substr(0, brace);
    std::string &value = options[name];
    // Several entries for one pass add up, as on a command line.
    value += (value.empty() ? "" : " ") +
             entry.substr(brace + 1, entry.size() - brace - 2);
  }
}

/// Runs `fn` with stderr going to a temporary file; returns what it wrote.
/// (LLVM's option parsers print a bad enum value to stderr themselves,
/// with the tool's name, instead of to the stream MLIR gives them.)
static std::string captureStderr(llvm::function_ref<void()> fn) {
  llvm::errs().flush();
  std::fflush(stderr);
  FILE *file = std::tmpfile();
  int saved = file ? dup(2) : -1;
  if (saved < 0 || dup2(fileno(file), 2) < 0) {
    fn();
    if (file)
      std::fclose(file);
    return "";
  }
  fn();
  llvm::errs().flush();
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  std::string text;
  std::rewind(file);
  char buffer[512];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;)
    text.append(buffer, n);
  std::fclose(file);
  return text;
}

void PipelineBuilder::fail(const std::string &message) {
  if (firstError.empty())
    firstError = message;
}

void PipelineBuilder::add(OpPassManager &pm, std::unique_ptr<Pass> pass) {
  std::string name = pass->getArgument().str();
  if (auto it = options.find(name); it != options.end()) {
    used.insert(name);
    std::string message;
    auto onError = [&](const Twine &text) {
      message = text.str();
      return failure();
    };
    LogicalResult parsed = success();
    std::string printed = captureStderr(
        [&] { parsed = pass->initializeOptions(it->second, onError); });
    if (failed(parsed)) {
      // "<Pass-Options-Parser>: no such option x", or "seqc compile: for
      // the --scan option: Cannot find option named 'x'!" printed by the
      // parser: the first line, without the parser's or the tool's name.
      StringRef text = StringRef(message).trim();
      if (text.empty())
        text = StringRef(printed).trim();
      StringRef first = text.split('\n').first;
      if (size_t at = first.find("for the --"); at != StringRef::npos)
        first = first.drop_front(at);
      else if (first.starts_with("<"))
        first = first.split(": ").second;
      fail("--pass-options: " + first.str());
    } else if (!printed.empty()) {
      llvm::errs() << printed;
    }
  }
  pm.addPass(std::move(pass));
}

void PipelineBuilder::addToFunctions(OpPassManager &pm,
                                     std::unique_ptr<Pass> pass) {
  add(pm.nest<func::FuncOp>(), std::move(pass));
}

LogicalResult PipelineBuilder::finish() {
  for (const auto &[name, value] : options)
    if (!used.count(name))
      fail("--pass-options=" + name + "{" + value + "}: '" + name +
           "' is not a pass of the pipeline (see --print-pipeline)");
  return failure(!firstError.empty());
}

LogicalResult seqc::buildCPUPipeline(OpPassManager &pm,
                                     ArrayRef<std::string> passOptions,
                                     std::string &error) {
  return buildPipeline(pm, "cpu", {}, passOptions, error);
}

LogicalResult seqc::buildPipeline(OpPassManager &pm, StringRef target,
                                  ArrayRef<std::string> archs,
                                  ArrayRef<std::string> passOptions,
                                  std::string &error) {
  PipelineBuilder b(passOptions);
  if (target == "cuda")
    buildCUDAPipeline(pm, b, archs);
  else if (target == "cuda-simulation")
    buildCUDASimulationPipeline(pm, b);
  else
    buildCPUPipeline(pm, b);
  if (succeeded(b.finish()))
    return success();
  error = b.error();
  return failure();
}

void seqc::registerPipelines() {
  PassPipelineRegistration<>(
      "seqc-common-pipeline",
      "The passes every target runs first: rgnn rewrites and the strategy "
      "passes (the module's seq.target is set for this machine if absent)",
      [](OpPassManager &pm) {
        PipelineBuilder b;
        buildCommonPipeline(pm, b);
      });
  PassPipelineRegistration<>(
      "seqc-cpu-pipeline",
      "seqc compile's CPU pipeline: seq IR to the LLVM dialect",
      [](OpPassManager &pm) {
        PipelineBuilder b;
        buildCPUPipeline(pm, b);
      });
  PassPipelineRegistration<>(
      "seqc-cuda-distribution-pipeline",
      "The CUDA pipeline's first step: seq IR to loops distributed over "
      "blocks and threads (set seq.target to cuda first)",
      [](OpPassManager &pm) {
        PipelineBuilder b;
        buildCUDADistributionPipeline(pm, b);
      });
  PassPipelineRegistration<>(
      "seqc-cuda-pipeline",
      "seqc compile's CUDA pipeline for sm_80 and sm_90: kernels in NVVM, "
      "host code in the LLVM dialect (set seq.target to cuda first)",
      [](OpPassManager &pm) {
        PipelineBuilder b;
        buildCUDAPipeline(pm, b, {"sm_80", "sm_90"});
      });
}
