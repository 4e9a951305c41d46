//===- ModuleConcurrencyTest.cpp - Modules with their own weights, at once ===//
//
// SPEC §1.1: any number of modules may be loaded at once, also from one
// library or one linked object, each with its own weights, and run from
// different threads; each module's results depend only on its own weights
// and inputs. A linear layer (packed weight panels, 72 = 2¼ panels of 32
// columns) compiled as a shared library and as two linked objects; every
// result is checked against a float64 reference of y = x Wᵀ + b. Also
// seqc_module_run_into: y in the caller's buffer (written by the module's
// kernels when aligned, copied when misaligned or overlapping the input),
// from several threads at once (each run's offer is its own).
//
//===----------------------------------------------------------------------===//
#include "seqc/Runtime/seqc_runtime.h"

#include "concurrency_a.h"
#include "concurrency_b.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace {

constexpr int64_t kIn = 40, kOut = 72, kBatch = 2, kSteps = 5;

/// One set of weights, written to its own safetensors file.
struct Weights {
  std::vector<float> w, b;
  std::string path;
};

Weights makeWeights(unsigned seed, const std::string &path) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1, 1);
  Weights ws{std::vector<float>(kOut * kIn), std::vector<float>(kOut), path};
  for (float &v : ws.w)
    v = dist(rng);
  for (float &v : ws.b)
    v = dist(rng);
  std::string header = "{\"l0.bias\":{\"dtype\":\"F32\",\"shape\":[" +
                       std::to_string(kOut) + "],\"data_offsets\":[0," +
                       std::to_string(4 * kOut) +
                       "]},\"l0.weight\":{\"dtype\":\"F32\",\"shape\":[" +
                       std::to_string(kOut) + "," + std::to_string(kIn) +
                       "],\"data_offsets\":[" + std::to_string(4 * kOut) + "," +
                       std::to_string(4 * kOut + 4 * kOut * kIn) + "]}}";
  while (header.size() % 8)
    header += ' ';
  uint64_t length = header.size();
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char *>(&length), 8);
  f << header;
  f.write(reinterpret_cast<const char *>(ws.b.data()), 4 * kOut);
  f.write(reinterpret_cast<const char *>(ws.w.data()), 4 * kOut * kIn);
  return ws;
}

std::vector<float> makeInput(unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<float> x(kBatch * kSteps * kIn);
  for (float &v : x)
    v = dist(rng);
  return x;
}

/// Max |y − ref| / max(1, max|ref|) of y = x Wᵀ + b, in float64.
double relativeError(const Weights &ws, const std::vector<float> &x,
                     const float *y) {
  double worst = 0, largest = 1;
  for (int64_t r = 0; r < kBatch * kSteps; ++r)
    for (int64_t n = 0; n < kOut; ++n) {
      double ref = ws.b[n];
      for (int64_t k = 0; k < kIn; ++k)
        ref += double(x[r * kIn + k]) * ws.w[n * kIn + k];
      worst = std::max(worst, std::fabs(y[r * kOut + n] - ref));
      largest = std::max(largest, std::fabs(ref));
    }
  return worst / largest;
}

/// Runs `m` on `x` and returns the relative error against `ws` (a failed
/// run counts as infinitely wrong). With `into`, y goes into that buffer
/// (seqc_module_run_into), which must come back as the output's data.
double runAndCheck(seqc_module *m, const Weights &ws,
                   const std::vector<float> &x, float *into = nullptr) {
  seqc_tensor in = {
      SEQC_F32, 3, {kBatch, kSteps, kIn}, (void *)x.data(), SEQC_HOST};
  seqc_tensor out = {SEQC_F32, 3, {kBatch, kSteps, kOut}, into, SEQC_HOST};
  seqc_error *e = into ? seqc_module_run_into(m, &in, 1, &out, 1)
                       : seqc_module_run(m, &in, 1, &out, 1);
  if (e) {
    ADD_FAILURE() << seqc_error_message(e);
    seqc_error_free(e);
    return INFINITY;
  }
  if (into && out.data != into) {
    ADD_FAILURE() << "run_into returned another buffer";
    return INFINITY;
  }
  double error = relativeError(ws, x, static_cast<const float *>(out.data));
  if (!into)
    seqc_tensor_release(&out);
  return error;
}

