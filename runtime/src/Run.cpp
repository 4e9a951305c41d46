//===- Run.cpp - Checking inputs and running a compiled module ------------===//
//
// The entry's calling convention is in seqc_module_abi.h: one memref
// descriptor per argument (inputs, weights, this instance's state), results
// back as descriptors of buffers the module allocated. The module's
// executor calls the entry (cpu/CPUExecutor.cpp: threads, allocation
// failure).
//
//===----------------------------------------------------------------------===//
#include "ModuleInternal.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

using namespace seqc::runtime;

static size_t elementSize(seqc_dtype d) {
  return d == SEQC_F32 || d == SEQC_I32 ? 4 : d == SEQC_I64 ? 8 : 2;
}

static const char *dtypeName(seqc_dtype d) {
  static const char *names[] = {"f32", "f16", "bf16", "i32", "i64"};
  return unsigned(d) < 5 ? names[d] : "?";
}

extern "C" int64_t seqc_tensor_num_elements(const seqc_tensor *t) {
  int64_t n = 1;
  for (int32_t i = 0; i < t->rank; ++i)
    n *= t->shape[i];
  return n;
}

extern "C" void seqc_tensor_release(seqc_tensor *t) {
  if (!t || !t->data)
    return;
  if (t->memory == SEQC_DEVICE)
    releaseDeviceMemory(t->data);
  else
    free(t->data);
  t->data = nullptr;
}

/// A descriptor for a dense row-major buffer.
static std::vector<int64_t> descriptor(const void *data,
                                       const std::vector<int64_t> &shape) {
  size_t rank = shape.size();
  std::vector<int64_t> d(3 + 2 * rank);
  d[0] = d[1] = int64_t(reinterpret_cast<intptr_t>(data));
  d[2] = 0;
  int64_t stride = 1;
  for (size_t i = rank; i-- > 0;) {
    d[3 + i] = shape[i];
    d[3 + rank + i] = stride;
    stride *= shape[i];
  }
  return d;
}

/// Copies the `n` elements a descriptor `d` of `rank` describes, from
/// `base`, densely into `to`, in row-major order through the strides.
static void copyStrided(char *to, const char *base, const int64_t *d,
                        size_t rank, size_t esize, int64_t n) {
  std::vector<int64_t> index(rank, 0);
  for (int64_t e = 0; e < n; ++e) {
    int64_t offset = 0;
    for (size_t i = 0; i < rank; ++i)
      offset += index[i] * d[3 + rank + i];
    memcpy(to + e * esize, base + offset * esize, esize);
    for (size_t i = rank; i-- > 0;) {
      if (++index[i] < d[3 + i])
        break;
      index[i] = 0;
    }
  }
}

/// Checks one input against its spec, binding symbols to sizes.
static seqc_error *checkInput(const TensorSpec &spec, const seqc_tensor &t,
                              std::map<std::string, int64_t> &symbols) {
  std::string what = "input '" + spec.name + "'";
  if (t.dtype != spec.dtype)
    return fail(what + " must be " + dtypeName(spec.dtype) + ", got " +
                dtypeName(t.dtype));
  if (t.rank != int32_t(spec.dims.size()))
    return fail(what + " must have rank " + std::to_string(spec.dims.size()) +
                ", got " + std::to_string(t.rank));
  int64_t elements = 1;
  for (size_t i = 0; i < spec.dims.size(); ++i) {
    int64_t size = t.shape[i];
    if (size < 0 || size > (int64_t(1) << 40))
      return fail(what + " has an invalid size " + std::to_string(size) +
                  " in dim " + std::to_string(i));
    if (spec.dims[i] >= 0 && size != spec.dims[i])
      return fail(what + " must have size " + std::to_string(spec.dims[i]) +
                  " in dim " + std::to_string(i) + ", got " +
                  std::to_string(size));
    if (!spec.symbols[i].empty()) {
      auto [it, inserted] = symbols.emplace(spec.symbols[i], size);
      if (!inserted && it->second != size)
        return fail(what + ": dim " + std::to_string(i) + " is '" +
                    spec.symbols[i] + "' = " + std::to_string(size) +
                    ", but another input made it " +
                    std::to_string(it->second));
    }
    if (__builtin_mul_overflow(elements, size, &elements))
      return fail(what + " is too large");
  }
  if (elements > 0 && !t.data)
    return fail(what + " has no data");
  return nullptr;
}

/// Token ids must lie in [0, num): checked here so that no lookup reads
/// outside the embedding table (`data`: the input, in host-readable
/// memory).
static seqc_error *checkIds(const TensorSpec &spec, const seqc_tensor &t,
                            const void *data, int64_t num) {
  int64_t n = seqc_tensor_num_elements(&t);
  for (int64_t i = 0; i < n; ++i) {
    int64_t id = t.dtype == SEQC_I32
                     ? int64_t(static_cast<const int32_t *>(data)[i])
                     : static_cast<const int64_t *>(data)[i];
    if (id < 0 || id >= num)
      return fail("input '" + spec.name + "': token id " + std::to_string(id) +
                  " at position " + std::to_string(i) + " is outside [0, " +
                  std::to_string(num) + ")");
  }
  return nullptr;
}

