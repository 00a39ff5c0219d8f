/*
 * gemm.c — single-precision GEMM in the Goto/BLIS scheme: B packed into NR=16-column panels over the full K (weights:
 * once, at load time), A packed into MR=6-row panels per MC×KC block, a 6×16 AVX2/FMA register-blocked micro-kernel
 * (12 accumulators), the epilogue fused into the store of the last K block, OpenMP over (M block × N block) tiles.
 */
#include "brg_internal.h"
#include <omp.h>

size_t brg_gemm_packed_b_floats(int64_t K, int64_t N) { return (size_t)(BRG_ROUND_UP(N, BRG_NR) * BRG_MAX(K, 1)); }

void brg_gemm_pack_b(int64_t K, int64_t N, const float* B, int64_t ldb, int32_t trans_b, float* packed) {
    int64_t panels = (N + BRG_NR - 1) / BRG_NR;
#pragma omp parallel for schedule(static) if (K * N > 65536 && !omp_in_parallel())
    for (int64_t jp = 0; jp < panels; jp++) {
        float* dst = packed + jp * K * BRG_NR;
        int64_t j0 = jp * BRG_NR, nr = BRG_MIN(BRG_NR, N - j0);
        for (int64_t k = 0; k < K; k++) {
            float* d = dst + k * BRG_NR;
            if (trans_b) {
                for (int64_t j = 0; j < nr; j++) d[j] = B[(j0 + j) * ldb + k];
            } else {
                const float* s = B + k * ldb + j0;
                for (int64_t j = 0; j < nr; j++) d[j] = s[j];
            }
            for (int64_t j = nr; j < BRG_NR; j++) d[j] = 0.0f;
        }
    }
}

size_t brg_pack_a_floats(int64_t M, int64_t K) { return (size_t)(BRG_ROUND_UP(M, BRG_MR) * BRG_MAX(K, 1)); }

/* Packs rows [0, m) × columns [k0, k0 + kc) of A into MR-row panels with panel stride kc·MR. */
static void pack_a_block(int64_t m, int64_t kc, const float* A, int64_t lda, int32_t trans_a, int64_t k0, float* dst) {
    for (int64_t ip = 0; ip < m; ip += BRG_MR) {
        int64_t mr = BRG_MIN(BRG_MR, m - ip);
        float* d = dst + (ip / BRG_MR) * kc * BRG_MR;
        if (!trans_a && mr == BRG_MR) {
            const float* r[BRG_MR];
            for (int i = 0; i < BRG_MR; i++) r[i] = A + (ip + i) * lda + k0;
            for (int64_t k = 0; k < kc; k++, d += BRG_MR)
                for (int i = 0; i < BRG_MR; i++) d[i] = r[i][k];
            continue;
        }
        for (int64_t k = 0; k < kc; k++, d += BRG_MR)
            for (int64_t i = 0; i < BRG_MR; i++)
                d[i] = i < mr ? (trans_a ? A[(k0 + k) * lda + ip + i] : A[(ip + i) * lda + k0 + k]) : 0.0f;
    }
}

void brg_pack_a(int64_t M, int64_t K, const float* A, int64_t lda, int32_t trans_a, float* packed) {
    pack_a_block(M, K, A, lda, trans_a, 0, packed);
}

void brg_epilogue_span(const brg_epilogue* ep, float* c, const float* res, int64_t n, int64_t col0, int64_t chan) {
    int64_t j = 0;
#ifdef BRG_AVX2
    for (; j + 8 <= n; j += 8) {
        __m256 v = _mm256_loadu_ps(c + j);
        if (ep->scale) v = _mm256_mul_ps(v, chan >= 0 ? _mm256_set1_ps(ep->scale[chan]) : _mm256_loadu_ps(ep->scale + col0 + j));
        if (ep->bias) v = _mm256_add_ps(v, chan >= 0 ? _mm256_set1_ps(ep->bias[chan]) : _mm256_loadu_ps(ep->bias + col0 + j));
        if (res) v = _mm256_add_ps(v, _mm256_loadu_ps(res + j));
        _mm256_storeu_ps(c + j, brg_act8(v, ep));
    }
#endif
    for (; j < n; j++) {
        float v = c[j];
        if (ep->scale) v *= ep->scale[chan >= 0 ? chan : col0 + j];
        if (ep->bias) v += ep->bias[chan >= 0 ? chan : col0 + j];
        if (res) v += res[j];
        c[j] = brg_act_scalar(v, ep);
    }
}

