/* Thread-pool size for every kernel and generated loop (OpenMP). */
#include "bridge_cpu.h"
#include <omp.h>

void brg_set_num_threads(int32_t n) { if (n > 0) omp_set_num_threads(n); }
int32_t brg_get_num_threads(void) { return (int32_t)omp_get_max_threads(); }
