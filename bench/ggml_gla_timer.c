/* Times ggml's GGML_OP_GATED_LINEAR_ATTN on the CPU (bench_ggml.py builds
 * this against a ggml checkout): k, v, q, g [S, H, T] (ggml's order, S the
 * head size of keys and values alike), the state [S·S·H, 1], one sequence;
 * a persistent thread pool of THREADS, as llama.cpp keeps one. Prints the
 * median and minimum of REPEAT calls in microseconds.
 *
 * usage: ggml_gla_timer T H S THREADS REPEAT
 */
#include "ggml-cpu.h"
#include "ggml.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void fill(struct ggml_tensor *t, float lo, float hi) {
  float *d = (float *)t->data;
  for (int64_t i = 0; i < ggml_nelements(t); ++i)
    d[i] = lo + (hi - lo) * (float)rand() / (float)RAND_MAX;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: %s T H S THREADS REPEAT\n", argv[0]);
    return 2;
  }
  int64_t T = atoll(argv[1]), H = atoll(argv[2]), S = atoll(argv[3]);
  int threads = atoi(argv[4]), repeat = atoi(argv[5]);
  size_t bytes = (size_t)(4 * S * H * T + 2 * S * S * H + S * H * (T + S)) *
                     sizeof(float) +
                 64 * 1024 * 1024;
  struct ggml_init_params init = {bytes, NULL, false};
  struct ggml_context *ctx = ggml_init(init);
  struct ggml_tensor *k = ggml_new_tensor_3d(ctx, GGML_TYPE_F32, S, H, T);
  struct ggml_tensor *v = ggml_new_tensor_3d(ctx, GGML_TYPE_F32, S, H, T);
  struct ggml_tensor *q = ggml_new_tensor_3d(ctx, GGML_TYPE_F32, S, H, T);
  struct ggml_tensor *g = ggml_new_tensor_3d(ctx, GGML_TYPE_F32, S, H, T);
  struct ggml_tensor *s = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, S * S * H, 1);
  fill(k, -1, 1);
  fill(v, -1, 1);
  fill(q, -1, 1);
  fill(g, 0.9f, 1.0f); /* ggml's g is the decay factor itself */
  fill(s, -1, 1);
  struct ggml_tensor *out = ggml_gated_linear_attn(ctx, k, v, q, g, s, 0.125f);
  struct ggml_cgraph *graph = ggml_new_graph(ctx);
  ggml_build_forward_expand(graph, out);

  struct ggml_threadpool_params pp = ggml_threadpool_params_default(threads);
  struct ggml_threadpool *pool = ggml_threadpool_new(&pp);
  struct ggml_cplan plan = ggml_graph_plan(graph, threads, pool);
  if (plan.work_size)
    plan.work_data = malloc(plan.work_size);
  double *times = malloc(sizeof(double) * repeat);
  ggml_graph_compute(graph, &plan); /* warm-up */
  for (int r = 0; r < repeat; ++r) {
    double t0 = now_us();
    ggml_graph_compute(graph, &plan);
    times[r] = now_us() - t0;
  }
  qsort(times, repeat, sizeof(double), by_value);
  printf("ggml: %d calls, min %.3f us, median %.3f us\n", repeat, times[0],
         times[repeat / 2]);
  ggml_threadpool_free(pool);
  ggml_free(ctx);
  free(times);
  free(plan.work_data);
  return 0;
}