/* One MR×NR tile: acc = A panel · B panel over kc; C (+)= acc; at the last K block (ep != NULL) the epilogue. */
static inline void ukernel(int64_t kc, const float* restrict a, const float* restrict b, float* restrict c, int64_t ldc,
                           int64_t mr, int64_t nr, int accumulate, const brg_epilogue* ep, const float* res, int ep_rows,
                           int64_t ep_off, int64_t row0, int64_t col0) {
#ifdef BRG_AVX2
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    for (int64_t k = 0; k < kc; k++) {
        __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
        __m256 a0 = _mm256_broadcast_ss(a), a1 = _mm256_broadcast_ss(a + 1);
        c00 = _mm256_fmadd_ps(a0, b0, c00); c01 = _mm256_fmadd_ps(a0, b1, c01);
        c10 = _mm256_fmadd_ps(a1, b0, c10); c11 = _mm256_fmadd_ps(a1, b1, c11);
        a0 = _mm256_broadcast_ss(a + 2); a1 = _mm256_broadcast_ss(a + 3);
        c20 = _mm256_fmadd_ps(a0, b0, c20); c21 = _mm256_fmadd_ps(a0, b1, c21);
        c30 = _mm256_fmadd_ps(a1, b0, c30); c31 = _mm256_fmadd_ps(a1, b1, c31);
        a0 = _mm256_broadcast_ss(a + 4); a1 = _mm256_broadcast_ss(a + 5);
        c40 = _mm256_fmadd_ps(a0, b0, c40); c41 = _mm256_fmadd_ps(a0, b1, c41);
        c50 = _mm256_fmadd_ps(a1, b0, c50); c51 = _mm256_fmadd_ps(a1, b1, c51);
        a += BRG_MR;
        b += BRG_NR;
    }
    __m256 acc[BRG_MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
    if (mr == BRG_MR && nr == BRG_NR) {
        __m256 s0 = _mm256_set1_ps(1.0f), s1 = s0, b0 = _mm256_setzero_ps(), b1 = b0;
        if (ep && !ep_rows) {
            if (ep->scale) { s0 = _mm256_loadu_ps(ep->scale + ep_off + col0); s1 = _mm256_loadu_ps(ep->scale + ep_off + col0 + 8); }
            if (ep->bias) { b0 = _mm256_loadu_ps(ep->bias + ep_off + col0); b1 = _mm256_loadu_ps(ep->bias + ep_off + col0 + 8); }
        }
        for (int i = 0; i < BRG_MR; i++) {
            float* ci = c + i * ldc;
            __m256 v0 = acc[i][0], v1 = acc[i][1];
            if (accumulate) { v0 = _mm256_add_ps(v0, _mm256_loadu_ps(ci)); v1 = _mm256_add_ps(v1, _mm256_loadu_ps(ci + 8)); }
            if (ep) {
                if (ep_rows) {
                    int64_t ch = ep_off + row0 + i;
                    if (ep->scale) { s0 = s1 = _mm256_set1_ps(ep->scale[ch]); }
                    if (ep->bias) { b0 = b1 = _mm256_set1_ps(ep->bias[ch]); }
                }
                if (ep->scale) { v0 = _mm256_mul_ps(v0, s0); v1 = _mm256_mul_ps(v1, s1); }
                if (ep->bias) { v0 = _mm256_add_ps(v0, b0); v1 = _mm256_add_ps(v1, b1); }
                if (res) { v0 = _mm256_add_ps(v0, _mm256_loadu_ps(res + i * ldc)); v1 = _mm256_add_ps(v1, _mm256_loadu_ps(res + i * ldc + 8)); }
                if (ep->act != BRG_ACT_NONE) { v0 = brg_act8(v0, ep); v1 = brg_act8(v1, ep); }
            }
            _mm256_storeu_ps(ci, v0);
            _mm256_storeu_ps(ci + 8, v1);
        }
        return;
    }
    float tmp[BRG_MR * BRG_NR] __attribute__((aligned(32)));
    for (int i = 0; i < BRG_MR; i++) { _mm256_store_ps(tmp + i * BRG_NR, acc[i][0]); _mm256_store_ps(tmp + i * BRG_NR + 8, acc[i][1]); }
#else
    float tmp[BRG_MR * BRG_NR];
    memset(tmp, 0, sizeof tmp);
    for (int64_t k = 0; k < kc; k++, a += BRG_MR, b += BRG_NR)
        for (int i = 0; i < BRG_MR; i++)
            for (int j = 0; j < BRG_NR; j++) tmp[i * BRG_NR + j] += a[i] * b[j];
#endif
    for (int64_t i = 0; i < mr; i++) {
        float* ci = c + i * ldc;
        for (int64_t j = 0; j < nr; j++) ci[j] = accumulate ? ci[j] + tmp[i * BRG_NR + j] : tmp[i * BRG_NR + j];
        if (ep) brg_epilogue_span(ep, ci, res ? res + i * ldc : NULL, nr, ep_off + col0, ep_rows ? ep_off + row0 + i : -1);
    }
}

/* One (rows [i0, i1) × columns [j0, j1)) tile over the whole K; abuf holds one packed MC×KC block of A. */
static void gemm_tile(int64_t i0, int64_t i1, int64_t j0, int64_t j1, int64_t K, const float* A, int64_t lda,
                      int32_t trans_a, const float* packed_a, const float* packed_b, float* C, int64_t ldc,
                      const brg_epilogue* ep, const float* res, int ep_rows, int64_t ep_off, float* abuf) {
    for (int64_t kk = 0; kk < K; kk += BRG_KC) {
        int64_t kc = BRG_MIN(BRG_KC, K - kk);
        int last = kk + kc == K;
        const float* abase;
        int64_t astride;
        if (packed_a) {
            abase = packed_a + (i0 / BRG_MR) * K * BRG_MR + kk * BRG_MR;
            astride = K * BRG_MR;
        } else {
            pack_a_block(i1 - i0, kc, trans_a ? A + i0 : A + i0 * lda, lda, trans_a, kk, abuf);
            abase = abuf;
            astride = kc * BRG_MR;
        }
        for (int64_t jr = j0; jr < j1; jr += BRG_NR) {
            const float* bp = packed_b + (jr / BRG_NR) * K * BRG_NR + kk * BRG_NR;
            for (int64_t ir = i0; ir < i1; ir += BRG_MR) {
                const float* ap = abase + ((ir - i0) / BRG_MR) * astride;
                ukernel(kc, ap, bp, C + ir * ldc + jr, ldc, BRG_MIN(BRG_MR, i1 - ir), BRG_MIN(BRG_NR, j1 - jr), kk > 0,
                        last ? ep : NULL, last && res ? res + ir * ldc + jr : NULL, ep_rows, ep_off, ir, jr);
            }
        }
    }
}

void brg_gemm_core(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, int32_t trans_a, const float* packed_a,
                   const float* packed_b, float* C, int64_t ldc, const brg_epilogue* ep, const float* res, int ep_rows,
                   int64_t ep_off) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0) {
        for (int64_t i = 0; i < M; i++) {
            memset(C + i * ldc, 0, (size_t)N * sizeof(float));
            if (ep) brg_epilogue_span(ep, C + i * ldc, res ? res + i * ldc : NULL, N, ep_off, ep_rows ? ep_off + i : -1);
        }
        return;
    }
    int nt = omp_in_parallel() || (double)M * N * K < 32768.0 ? 1 : omp_get_max_threads();
    int64_t mblocks = (M + BRG_MC - 1) / BRG_MC;
    /* Enough N blocks that every thread has work (about two tiles each), never wider than NC. */
    int64_t want = BRG_MAX(1, (2 * nt + mblocks - 1) / mblocks);
    int64_t nb = BRG_MIN(BRG_NC, BRG_MAX(BRG_NR, BRG_ROUND_UP((N + want - 1) / want, BRG_NR)));
    if (nt == 1) nb = BRG_ROUND_UP(BRG_MIN(N, BRG_NC), BRG_NR);
    int64_t nblocks = (N + nb - 1) / nb;
    int64_t tiles = mblocks * nblocks;
