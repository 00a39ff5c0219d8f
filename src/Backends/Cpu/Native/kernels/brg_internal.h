/*
 * brg_internal.h — helpers shared by the kernel library's units (not part of the ABI in bridge_cpu.h): the AVX2/FMA
 * vector math (exp, tanh, erf as static inline functions so GEMM/conv epilogues and row-wise kernels inline them), the
 * epilogue applied at tile stores, aligned scratch allocation and the GEMM core used by both GEMM and conv.
 */
#ifndef BRG_INTERNAL_H
#define BRG_INTERNAL_H
#include "bridge_cpu.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define BRG_AVX2 1
#endif

#define BRG_MIN(a, b) ((a) < (b) ? (a) : (b))
#define BRG_MAX(a, b) ((a) > (b) ? (a) : (b))
#define BRG_ROUND_UP(x, m) ((((x) + (m) - 1) / (m)) * (m))

/* GEMM register blocking: MR rows × NR columns of C per micro-kernel call (12 ymm accumulators, 2 B loads, 1 broadcast). */
#define BRG_MR 6
#define BRG_NR 16
/* Cache blocking: a KC×NR B micro-panel (16 KiB) stays in L1 while MR×KC A panels stream from L2 (MC×KC = 144 KiB). */
#define BRG_KC 256
#define BRG_MC 144
#define BRG_NC 1024

static inline void* brg_alloc(size_t floats) {
    void* p = NULL;
    size_t bytes = BRG_ROUND_UP(floats * sizeof(float) + 64, 64);
    if (posix_memalign(&p, 64, bytes) != 0) return NULL;
    return p;
}

/* ---- scalar reference forms (used on tails and without AVX2) ---- */
static inline float brg_erf_scalar(float x) {
    float a = fabsf(x);
    if (a < 1.0f) {
        float s = x * x;
        float r = 7.970398887675867e-05f;
        r = r * s - 0.0008043200187123206f;
        r = r * s + 0.005191816014517736f;
        r = r * s - 0.02685550142763457f;
        r = r * s + 0.11283621889816295f;
        r = r * s - 0.37612628724092184f;
        r = r * s + 1.1283791660945395f;
        return r * x;
    }
    if (a > 9.0f) return copysignf(1.0f, x);
    /* Numerical Recipes' erfc Chebyshev fit (fractional error < 1.2e-7); erf = 1 - erfc loses nothing for a >= 1. */
    float t = 1.0f / (1.0f + 0.5f * a);
    float p = 0.17087277f;
    p = p * t - 0.82215223f; p = p * t + 1.48851587f; p = p * t - 1.13520398f; p = p * t + 0.27886807f;
    p = p * t - 0.18628806f; p = p * t + 0.09678418f; p = p * t + 0.37409196f; p = p * t + 1.00002368f;
    p = p * t - 1.26551223f;
    float erfc = t * expf(-a * a + p);
    return copysignf(1.0f - erfc, x);
}

static inline float brg_act_scalar(float v, const brg_epilogue* ep) {
    switch (ep->act) {
    case BRG_ACT_RELU: return v > 0.0f ? v : 0.0f;
    case BRG_ACT_CLIP: return fminf(fmaxf(v, ep->clip_lo), ep->clip_hi);
    case BRG_ACT_SIGMOID: return 1.0f / (1.0f + expf(-v));
    case BRG_ACT_SILU: return v / (1.0f + expf(-v));
    case BRG_ACT_GELU_ERF: return 0.5f * v * (1.0f + brg_erf_scalar(v * 0.70710678118654752f));
    case BRG_ACT_GELU_TANH: return 0.5f * v * (1.0f + tanhf(0.7978845608028654f * (v + 0.044715f * v * v * v)));
    case BRG_ACT_TANH: return tanhf(v);
    default: return v;
    }
}

#ifdef BRG_AVX2
/* exp: Cody–Waite range reduction by ln 2 and Cephes expf's polynomial, ~1 ulp on [-87, 88] (subnormal results down to
   x = -103.97 through a split 2^n scale); overflow gives +inf, underflow 0, NaN propagates. */
