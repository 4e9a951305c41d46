/* Loads a compiled module (.so) through the installed runtime and lists
 * its inputs and outputs.  usage: embed MODULE.so [WEIGHTS] */
#include <seqc/Runtime/seqc_runtime.h>

#include <stdio.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: embed MODULE.so [WEIGHTS]\n");
    return 2;
  }
  seqc_module *m;
  seqc_error *e = seqc_module_load(argv[1], argc > 2 ? argv[2] : NULL, &m);
  if (e) {
    fprintf(stderr, "embed: %s\n", seqc_error_message(e));
    seqc_error_free(e);
    return 1;
  }
  printf("module %s: %zu inputs, %zu outputs\n", seqc_module_name(m),
         seqc_module_num_inputs(m), seqc_module_num_outputs(m));
  for (size_t i = 0; i < seqc_module_num_inputs(m); ++i) {
    seqc_tensor_info info;
    seqc_module_input(m, i, &info);
    printf("input %s rank %d\n", info.name, info.rank);
  }
  seqc_module_free(m);
  return 0;
}
