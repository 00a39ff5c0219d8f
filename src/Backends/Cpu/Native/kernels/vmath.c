/* vmath.c — vectorised exp/tanh/erf for generated elementwise loops (AVX2 bodies from brg_internal.h, scalar tails). */
#include "brg_internal.h"
#include <omp.h>

typedef struct { const float* x; float* y; } vm_job;

#define BRG_VMATH(name, vec, scalar)                                                                  \
    static void name##_blocks(void* ctx, int64_t lo, int64_t hi) {                                   \
        const vm_job* j = (const vm_job*)ctx;                                                         \
        for (int64_t b = lo; b < hi; b++) VEC_STORE(vec, j->x, j->y, b * 8);                          \
    }                                                                                                 \
    void name(int64_t n, const float* x, float* y) {                                                  \
        int64_t blocks = n / 8;                                                                       \
        vm_job j = { x, y };                                                                          \
        brg_parallel_for(blocks, 32768, name##_blocks, &j);                                           \
        for (int64_t i = blocks * 8; i < n; i++) y[i] = scalar(x[i]);                                 \
    }

#ifdef BRG_AVX2
#define VEC_STORE(vec, x, y, i) _mm256_storeu_ps((y) + (i), vec(_mm256_loadu_ps((x) + (i))))
/* Tails go through one padded vector so every element sees the same formula. */
static inline float exp_tail(float v) { float b[8] = {v}; _mm256_storeu_ps(b, brg_exp8(_mm256_loadu_ps(b))); return b[0]; }
static inline float tanh_tail(float v) { float b[8] = {v}; _mm256_storeu_ps(b, brg_tanh8(_mm256_loadu_ps(b))); return b[0]; }
static inline float erf_tail(float v) { float b[8] = {v}; _mm256_storeu_ps(b, brg_erf8(_mm256_loadu_ps(b))); return b[0]; }
#else
#define VEC_STORE(vec, x, y, i) for (int j = 0; j < 8; j++) (y)[(i) + j] = vec((x)[(i) + j])
#define brg_exp8 expf
#define brg_tanh8 tanhf
#define brg_erf8 brg_erf_scalar
#define exp_tail expf
#define tanh_tail tanhf
#define erf_tail brg_erf_scalar
#endif

BRG_VMATH(brg_vexp, brg_exp8, exp_tail)
BRG_VMATH(brg_vtanh, brg_tanh8, tanh_tail)
BRG_VMATH(brg_verf, brg_erf8, erf_tail)