/// The caller's buffer for an output (seqc_module_run_into), checked
/// against the output's spec before the run.
struct GivenOutput {
  seqc_tensor tensor{}; // tensor.data: null when none was given
  size_t bytes = 0;
};

static seqc_error *checkGiven(const seqc_module *m, size_t o,
                              const seqc_tensor &t, GivenOutput &given) {
  const TensorSpec &spec = m->outputs[o];
  std::string what = "output '" + spec.name + "'";
  if (t.dtype != spec.dtype)
    return fail(what + " is " + dtypeName(spec.dtype) +
                ", the buffer given is " + dtypeName(t.dtype));
  if (t.rank != int32_t(spec.dims.size()))
    return fail(what + " has rank " + std::to_string(spec.dims.size()) +
                ", the buffer given " + std::to_string(t.rank));
  if (t.memory != SEQC_HOST &&
      (t.memory != SEQC_DEVICE || m->executor->readsHostMemory()))
    return fail(what + ": the buffer given is not in " +
                (m->executor->readsHostMemory() ? "host memory"
                                                : "host or device memory"));
  size_t elements = 1;
  for (int32_t i = 0; i < t.rank; ++i) {
    std::string dim = " in dim " + std::to_string(i);
    if (spec.dims[i] >= 0 && t.shape[i] != spec.dims[i])
      return fail(what + " has size " + std::to_string(spec.dims[i]) + dim +
                  ", the buffer given " + std::to_string(t.shape[i]));
    if (t.shape[i] < 0 ||
        __builtin_mul_overflow(elements, size_t(t.shape[i]), &elements))
      return fail(what + ": the buffer given has an invalid size " +
                  std::to_string(t.shape[i]) + dim);
  }
  given.tensor = t;
  if (__builtin_mul_overflow(elements, elementSize(t.dtype), &given.bytes))
    return fail(what + ": the buffer given is too large");
  return nullptr;
}

/// Whether [a, a + n) and [b, b + m) share a byte.
static bool overlap(const void *a, size_t n, const void *b, size_t m) {
  auto x = reinterpret_cast<uintptr_t>(a), y = reinterpret_cast<uintptr_t>(b);
  return n && m && x < y + m && y < x + n;
}

/// Which given buffers the module may write itself (seqc_module_run_into):
/// host memory the module reads, 64-byte aligned, overlapping no input and
/// no other given buffer, except the very input the output is in place
/// with. Their offers go into the results' descriptors.
static void offerGiven(const seqc_module *m, const seqc_tensor *inputs,
                       const std::vector<GivenOutput> &given,
                       std::vector<int64_t> &results) {
  if (!m->executor->readsHostMemory())
    return;
  size_t at = 0;
  for (size_t o = 0; o < given.size(); ++o) {
    size_t word = at;
    at += 3 + 2 * m->outputs[o].dims.size();
    const GivenOutput &g = given[o];
    void *data = g.tensor.data;
    if (!data || !g.bytes || reinterpret_cast<uintptr_t>(data) % 64)
      continue;
    bool alone = true;
    for (size_t i = 0; i < m->inputs.size(); ++i) {
      size_t bytes = size_t(seqc_tensor_num_elements(&inputs[i])) *
                     elementSize(inputs[i].dtype);
      bool partner = m->inPlace[o] == int64_t(i) && inputs[i].data == data &&
                     bytes == g.bytes;
      alone &= partner || !overlap(data, g.bytes, inputs[i].data, bytes);
    }
    for (size_t p = 0; p < given.size(); ++p)
      alone &= p == o ||
               !overlap(data, g.bytes, given[p].tensor.data, given[p].bytes);
    if (!alone)
      continue;
    results[word] = int64_t(reinterpret_cast<intptr_t>(data));
    results[word + 2] = int64_t(g.bytes);
  }
}