#pragma omp parallel num_threads(nt) if (nt > 1)
    {
        float* abuf = packed_a ? NULL : (float*)brg_alloc((size_t)BRG_MC * BRG_KC);
#pragma omp for schedule(dynamic, 1)
        for (int64_t t = 0; t < tiles; t++) {
            int64_t mb = t / nblocks, jb = t % nblocks;
            int64_t i0 = mb * BRG_MC, j0 = jb * nb;
            gemm_tile(i0, BRG_MIN(M, i0 + BRG_MC), j0, BRG_MIN(N, j0 + nb), K, A, lda, trans_a, packed_a, packed_b, C, ldc,
                      ep, res, ep_rows, ep_off, abuf);
        }
        free(abuf);
    }
}

void brg_gemm_packed(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* packed_b, float* C,
                     int64_t ldc, const brg_epilogue* ep) {
    brg_gemm_core(M, N, K, A, lda, 0, NULL, packed_b, C, ldc, ep, ep ? ep->residual : NULL, 0, 0);
}

void brg_gemm(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B, int64_t ldb, int32_t trans_b,
              float* C, int64_t ldc, const brg_epilogue* ep) {
    if (M <= 0 || N <= 0) return;
    float* pb = (float*)brg_alloc(brg_gemm_packed_b_floats(K, N));
    brg_gemm_pack_b(K, N, B, ldb, trans_b, pb);
    brg_gemm_packed(M, N, K, A, lda, pb, C, ldc, ep);
    free(pb);
}

void brg_gemm_batched(int64_t batch, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, int64_t stride_a,
                      const float* B, int64_t ldb, int64_t stride_b, int32_t trans_b, float* C, int64_t ldc,
                      int64_t stride_c) {
    if (batch <= 0 || M <= 0 || N <= 0) return;
    /* A broadcast B (stride 0) is packed once; otherwise batches run in parallel, each packing its own B. */
    if (stride_b == 0 || batch == 1) {
        float* pb = (float*)brg_alloc(brg_gemm_packed_b_floats(K, N));
        brg_gemm_pack_b(K, N, B, ldb, trans_b, pb);
        for (int64_t i = 0; i < batch; i++) brg_gemm_packed(M, N, K, A + i * stride_a, lda, pb, C + i * stride_c, ldc, NULL);
        free(pb);
        return;
    }
    int par = batch >= omp_get_max_threads() && !omp_in_parallel();
#pragma omp parallel for schedule(dynamic, 1) if (par)
    for (int64_t i = 0; i < batch; i++)
        brg_gemm(M, N, K, A + i * stride_a, lda, B + i * stride_b, ldb, trans_b, C + i * stride_c, ldc, NULL);
}