/// `floats` floats at `skew` floats past a 64-byte boundary.
struct CallerBuffer {
  explicit CallerBuffer(size_t floats, size_t skew = 0)
      : storage(floats + skew + 16), data(aligned() + skew) {}
  float *aligned() {
    auto p = reinterpret_cast<uintptr_t>(storage.data());
    return storage.data() + (-p % 64) / sizeof(float);
  }
  std::vector<float> storage;
  float *data;
};

class ModuleConcurrency : public ::testing::Test {
protected:
  void SetUp() override {
    std::string dir = ::testing::TempDir();
    w1 = makeWeights(1, dir + "/concurrency-w1.safetensors");
    w2 = makeWeights(2, dir + "/concurrency-w2.safetensors");
    x = makeInput(3);
  }
  Weights w1, w2;
  std::vector<float> x;
};

using Loader = seqc_error *(*)(const char *weights, seqc_module **module);

seqc_error *loadLibrary(const char *weights, seqc_module **m) {
  return seqc_module_load(SEQC_CONCURRENCY_SO, weights, m);
}

seqc_module *load(Loader loader, const Weights &ws) {
  seqc_module *m = nullptr;
  if (seqc_error *e = loader(ws.path.c_str(), &m)) {
    ADD_FAILURE() << seqc_error_message(e);
    seqc_error_free(e);
  }
  return m;
}

/// Two instances with different weights, each run from its own thread many
/// times; every result must be its own weights'.
void runConcurrently(Loader loader, const Weights &w1, const Weights &w2,
                     const std::vector<float> &x) {
  seqc_module *a = load(loader, w1), *b = load(loader, w2);
  ASSERT_TRUE(a && b);
  std::atomic<int> wrong{0};
  // Every other run into a buffer of the thread's own.
  auto worker = [&](seqc_module *m, const Weights &ws) {
    CallerBuffer y(kBatch * kSteps * kOut);
    for (int i = 0; i < 400; ++i)
      if (!(runAndCheck(m, ws, x, i % 2 ? y.data : nullptr) <= 1e-5))
        ++wrong;
  };
  std::thread ta(worker, a, std::cref(w1)), tb(worker, b, std::cref(w2));
  ta.join();
  tb.join();
  EXPECT_EQ(wrong.load(), 0) << "runs with another instance's weights";
  seqc_module_free(a);
  seqc_module_free(b);
}

/// Load, run, free, with the weights alternating, while another instance
/// keeps the library loaded: the new weights' mapping often lands where the
/// old one was, and must still be packed anew.
void reloadCycles(Loader loader, const Weights &w1, const Weights &w2,
                  const std::vector<float> &x) {
  seqc_module *keeper = load(loader, w1);
  ASSERT_TRUE(keeper);
  for (int cycle = 0; cycle < 20; ++cycle) {
    const Weights &ws = cycle % 2 ? w2 : w1;
    seqc_module *m = load(loader, ws);
    ASSERT_TRUE(m);
    EXPECT_LE(runAndCheck(m, ws, x), 1e-5) << "cycle " << cycle;
    seqc_module_free(m);
  }
  EXPECT_LE(runAndCheck(keeper, w1, x), 1e-5);
  seqc_module_free(keeper);
}

TEST_F(ModuleConcurrency, SharedLibraryInstancesRunAtOnce) {
  runConcurrently(loadLibrary, w1, w2, x);
}

TEST_F(ModuleConcurrency, SharedLibraryReloadWithOtherWeights) {
  reloadCycles(loadLibrary, w1, w2, x);
}

