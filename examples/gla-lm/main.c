/* gla-lm demo: the GLA language model compiled to an object and linked in.
 * Reads a byte prompt in one call (prefill), then generates greedily one
 * token per call (decode), each GLA layer's state carried from call to
 * call in the caller's buffer, updated there in place
 * (seqc_module_run_into). Prints the logits' shape, the prefill time, the
 * decode time per token and the generated tokens, then checks the decode
 * against one call over the whole sequence from zero states.
 *
 * usage: gla-lm-demo [WEIGHTS.safetensors] */
#include "gla_lm_tiny.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The model's sizes (examples/gla-lm/gla-lm.json): a GLA layer's state is
 * [B, heads, key_dim / heads, value_dim / heads]. */
enum { kVocab = 256, kHeads = 4, kKeys = 8, kValues = 16 };
enum { kStateFloats = kHeads * kKeys * kValues };
enum { kNewTokens = 16, kMaxTokens = 64 };

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int fail(seqc_error *error) {
  fprintf(stderr, "gla-lm-demo: %s\n", seqc_error_message(error));
  seqc_error_free(error);
  return 1;
}

/* 64-byte aligned, so that the kernels write the caller's buffer directly. */
static float *zeros(size_t count) {
  size_t bytes = (count * sizeof(float) + 63) / 64 * 64;
  float *p = aligned_alloc(64, bytes);
  if (p)
    memset(p, 0, bytes);
  return p;
}

static seqc_tensor state_tensor(float *data) {
  seqc_tensor t = {SEQC_F32, 4, {1, kHeads, kKeys, kValues}, data, SEQC_HOST};
  return t;
}

/* Runs `count` tokens from the states `s0`, `s1`, which become the states
 * after them (the same buffers as input and output: in place); the logits
 * [count, kVocab] into `logits`. */
static seqc_error *run_tokens(seqc_module *model, const int64_t *ids,
                              int64_t count, float *s0, float *s1,
                              float *logits) {
  seqc_tensor in_ids = {SEQC_I64, 2, {1, count}, (void *)ids, SEQC_HOST};
  seqc_tensor in_s0 = state_tensor(s0), in_s1 = state_tensor(s1);
  seqc_tensor out_s0 = in_s0, out_s1 = in_s1;
  seqc_tensor out_logits = {SEQC_F32, 3, {1, count, kVocab}, logits, SEQC_HOST};
  return gla_lm_tiny_run_into(model, &in_ids, &in_s0, &in_s1, &out_logits,
                              &out_s0, &out_s1);
}

static int64_t argmax(const float *row) {
  int64_t best = 0;
  for (int64_t v = 1; v < kVocab; ++v)
    if (row[v] > row[best])
      best = v;
  return best;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  seqc_module *model;
  seqc_error *error = gla_lm_tiny_load(argc > 1 ? argv[1] : NULL, &model);
  if (error)
    return fail(error);

  const char *prompt = "Hello, seqc!";
  int64_t ids[kMaxTokens];
  int64_t length = (int64_t)strlen(prompt);
  for (int64_t i = 0; i < length; ++i)
    ids[i] = (unsigned char)prompt[i];
  float *s0 = zeros(kStateFloats), *s1 = zeros(kStateFloats);
  float *logits = zeros((size_t)kMaxTokens * kVocab);
  float *decoded = zeros((size_t)kNewTokens * kVocab);
  if (!s0 || !s1 || !logits || !decoded) {
    fprintf(stderr, "gla-lm-demo: out of memory\n");
    return 1;
  }

  /* Prefill: the prompt in one call, from zero states. */
  double start = now_ms();
  if ((error = run_tokens(model, ids, length, s0, s1, logits)))
    return fail(error);
  double prefill_ms = now_ms() - start;
  printf("logits: [1, %lld, %d]\n", (long long)length, kVocab);
  int64_t next = argmax(logits + (length - 1) * kVocab);

  /* Decode: one token a call, the states carried in place. */
  double step_ms[kNewTokens];
  for (int step = 0; step < kNewTokens; ++step) {
    ids[length] = next;
    float *row = decoded + step * kVocab;
    start = now_ms();
    if ((error = run_tokens(model, ids + length, 1, s0, s1, row)))
      return fail(error);
    step_ms[step] = now_ms() - start;
    ++length;
    next = argmax(row);
  }
  qsort(step_ms, kNewTokens, sizeof step_ms[0], by_value);
  printf("prefill: %lld tokens in %.3f ms; decode: %.1f us per token "
         "(median of %d steps, state in place)\n",
         (long long)(length - kNewTokens), prefill_ms,
         1e3 * step_ms[kNewTokens / 2], kNewTokens);
  printf("greedy next tokens:");
  for (int64_t i = length - kNewTokens; i < length; ++i)
    printf(" %lld", (long long)ids[i]);
  printf("\n");

  /* The decode's logits against one call over the whole sequence. */
  memset(s0, 0, kStateFloats * sizeof(float));
  memset(s1, 0, kStateFloats * sizeof(float));
  if ((error = run_tokens(model, ids, length, s0, s1, logits)))
    return fail(error);
  double worst = 0, scale = 1;
  for (int step = 0; step < kNewTokens; ++step) {
    const float *full = logits + (length - kNewTokens + step) * kVocab;
    for (int v = 0; v < kVocab; ++v) {
      worst = fmax(worst, fabs((double)full[v] - decoded[step * kVocab + v]));
      scale = fmax(scale, fabs((double)full[v]));
    }
  }
  int same = worst <= 1e-4 * scale;
  printf("decode %s one call over all %lld tokens: max |logit difference| "
         "%.2g (largest logit %.3g)\n",
         same ? "matches" : "DIFFERS FROM", (long long)length, worst, scale);
  free(s0);
  free(s1);
  free(logits);
  free(decoded);
  seqc_module_free(model);
  return same ? 0 : 1;
}