static seqc_error *run(seqc_module *m, const seqc_tensor *inputs,
                       size_t numInputs, seqc_tensor *outputs,
                       size_t numOutputs, bool into) {
  std::lock_guard<std::mutex> turn(m->runLock);
  if (numInputs != m->inputs.size())
    return fail("the module takes " + std::to_string(m->inputs.size()) +
                " inputs, got " + std::to_string(numInputs));
  if (numOutputs != m->outputs.size())
    return fail("the module has " + std::to_string(m->outputs.size()) +
                " outputs, got room for " + std::to_string(numOutputs));
  std::map<std::string, int64_t> symbols;
  for (size_t i = 0; i < numInputs; ++i)
    if (seqc_error *e = checkInput(m->inputs[i], inputs[i], symbols))
      return e;
  std::vector<GivenOutput> given(numOutputs);
  for (size_t o = 0; into && o < numOutputs; ++o)
    if (outputs[o].data)
      if (seqc_error *e = checkGiven(m, o, outputs[o], given[o]))
        return e;

  // A device that does not read host memory gets copies of the inputs (in
  // memory its host code shares with its kernels), from host or device
  // memory, except device inputs that only its kernels read.
  Executor &executor = *m->executor;
  bool hostMemory = executor.readsHostMemory();
  std::vector<void *> copies;
  auto releaseCopies = [&] {
    for (void *p : copies)
      executor.release(p);
  };
  std::vector<const void *> data(numInputs);
  for (size_t i = 0; i < numInputs; ++i) {
    data[i] = inputs[i].data;
    if (inputs[i].memory != SEQC_HOST && inputs[i].memory != SEQC_DEVICE)
      return fail("input '" + m->inputs[i].name + "': memory is " +
                  std::to_string(int(inputs[i].memory)) +
                  ", neither SEQC_HOST nor SEQC_DEVICE");
    if (hostMemory) {
      if (inputs[i].memory != SEQC_HOST) {
        return fail("input '" + m->inputs[i].name +
                    "' is in device memory, but the module runs on the " +
                    executor.name());
      }
      continue;
    }
    if (inputs[i].memory == SEQC_DEVICE && m->kernelOnly[i])
      continue;
    size_t bytes = 0;
    if (__builtin_mul_overflow(size_t(seqc_tensor_num_elements(&inputs[i])),
                               elementSize(inputs[i].dtype), &bytes)) {
      releaseCopies();
      return fail("input '" + m->inputs[i].name + "' is too large");
    }
    void *copy = executor.allocate(bytes);
    if (!copy) {
      releaseCopies();
      return fail("out of memory: cannot allocate " + std::to_string(bytes) +
                  " bytes on the " + executor.name() + " for input '" +
                  m->inputs[i].name + "'");
    }
    copies.push_back(copy);
    std::string why;
    if (bytes && !executor.copy(copy, data[i], bytes, why)) {
      releaseCopies();
      return fail("input '" + m->inputs[i].name + "': " + why);
    }
    data[i] = copy;
  }
  for (const IdRange &r : m->idRanges)
    if (seqc_error *e = checkIds(m->inputs[r.input], inputs[r.input],
                                 data[r.input], r.num)) {
      releaseCopies();
      return e;
    }

  std::vector<std::vector<int64_t>> descriptors;
  for (size_t i = 0; i < numInputs; ++i)
    descriptors.push_back(descriptor(
        data[i], std::vector<int64_t>(inputs[i].shape,
                                      inputs[i].shape + inputs[i].rank)));
  for (const BoundWeight &w : m->weights)
    descriptors.push_back(descriptor(w.data, w.spec.dims));
  for (const StateBuffer &s : m->state)
    descriptors.push_back(descriptor(s.data, s.spec.dims));
  std::vector<void *> args;
  for (auto &d : descriptors)
    args.push_back(d.data());
  size_t resultWords = 0;
  for (const TensorSpec &o : m->outputs)
    resultWords += 3 + 2 * o.dims.size();
  std::vector<int64_t> results(resultWords);
  offerGiven(m, inputs, given, results);

  uint64_t failedBytes = 0;
  int32_t status = executor.run(args.data(), results.data(), failedBytes);
  if (status == Executor::kAllocFailed) {
    releaseCopies();
    return fail("out of memory: the run could not allocate " +
                std::to_string(failedBytes) +
                " bytes (are the inputs' sizes what you meant?)");
  }

  // Hand each result's buffer to the caller when it is dense, starts at
  // its allocation and is no one else's; copy it out densely otherwise.
  // Every other buffer the module allocated is freed, once.
  std::set<void *> owned, handedOut, foreign;
  std::string outputFailed, why;
  for (size_t i = 0; i < numInputs; ++i)
    foreign.insert(inputs[i].data);
  for (void *p : copies)
    foreign.insert(p);
  for (const GivenOutput &g : given)
    foreign.insert(g.tensor.data);
  for (const BoundWeight &w : m->weights)
    foreign.insert(const_cast<void *>(w.data));
  size_t at = 0;
  for (size_t o = 0; o < numOutputs; ++o) {
    const TensorSpec &spec = m->outputs[o];
    size_t rank = spec.dims.size();
    const int64_t *d = results.data() + at;
    at += 3 + 2 * rank;
    void *allocated = reinterpret_cast<void *>(d[0]);
    owned.insert(allocated);
    seqc_tensor &out = outputs[o];
    seqc_memory memory = !hostMemory && outputs[o].memory == SEQC_DEVICE
                             ? SEQC_DEVICE
                             : SEQC_HOST;
    out = seqc_tensor{};
    out.memory = memory;
    out.dtype = spec.dtype;
    out.rank = int32_t(rank);
    int64_t n = 1, stride = 1;
    bool dense = true;
    for (size_t i = rank; i-- > 0;) {
      out.shape[i] = d[3 + i];
      dense &= d[3 + i] == 1 || d[3 + rank + i] == stride;
      stride *= d[3 + i];
    }
    n = stride;
    // A buffer the caller gave is the caller's, also when the run failed.
    void *into = given[o].tensor.data;
    if (into)
      out = given[o].tensor;
    if (status != 0)
      continue;
    size_t esize = elementSize(spec.dtype);
    const char *base = reinterpret_cast<const char *>(d[1]) + d[2] * esize;
    if (into) {
      // Written there by the module, or copied there now (densely).
      if (!std::equal(out.shape, out.shape + rank, d + 3)) {
        std::string made, buffer;
        for (size_t i = 0; i < rank; ++i) {
          made += (i ? "," : "") + std::to_string(d[3 + i]);
          buffer += (i ? "," : "") + std::to_string(out.shape[i]);
        }
        outputFailed = "output '" + spec.name + "' is [" + made +
                       "], the buffer given is [" + buffer + "]";
      } else if (allocated != into || base != into) {
        std::vector<char> packed;
        if (!dense) {
          packed.resize(size_t(n) * esize);
          copyStrided(packed.data(), base, d, rank, esize, n);
          base = packed.data();
        }
        if (hostMemory)
          memmove(into, base, size_t(n) * esize);
        else if (!executor.copy(into, base, size_t(n) * esize, why))
          outputFailed = "output '" + spec.name + "': " + why;
      }
      continue;
    }
    // The module's own buffer, when it is dense, starts at its allocation
    // and is no one else's: host memory on a device that reads it, or the
    // executor's memory for a device output. Otherwise a dense copy, into
    // host memory or an allocate()d buffer (which the host writes too).
    if ((hostMemory || memory == SEQC_DEVICE) && dense && base == allocated &&
        !foreign.count(allocated) && handedOut.insert(allocated).second) {
      out.data = allocated;
      continue;
    }
    size_t bytes = size_t(n) * esize;
    out.data = memory == SEQC_DEVICE ? executor.allocate(bytes)
                                     : malloc(n > 0 ? bytes : 1);
    if (!out.data) {
      outputFailed = memory == SEQC_DEVICE
                         ? std::string("on the ") + executor.name() +
                               ": output '" + spec.name +
                               "': cannot allocate on the " + executor.name()
                         : "out of memory: output '" + spec.name + "' (" +
                               std::to_string(bytes) + " bytes)";
      continue;
    }
    if (dense)
      memcpy(out.data, base, bytes);
    else
      copyStrided(static_cast<char *>(out.data), base, d, rank, esize, n);
  }
  for (void *p : handedOut)
    owned.erase(p);
  for (void *p : owned)
    if (!foreign.count(p))
      executor.release(p);
  releaseCopies();
  // (A failed device or check leaves the outputs empty.)
  if (status == Executor::kDeviceFailed)
    outputFailed = std::string("on the ") + executor.name() + ": " +
                   executor.deviceError();
  else if (status == Executor::kNoAMX)
    outputFailed = "the operating system does not let this process use AMX "
                   "tiles (arch_prctl ARCH_REQ_XCOMP_PERM), which the module's "
                   "bf16 products need; compile it with --precision=f32 or "
                   "for a --cpu without AMX";
  else if (status != 0)
    outputFailed = "run-time check failed: " +
                   (status > 0 && size_t(status) <= m->checks.size()
                        ? m->checks[status - 1]
                        : "run-time check " + std::to_string(status));
  if (outputFailed.empty())
    return nullptr;
  for (size_t o = 0; o < numOutputs; ++o)
    if (!given[o].tensor.data)
      seqc_tensor_release(&outputs[o]);
  return fail(outputFailed);
}

extern "C" seqc_error *seqc_module_run(seqc_module *m,
                                       const seqc_tensor *inputs,
                                       size_t numInputs, seqc_tensor *outputs,
                                       size_t numOutputs) {
  return run(m, inputs, numInputs, outputs, numOutputs, /*into=*/false);
}

extern "C" seqc_error *seqc_module_run_into(seqc_module *m,
                                            const seqc_tensor *inputs,
                                            size_t numInputs,
                                            seqc_tensor *outputs,
                                            size_t numOutputs) {
  return run(m, inputs, numInputs, outputs, numOutputs, /*into=*/true);
}

extern "C" int64_t seqc_module_in_place(const seqc_module *m, size_t output) {
  return output < m->inPlace.size() ? m->inPlace[output] : -1;
}
