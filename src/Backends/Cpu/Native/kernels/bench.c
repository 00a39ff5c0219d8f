/*
 * bench.c — measurement helpers for `bridge bench --kernels` (not used by generated code): the core clock from a chain of
 * dependent FMAs, the FMA throughput of one core, and the calling thread's CPU time (robust to other processes sharing
 * the cores, unlike wall time).
 */
#include "brg_internal.h"
#include <time.h>

double brg_thread_cpu_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* One dependent chain: each FMA waits for the previous, so iterations × latency = cycles. */
double brg_fma_chain_seconds(int64_t iters) {
#ifdef BRG_AVX2
    __m256 a = _mm256_set1_ps(1.0f), b = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
    double t0 = brg_thread_cpu_seconds();
    for (int64_t i = 0; i < iters; i++) {
        a = _mm256_fmadd_ps(a, b, c); a = _mm256_fmadd_ps(a, b, c); a = _mm256_fmadd_ps(a, b, c); a = _mm256_fmadd_ps(a, b, c);
        __asm__ volatile("" : "+x"(a));
    }
    double t = brg_thread_cpu_seconds() - t0;
    float out[8];
    _mm256_storeu_ps(out, a);
    return out[0] == 12345.0f ? -t : t; /* keep the result live */
#else
    (void)iters;
    return 0.0;
#endif
}

/* 12 independent chains (enough to cover 2 pipes × 4-5 cycles latency): iters × 48 FMAs × 16 flops. */
double brg_fma_throughput_gflops(int64_t iters) {
#ifdef BRG_AVX2
    __m256 b = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
    __m256 a0 = _mm256_set1_ps(1.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0,
           a10 = a0, a11 = a0;
    double t0 = brg_thread_cpu_seconds();
    for (int64_t i = 0; i < iters; i++) {
        for (int r = 0; r < 4; r++) {
            a0 = _mm256_fmadd_ps(a0, b, c); a1 = _mm256_fmadd_ps(a1, b, c); a2 = _mm256_fmadd_ps(a2, b, c);
            a3 = _mm256_fmadd_ps(a3, b, c); a4 = _mm256_fmadd_ps(a4, b, c); a5 = _mm256_fmadd_ps(a5, b, c);
            a6 = _mm256_fmadd_ps(a6, b, c); a7 = _mm256_fmadd_ps(a7, b, c); a8 = _mm256_fmadd_ps(a8, b, c);
            a9 = _mm256_fmadd_ps(a9, b, c); a10 = _mm256_fmadd_ps(a10, b, c); a11 = _mm256_fmadd_ps(a11, b, c);
        }
        __asm__ volatile("" : "+x"(a0), "+x"(a1), "+x"(a2), "+x"(a3), "+x"(a4), "+x"(a5));
        __asm__ volatile("" : "+x"(a6), "+x"(a7), "+x"(a8), "+x"(a9), "+x"(a10), "+x"(a11));
    }
    double t = brg_thread_cpu_seconds() - t0;
    __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                             _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
    s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(a8, a9), _mm256_add_ps(a10, a11)));
    float out[8];
    _mm256_storeu_ps(out, s);
    if (out[0] == 12345.0f) t += 1e-9;
    return t > 0 ? (double)iters * 48.0 * 16.0 / t / 1e9 : 0.0;
#else
    (void)iters;
    return 0.0;
#endif
}