static inline __m256 brg_exp8(__m256 x) {
    const __m256 hi = _mm256_set1_ps(88.72283935546875f), lo = _mm256_set1_ps(-103.972084f);
    __m256 x0 = x;
    __m256 nanmask = _mm256_cmp_ps(x, x, _CMP_UNORD_Q);
    __m256 over = _mm256_cmp_ps(x, hi, _CMP_GT_OQ);
    __m256 under = _mm256_cmp_ps(x, lo, _CMP_LT_OQ);
    x = _mm256_min_ps(_mm256_max_ps(x, lo), hi);
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500E-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507E-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073E-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894E-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459E-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201E-1f));
    __m256 r2 = _mm256_mul_ps(r, r);
    p = _mm256_fmadd_ps(p, r2, _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    /* 2^n in two halves so n = 128 (x near 88.7) does not overflow the exponent field before the multiply. */
    __m256i ni = _mm256_cvtps_epi32(n);
    __m256i h = _mm256_srai_epi32(ni, 1);
    __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(h, _mm256_set1_epi32(127)), 23));
    __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_sub_epi32(ni, h), _mm256_set1_epi32(127)), 23));
    __m256 y = _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
    y = _mm256_blendv_ps(y, _mm256_set1_ps(INFINITY), over);
    y = _mm256_andnot_ps(under, y);
    return _mm256_blendv_ps(y, x0, nanmask);
}

/* tanh: Cephes tanhf — odd polynomial below |x| = 0.625, 1 - 2/(e^{2|x|} + 1) above, sign restored. */
static inline __m256 brg_tanh8(__m256 x) {
    const __m256 signbit = _mm256_set1_ps(-0.0f);
    __m256 a = _mm256_andnot_ps(signbit, x);
    __m256 s = _mm256_mul_ps(x, x);
    __m256 p = _mm256_set1_ps(-5.70498872745E-3f);
    p = _mm256_fmadd_ps(p, s, _mm256_set1_ps(2.06390887954E-2f));
    p = _mm256_fmadd_ps(p, s, _mm256_set1_ps(-5.37397155531E-2f));
    p = _mm256_fmadd_ps(p, s, _mm256_set1_ps(1.33314422036E-1f));
    p = _mm256_fmadd_ps(p, s, _mm256_set1_ps(-3.33332819422E-1f));
    __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(p, s), x, x);
    __m256 e = brg_exp8(_mm256_add_ps(_mm256_min_ps(a, _mm256_set1_ps(9.5f)), _mm256_min_ps(a, _mm256_set1_ps(9.5f))));
    __m256 big = _mm256_sub_ps(_mm256_set1_ps(1.0f), _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, _mm256_set1_ps(1.0f))));
    big = _mm256_or_ps(big, _mm256_and_ps(signbit, x));
    __m256 r = _mm256_blendv_ps(big, small, _mm256_cmp_ps(a, _mm256_set1_ps(0.625f), _CMP_LT_OQ));
    return _mm256_blendv_ps(r, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
}

/* erf: a least-squares odd polynomial (degree 13) below |x| = 1, Numerical Recipes' erfc Chebyshev fit above. */
static inline __m256 brg_erf8(__m256 x) {
    const __m256 signbit = _mm256_set1_ps(-0.0f), one = _mm256_set1_ps(1.0f);
    __m256 a = _mm256_min_ps(_mm256_andnot_ps(signbit, x), _mm256_set1_ps(9.0f));
    __m256 s = _mm256_mul_ps(x, x);
    __m256 r = _mm256_set1_ps(7.970398887675867e-05f);
    r = _mm256_fmadd_ps(r, s, _mm256_set1_ps(-0.0008043200187123206f));
    r = _mm256_fmadd_ps(r, s, _mm256_set1_ps(0.005191816014517736f));
    r = _mm256_fmadd_ps(r, s, _mm256_set1_ps(-0.02685550142763457f));
    r = _mm256_fmadd_ps(r, s, _mm256_set1_ps(0.11283621889816295f));
    r = _mm256_fmadd_ps(r, s, _mm256_set1_ps(-0.37612628724092184f));
    r = _mm256_fmadd_ps(r, s, _mm256_set1_ps(1.1283791660945395f));
    __m256 small = _mm256_mul_ps(r, x);
    __m256 t = _mm256_div_ps(one, _mm256_fmadd_ps(_mm256_set1_ps(0.5f), a, one));
    __m256 p = _mm256_set1_ps(0.17087277f);
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.82215223f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.48851587f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.13520398f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.27886807f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.18628806f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.09678418f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.37409196f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.00002368f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.26551223f));
    __m256 erfc = _mm256_mul_ps(t, brg_exp8(_mm256_fnmadd_ps(a, a, p)));
    __m256 big = _mm256_or_ps(_mm256_sub_ps(one, erfc), _mm256_and_ps(signbit, x));
    __m256 res = _mm256_blendv_ps(big, small, _mm256_cmp_ps(a, one, _CMP_LT_OQ));
    return _mm256_blendv_ps(res, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
}

