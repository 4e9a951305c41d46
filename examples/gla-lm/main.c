/* gla-lm demo: the GLA language model compiled to an object and linked in.
 * Feeds a byte prompt, greedily extends it by a few tokens, and prints the
 * logits' shape, the run time per token and the generated tokens.
 *
 * usage: gla-lm-demo [WEIGHTS.safetensors] */
#include "gla_lm_tiny.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int main(int argc, char **argv) {
  seqc_module *model;
  seqc_error *error = gla_lm_tiny_load(argc > 1 ? argv[1] : NULL, &model);
  if (error)
    return fail(error);

  const char *prompt = "Hello, seqc!";
  enum { kNewTokens = 8, kMaxTokens = 64 };
  int64_t ids[kMaxTokens];
  int64_t length = (int64_t)strlen(prompt);
  for (int64_t i = 0; i < length; ++i)
    ids[i] = (unsigned char)prompt[i];

  double total_ms = 0;
  int64_t tokens_run = 0;
  for (int step = 0; step < kNewTokens; ++step) {
    seqc_tensor input = {SEQC_I64, 2, {1, length}, ids, SEQC_HOST};
    /* Outputs in host memory: zeroed, so `memory` is SEQC_HOST. */
    seqc_tensor logits = {0}, state0 = {0}, state1 = {0};
    double start = now_ms();
    error = gla_lm_tiny_run(model, &input, &logits, &state0, &state1);
    total_ms += now_ms() - start;
    tokens_run += length;
    if (error)
      return fail(error);
    if (step == 0)
      printf("logits: [%lld, %lld, %lld]\n", (long long)logits.shape[0],
             (long long)logits.shape[1], (long long)logits.shape[2]);
    /* Greedy: the most likely next byte after the last position. */
    const float *last =
        (const float *)logits.data + (length - 1) * logits.shape[2];
    int64_t best = 0;
    for (int64_t v = 1; v < logits.shape[2]; ++v)
      if (last[v] > last[best])
        best = v;
    ids[length++] = best;
    seqc_tensor_release(&logits);
    seqc_tensor_release(&state0);
    seqc_tensor_release(&state1);
  }
  printf("time per token: %.4f ms (%lld tokens in %.3f ms)\n",
         total_ms / (double)tokens_run, (long long)tokens_run, total_ms);
  printf("greedy next tokens:");
  for (int64_t i = length - kNewTokens; i < length; ++i)
    printf(" %lld", (long long)ids[i]);
  printf("\n");
  seqc_module_free(model);
  return 0;
}
