/* Thread-pool size for every kernel and generated loop (OpenMP). The size is process-wide: omp_set_num_threads alone
   sets only the calling thread's OpenMP ICV, and a .NET host calls kernels from whichever pool thread runs the model,
   so every kernel's parallel region asks brg_nt() (the last brg_set_num_threads value, else OpenMP's default). */
#include "brg_internal.h"
#include <omp.h>

static volatile int32_t s_threads = 0;

void brg_set_num_threads(int32_t n) {
    if (n <= 0) return;
    s_threads = n;
    omp_set_num_threads(n);
}

int32_t brg_nt(void) { return s_threads > 0 ? s_threads : (int32_t)omp_get_max_threads(); }

int32_t brg_get_num_threads(void) { return brg_nt(); }