static inline __m256 brg_sigmoid8(__m256 v) {
    const __m256 one = _mm256_set1_ps(1.0f);
    return _mm256_div_ps(one, _mm256_add_ps(one, brg_exp8(_mm256_sub_ps(_mm256_setzero_ps(), v))));
}

static inline __m256 brg_act8(__m256 v, const brg_epilogue* ep) {
    switch (ep->act) {
    case BRG_ACT_RELU: return _mm256_max_ps(v, _mm256_setzero_ps());
    case BRG_ACT_CLIP: return _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(ep->clip_lo)), _mm256_set1_ps(ep->clip_hi));
    case BRG_ACT_SIGMOID: return brg_sigmoid8(v);
    case BRG_ACT_SILU: return _mm256_mul_ps(v, brg_sigmoid8(v));
    case BRG_ACT_GELU_ERF: {
        __m256 e = brg_erf8(_mm256_mul_ps(v, _mm256_set1_ps(0.70710678118654752f)));
        return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), v), _mm256_add_ps(_mm256_set1_ps(1.0f), e));
    }
    case BRG_ACT_GELU_TANH: {
        __m256 u = _mm256_mul_ps(_mm256_set1_ps(0.044715f), _mm256_mul_ps(v, _mm256_mul_ps(v, v)));
        __m256 t = brg_tanh8(_mm256_mul_ps(_mm256_set1_ps(0.7978845608028654f), _mm256_add_ps(v, u)));
        return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), v), _mm256_add_ps(_mm256_set1_ps(1.0f), t));
    }
    case BRG_ACT_TANH: return brg_tanh8(v);
    default: return v;
    }
}
#endif

/* Applies the epilogue to n consecutive outputs c[0..n). Column-indexed (GEMM): scale/bias at col0 + j. Channel-indexed
   (conv, chan >= 0): scale/bias are the one value of channel chan. res may be NULL (then ep->residual is ignored). */
void brg_epilogue_span(const brg_epilogue* ep, float* c, const float* res, int64_t n, int64_t col0, int64_t chan);

/* The GEMM core: C[M,N] = A·B with B packed by brg_gemm_pack_b (NR-column panels over the full K) and A either packed
   by brg_pack_a (packed_a != NULL: MR-row panels over the full K) or read from A/lda/trans_a and packed per MC×KC block.
   The epilogue (ep may be NULL; residual res has C's layout and ldc) is applied at the last K block; scale/bias index is
   ep_off + row when ep_rows (conv: the row is the output channel), else ep_off + column. Runs on the OpenMP pool unless
   called inside a parallel region. */
void brg_gemm_core(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, int32_t trans_a, const float* packed_a,
                   const float* packed_b, float* C, int64_t ldc, const brg_epilogue* ep, const float* res, int ep_rows,
                   int64_t ep_off);
size_t brg_pack_a_floats(int64_t M, int64_t K);
/* Packs A[M,K] (row stride lda, or A^T when trans_a: A stored [K,M]) into MR-row panels, zero-padded. */
void brg_pack_a(int64_t M, int64_t K, const float* A, int64_t lda, int32_t trans_a, float* packed);

#endif
