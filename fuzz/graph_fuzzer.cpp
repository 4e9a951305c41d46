// libFuzzer target: run-time validation of graph inputs. Runs a compiled
// rgcn -> rgat module (fuzz/graph/rgcn.json; its path in the environment
// variable SEQC_FUZZ_GRAPH_MODULE, made by scripts/fuzz.sh) on graphs built
// from the fuzz bytes, and checks that a run succeeds exactly when every
// edge index is in [0, N), every edge type in [0, R) and edge_type has one
// entry per edge, and that a failure says why.

#include "seqc/Runtime/seqc_runtime.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr int64_t kFeatures = 4;  // x is [N, 4]
constexpr int64_t kRelations = 3; // both nodes' `relations`
constexpr int64_t kOut = 2;       // y is [N, 2]

[[noreturn]] void fatal(const std::string &what) {
  std::fprintf(stderr, "graph_fuzzer: %s\n", what.c_str());
  std::abort();
}

seqc_module *module() {
  static seqc_module *m = [] {
    const char *path = std::getenv("SEQC_FUZZ_GRAPH_MODULE");
    if (!path || !*path)
      fatal("set SEQC_FUZZ_GRAPH_MODULE to a module compiled from "
            "fuzz/graph/rgcn.json (scripts/fuzz.sh does)");
    const char *weights = std::getenv("SEQC_FUZZ_GRAPH_WEIGHTS");
    seqc_module *loaded = nullptr;
    if (seqc_error *e = seqc_module_load(path, weights, &loaded))
      fatal(std::string("cannot load the module: ") + seqc_error_message(e));
    seqc_module_set_threads(loaded, 1);
    return loaded;
  }();
  return m;
}

/// The fuzz bytes as a stream; zeros once they run out.
struct Bytes {
  const uint8_t *p;
  size_t n;
  uint8_t byte() {
    if (!n)
      return 0;
    --n;
    return *p++;
  }
  uint64_t u64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
      v |= uint64_t(byte()) << (8 * i);
    return v;
  }
  /// Mostly a value in [0, limit), sometimes one just outside or far off.
  int64_t index(int64_t limit) {
    uint8_t kind = byte();
    switch (kind % 16) {
    case 12:
      return limit;
    case 13:
      return -1 - int64_t(byte());
    case 14:
      return int64_t(u64());
    case 15:
      return (int64_t(1) << 32) + byte();
    default:
      return limit > 0 ? int64_t(byte()) % limit : int64_t(byte()) % 2;
    }
  }
};

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  module();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Bytes in{data, size};
  int64_t n = in.byte() % 17, e = in.byte() % 33;
  // Now and then an edge_type one entry too long or too short.
  uint8_t lengthKind = in.byte() % 32;
  int64_t types = lengthKind == 0 ? e + 1 : lengthKind == 1 && e ? e - 1 : e;

  std::vector<float> x(static_cast<size_t>(n * kFeatures));
  for (float &v : x)
    v = float(int(in.byte()) - 128) / 64.0f;
  std::vector<int64_t> edgeIndex(static_cast<size_t>(2 * e)),
      edgeType(static_cast<size_t>(types));
  bool valid = types == e;
  for (int64_t &v : edgeIndex) {
    v = in.index(n);
    valid &= v >= 0 && v < n;
  }
  for (int64_t &v : edgeType) {
    v = in.index(kRelations);
    valid &= v >= 0 && v < kRelations;
  }

  seqc_tensor inputs[3] = {};
  inputs[0] = {SEQC_F32, 2, {n, kFeatures}, x.data()};
  inputs[1] = {SEQC_I64, 2, {2, e}, edgeIndex.data()};
  inputs[2] = {SEQC_I64, 1, {types}, edgeType.data()};
  seqc_tensor output = {};
  seqc_error *err = seqc_module_run(module(), inputs, 3, &output, 1);
  if (err) {
    std::string message = seqc_error_message(err);
    seqc_error_free(err);
    if (valid)
      fatal("a valid graph (N = " + std::to_string(n) +
            ", E = " + std::to_string(e) + ") was rejected: " + message);
    if (message.empty())
      fatal("an invalid graph was rejected without a message");
    return 0;
  }
  if (!valid)
    fatal("an invalid graph (N = " + std::to_string(n) +
          ", E = " + std::to_string(e) + ", " + std::to_string(types) +
          " edge types) ran without an error");
  if (output.dtype != SEQC_F32 || output.rank != 2 || output.shape[0] != n ||
      output.shape[1] != kOut)
    fatal("the output is not f32 [N, 2]");
  const float *y = static_cast<const float *>(output.data);
  for (int64_t i = 0; i < n * kOut; ++i)
    if (!std::isfinite(y[i]))
      fatal("a non-finite output from finite inputs");
  seqc_tensor_release(&output);
  return 0;
}