TEST_F(ModuleConcurrency, LinkedObjectInstancesRunAtOnce) {
  runConcurrently(concurrency_a_load, w1, w2, x);
}

TEST_F(ModuleConcurrency, LinkedObjectReloadWithOtherWeights) {
  reloadCycles(concurrency_a_load, w1, w2, x);
}

/// Two models' objects (`--name=concurrency_a`, `--name=concurrency_b`)
/// link into this one program and run side by side.
TEST_F(ModuleConcurrency, TwoLinkedModelsRunAtOnce) {
  seqc_module *a = load(concurrency_a_load, w1);
  seqc_module *b = load(concurrency_b_load, w2);
  ASSERT_TRUE(a && b);
  std::thread ta([&] { EXPECT_LE(runAndCheck(a, w1, x), 1e-5); });
  std::thread tb([&] { EXPECT_LE(runAndCheck(b, w2, x), 1e-5); });
  ta.join();
  tb.join();
  seqc_module_free(a);
  seqc_module_free(b);
}

/// One instance run from four threads at once: the runs take turns.
TEST_F(ModuleConcurrency, OneInstanceFromManyThreads) {
  seqc_module *m = load(loadLibrary, w2);
  ASSERT_TRUE(m);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i)
        if (!(runAndCheck(m, w2, x) <= 1e-5))
          ++wrong;
    });
  for (std::thread &t : threads)
    t.join();
  EXPECT_EQ(wrong.load(), 0);
  seqc_module_free(m);
}

/// seqc_module_run_into's buffers: written where they are, whatever their
/// alignment, also when they overlap the input (the runtime then copies
/// after the run, which still read the input intact); a buffer of another
/// shape or dtype is an error naming the output, and the caller's tensor
/// is left as it was.
TEST_F(ModuleConcurrency, RunIntoCallerBuffers) {
  seqc_module *m = load(loadLibrary, w1);
  ASSERT_TRUE(m);
  EXPECT_EQ(seqc_module_in_place(m, 0), -1);
  EXPECT_EQ(seqc_module_in_place(m, 1), -1);
  size_t ys = kBatch * kSteps * kOut;
  CallerBuffer aligned(ys), skewed(ys, 1);
  EXPECT_LE(runAndCheck(m, w1, x, aligned.data), 1e-5);
  EXPECT_LE(runAndCheck(m, w1, x, skewed.data), 1e-5);
  // y's buffer starts inside x's.
  CallerBuffer shared(x.size() + ys);
  std::copy(x.begin(), x.end(), shared.data);
  seqc_tensor in = {SEQC_F32, 3, {kBatch, kSteps, kIn}, shared.data, SEQC_HOST};
  float *y = shared.data + 64;
  seqc_tensor out = {SEQC_F32, 3, {kBatch, kSteps, kOut}, y, SEQC_HOST};
  seqc_error *e = seqc_module_run_into(m, &in, 1, &out, 1);
  ASSERT_EQ(e, nullptr) << seqc_error_message(e);
  EXPECT_EQ(out.data, y);
  EXPECT_LE(relativeError(w1, x, y), 1e-5);

  for (auto [dtype, steps, message] :
       {std::tuple{SEQC_F32, kSteps + 1,
                   "output 'y' is [2,5,72], the buffer given is [2,6,72]"},
        std::tuple{SEQC_I32, kSteps,
                   "output 'y' is f32, the buffer given is i32"}}) {
    in.data = const_cast<float *>(x.data());
    out = {dtype, 3, {kBatch, steps, kOut}, aligned.data, SEQC_HOST};
    seqc_error *bad = seqc_module_run_into(m, &in, 1, &out, 1);
    ASSERT_NE(bad, nullptr);
    EXPECT_EQ(std::string(seqc_error_message(bad)), message);
    EXPECT_EQ(out.data, aligned.data);
    EXPECT_EQ(out.shape[1], steps);
    seqc_error_free(bad);
  }
  seqc_module_free(m);
}

} // namespace
