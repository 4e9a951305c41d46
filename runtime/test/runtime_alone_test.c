/* The runtime built alone (runtime/CMakeLists.txt): a C program linked with
 * SeqcRuntime that calls the C API without any compiled module. Missing and
 * malformed files must come back as errors whose messages name the file;
 * a stand-in entry point (a doubling "module" declared through a signature)
 * runs, fails a run-time check and fails an allocation. Exits 0 when every
 * check holds. */
#include "seqc/Runtime/seqc_runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures = 0;

static void check(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "FAIL: %s\n", what);
    ++failures;
  }
}

/* An error is expected: its message must mention `needle`. */
static void expectError(seqc_error *error, const char *needle,
                        const char *what) {
  const char *message = error ? seqc_error_message(error) : NULL;
  printf("%s: %s\n", what, message ? message : "(no error)");
  check(message != NULL && strstr(message, needle) != NULL, what);
  seqc_error_free(error);
}

static void writeFile(const char *path, const void *bytes, size_t size) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(bytes, 1, size, f) != size) {
    perror(path);
    exit(1);
  }
  fclose(f);
}

/* What the stand-in entry does: 0 doubles x, 1 fails check 1, 2 fails an
 * allocation. */
static int mode = 0;

static int32_t doubleEntry(void **args, void *results,
                           seqc_alloc_failure_fn onAllocFailure) {
  const int64_t *x = (const int64_t *)args[0]; /* {alloc, aligned, off, n, 1} */
  int64_t n = x[3];
  if (mode == 1)
    return 1;
  if (mode == 2)
    onAllocFailure(123);
  float *y = (float *)malloc((size_t)n * sizeof(float));
  for (int64_t i = 0; i < n; ++i)
    y[i] = 2 * ((const float *)(intptr_t)x[1])[x[2] + i];
  int64_t *r = (int64_t *)results;
  r[0] = r[1] = (int64_t)(intptr_t)y;
  r[2] = 0;
  r[3] = n;
  r[4] = 1;
  return 0;
}

static const char *signature(const char *weights) {
  static char text[1024];
  snprintf(text, sizeof text,
           "{\"abi\": %d, \"name\": \"double\", \"weights_file\": \"%s\","
           " \"cpu\": \"x86-64\", \"cpu_features\": [],"
           " \"inputs\": [{\"name\": \"x\", \"dtype\": \"f32\","
           " \"dims\": [\"N\"]}],"
           " \"outputs\": [{\"name\": \"y\", \"dtype\": \"f32\","
           " \"dims\": [-1]}],"
           " \"weights\": [%s], \"state\": [], \"id_ranges\": [],"
           " \"checks\": [\"x is not what the check wants\"]}",
           SEQC_MODULE_ABI_VERSION, weights ? weights : "",
           weights ? "{\"name\": \"w\", \"dtype\": \"f32\", \"shape\": [2]}"
                   : "");
  return text;
}

int main(void) {
  char dir[] = "seqc-runtime-alone-XXXXXX";
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  char missing[64], missingWeights[64], notElf[64], badWeights[64];
  snprintf(missing, sizeof missing, "%s/missing.so", dir);
  snprintf(missingWeights, sizeof missingWeights, "%s/missing.safetensors",
           dir);
  snprintf(notElf, sizeof notElf, "%s/not-elf.so", dir);
  snprintf(badWeights, sizeof badWeights, "%s/bad.safetensors", dir);
  writeFile(notElf, "not a library\n", 14);
  /* A header length far beyond the file's 12 bytes. */
  const unsigned char bad[12] = {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, '{', '}'};
  writeFile(badWeights, bad, sizeof bad);

  seqc_module *m = (seqc_module *)1;
  expectError(seqc_module_load(missing, NULL, &m), "missing.so",
              "missing module");
  check(m == NULL, "no module after a failed load");
  expectError(seqc_module_load(notElf, NULL, &m), "not-elf.so: cannot load",
              "module that is no ELF file");
  expectError(
      seqc_module_from_entry(doubleEntry, signature(badWeights), NULL, &m),
      "bad.safetensors", "malformed safetensors");
  expectError(
      seqc_module_from_entry(doubleEntry, signature(missingWeights), NULL, &m),
      "missing.safetensors: cannot open file", "missing weights file");

  seqc_error *error =
      seqc_module_from_entry(doubleEntry, signature(NULL), NULL, &m);
  check(error == NULL && m != NULL, "stand-in module loads");
  if (m) {
    check(strcmp(seqc_module_name(m), "double") == 0, "module name");
    float xs[3] = {1, 2, 3};
    seqc_tensor x = {SEQC_F32, 1, {3}, xs, SEQC_HOST}, y = {0};
    error = seqc_module_run(m, &x, 1, &y, 1);
    check(error == NULL && y.shape[0] == 3 && ((float *)y.data)[2] == 6,
          "stand-in module runs");
    seqc_error_free(error);
    seqc_tensor_release(&y);
    mode = 1;
    expectError(seqc_module_run(m, &x, 1, &y, 1),
                "run-time check failed: x is not", "failed check");
    mode = 2;
    expectError(seqc_module_run(m, &x, 1, &y, 1),
                "could not allocate 123 bytes", "failed allocation");
    seqc_module_free(m);
  }

  unlink(notElf);
  unlink(badWeights);
  rmdir(dir);
  printf("%s\n", failures ? "runtime-alone: FAILED" : "runtime-alone: ok");
  return failures ? 1 : 0;
}
