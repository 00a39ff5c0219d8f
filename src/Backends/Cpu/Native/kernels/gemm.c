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
#pragma omp parallel for schedule(static) num_threads(brg_nt()) if (K * N > 65536 && !omp_in_parallel())
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
            int64_t k = 0;
#ifdef BRG_AVX2
            /* 8 columns at a time: a 6×8 block transposed in registers (rows 6, 7 are zero), 6 lanes stored per column. */
            const __m256i m6 = _mm256_setr_epi32(-1, -1, -1, -1, -1, -1, 0, 0);
            for (; k + 8 <= kc; k += 8, d += 8 * BRG_MR) {
                __m256 r0 = _mm256_loadu_ps(r[0] + k), r1 = _mm256_loadu_ps(r[1] + k), r2 = _mm256_loadu_ps(r[2] + k);
                __m256 r3 = _mm256_loadu_ps(r[3] + k), r4 = _mm256_loadu_ps(r[4] + k), r5 = _mm256_loadu_ps(r[5] + k);
                __m256 z = _mm256_setzero_ps();
                __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
                __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
                __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
                __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
                __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
                __m256 s4 = _mm256_shuffle_ps(t4, z, 0x44), s5 = _mm256_shuffle_ps(t4, z, 0xEE);
                __m256 s6 = _mm256_shuffle_ps(t5, z, 0x44), s7 = _mm256_shuffle_ps(t5, z, 0xEE);
                /* column j (0..3) = [s_j low 4 | s_{j+4} low 2]; column j+4 from the high 128-bit halves. */
                __m256 c0 = _mm256_permute2f128_ps(s0, s4, 0x20), c1 = _mm256_permute2f128_ps(s1, s5, 0x20);
                __m256 c2 = _mm256_permute2f128_ps(s2, s6, 0x20), c3 = _mm256_permute2f128_ps(s3, s7, 0x20);
                __m256 c4 = _mm256_permute2f128_ps(s0, s4, 0x31), c5 = _mm256_permute2f128_ps(s1, s5, 0x31);
                __m256 c6 = _mm256_permute2f128_ps(s2, s6, 0x31), c7 = _mm256_permute2f128_ps(s3, s7, 0x31);
                _mm256_maskstore_ps(d + 0 * BRG_MR, m6, c0); _mm256_maskstore_ps(d + 1 * BRG_MR, m6, c1);
                _mm256_maskstore_ps(d + 2 * BRG_MR, m6, c2); _mm256_maskstore_ps(d + 3 * BRG_MR, m6, c3);
                _mm256_maskstore_ps(d + 4 * BRG_MR, m6, c4); _mm256_maskstore_ps(d + 5 * BRG_MR, m6, c5);
                _mm256_maskstore_ps(d + 6 * BRG_MR, m6, c6); _mm256_maskstore_ps(d + 7 * BRG_MR, m6, c7);
            }
#endif
            for (; k < kc; k++, d += BRG_MR)
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
static inline void ukernel(int64_t kc, const float* restrict a, int64_t rsa, int64_t csa, const float* restrict b,
                           float* restrict c, int64_t ldc,
                           int64_t mr, int64_t nr, int accumulate, const brg_epilogue* ep, const float* res, int ep_rows,
                           int64_t ep_off, int64_t row0, int64_t col0) {
#ifdef BRG_AVX2
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    const float* a3 = a + 3 * rsa;
    for (int64_t i = 0; i < mr; i++) _mm_prefetch((const char*)(c + i * ldc), _MM_HINT_T0);
    if (nr <= 8) {
        /* A right-edge panel at most 8 wide (e.g. N = 49): half the FMAs of the full tile. */
        for (int64_t k = 0; k < kc; k++) {
            __m256 b0 = _mm256_loadu_ps(b);
            c00 = _mm256_fmadd_ps(_mm256_broadcast_ss(a), b0, c00);
            c10 = _mm256_fmadd_ps(_mm256_broadcast_ss(a + rsa), b0, c10);
            c20 = _mm256_fmadd_ps(_mm256_broadcast_ss(a + 2 * rsa), b0, c20);
            c30 = _mm256_fmadd_ps(_mm256_broadcast_ss(a3), b0, c30);
            c40 = _mm256_fmadd_ps(_mm256_broadcast_ss(a3 + rsa), b0, c40);
            c50 = _mm256_fmadd_ps(_mm256_broadcast_ss(a3 + 2 * rsa), b0, c50);
            a += csa;
            a3 += csa;
            b += BRG_NR;
        }
    } else
#pragma GCC unroll 4
    for (int64_t k = 0; k < kc; k++) {
        _mm_prefetch((const char*)(a + 8 * csa), _MM_HINT_T0);
        _mm_prefetch((const char*)(b + 8 * BRG_NR), _MM_HINT_T0);
        __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
        __m256 a0 = _mm256_broadcast_ss(a), a1 = _mm256_broadcast_ss(a + rsa);
        c00 = _mm256_fmadd_ps(a0, b0, c00); c01 = _mm256_fmadd_ps(a0, b1, c01);
        c10 = _mm256_fmadd_ps(a1, b0, c10); c11 = _mm256_fmadd_ps(a1, b1, c11);
        a0 = _mm256_broadcast_ss(a + 2 * rsa); a1 = _mm256_broadcast_ss(a3);
        c20 = _mm256_fmadd_ps(a0, b0, c20); c21 = _mm256_fmadd_ps(a0, b1, c21);
        c30 = _mm256_fmadd_ps(a1, b0, c30); c31 = _mm256_fmadd_ps(a1, b1, c31);
        a0 = _mm256_broadcast_ss(a3 + rsa); a1 = _mm256_broadcast_ss(a3 + 2 * rsa);
        c40 = _mm256_fmadd_ps(a0, b0, c40); c41 = _mm256_fmadd_ps(a0, b1, c41);
        c50 = _mm256_fmadd_ps(a1, b0, c50); c51 = _mm256_fmadd_ps(a1, b1, c51);
        a += csa;
        a3 += csa;
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
    for (int64_t k = 0; k < kc; k++, a += csa, b += BRG_NR)
        for (int i = 0; i < BRG_MR; i++)
            for (int j = 0; j < BRG_NR; j++) tmp[i * BRG_NR + j] += a[i * rsa] * b[j];
#endif
    for (int64_t i = 0; i < mr; i++) {
        float* ci = c + i * ldc;
        for (int64_t j = 0; j < nr; j++) ci[j] = accumulate ? ci[j] + tmp[i * BRG_NR + j] : tmp[i * BRG_NR + j];
        if (ep) brg_epilogue_span(ep, ci, res ? res + i * ldc : NULL, nr, ep_off + col0, ep_rows ? ep_off + row0 + i : -1);
    }
}

/* One (rows [i0, i1) × columns [j0, j1)) tile over the whole K; abuf holds one packed MC×KC block of A. */
static void gemm_tile(int64_t n_total, int64_t i0, int64_t i1, int64_t j0, int64_t j1, int64_t K, const float* A, int64_t lda,
                      int32_t trans_a, const float* packed_a, const float* packed_b, float* C, int64_t ldc,
                      const brg_epilogue* ep, const float* res, int ep_rows, int64_t ep_off, float* abuf) {
    /* Narrow products read row-major A in place (6 row streams; packing would cost ~32/N of the multiply), a bottom
       edge of fewer than MR rows packed into abuf. Wide products (N >= 768, where packing is amortised and the packed
       panel streams better) and transposed A pack each MC×KC block. Pre-packed A (conv weights) is read as packed. */
    int direct = !packed_a && !trans_a && n_total < 768;
    for (int64_t kk = 0; kk < K; kk += BRG_KC) {
        int64_t kc = BRG_MIN(BRG_KC, K - kk);
        int last = kk + kc == K;
        const float* abase;
        int64_t astride;
        if (packed_a) {
            abase = packed_a + (i0 / BRG_MR) * K * BRG_MR + kk * BRG_MR;
            astride = K * BRG_MR;
        } else if (!direct) {
            pack_a_block(i1 - i0, kc, trans_a ? A + i0 : A + i0 * lda, lda, trans_a, kk, abuf);
            abase = abuf;
            astride = kc * BRG_MR;
        } else {
            int64_t full = (i1 - i0) / BRG_MR * BRG_MR;
            if (full < i1 - i0) pack_a_block(i1 - i0 - full, kc, A + (i0 + full) * lda, lda, 0, kk, abuf);
            abase = NULL;
            astride = 0;
        }
        for (int64_t jr = j0; jr < j1; jr += BRG_NR) {
            const float* bp = packed_b + (jr / BRG_NR) * K * BRG_NR + kk * BRG_NR;
            for (int64_t ir = i0; ir < i1; ir += BRG_MR) {
                int64_t mr = BRG_MIN(BRG_MR, i1 - ir), nr = BRG_MIN(BRG_NR, j1 - jr);
                float* ct = C + ir * ldc + jr;
                const brg_epilogue* e = last ? ep : NULL;
                const float* rt = last && res ? res + ir * ldc + jr : NULL;
                if (direct && mr == BRG_MR)
                    ukernel(kc, A + ir * lda + kk, lda, 1, bp, ct, ldc, mr, nr, kk > 0, e, rt, ep_rows, ep_off, ir, jr);
                else if (direct)
                    ukernel(kc, abuf, 1, BRG_MR, bp, ct, ldc, mr, nr, kk > 0, e, rt, ep_rows, ep_off, ir, jr);
                else
                    ukernel(kc, abase + ((ir - i0) / BRG_MR) * astride, 1, BRG_MR, bp, ct, ldc, mr, nr, kk > 0, e, rt,
                            ep_rows, ep_off, ir, jr);
            }
        }
    }
}

typedef struct {
    int64_t N, M, K, nblocks, nb;
    const float* A; int64_t lda; int32_t trans_a;
    const float* packed_a; const float* packed_b; float* C; int64_t ldc;
    const brg_epilogue* ep; const float* res; int ep_rows; int64_t ep_off;
} gemm_job;

/* One packed-A block per thread, kept for the thread's life (tiles of later products reuse it). */
static __thread float* t_abuf = NULL;

static void gemm_tiles(void* ctx, int64_t lo, int64_t hi) {
    const gemm_job* j = (const gemm_job*)ctx;
    float* abuf = NULL;
    if (!j->packed_a) {
        if (!t_abuf) t_abuf = (float*)brg_alloc((size_t)BRG_MC * BRG_KC);
        abuf = t_abuf;
    }
    for (int64_t t = lo; t < hi; t++) {
        int64_t mb = t / j->nblocks, jb = t % j->nblocks;
        int64_t i0 = mb * BRG_MC, j0 = jb * j->nb;
        gemm_tile(j->N, i0, BRG_MIN(j->M, i0 + BRG_MC), j0, BRG_MIN(j->N, j0 + j->nb), j->K, j->A, j->lda, j->trans_a,
                  j->packed_a, j->packed_b, j->C, j->ldc, j->ep, j->res, j->ep_rows, j->ep_off, abuf);
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
    int nt = omp_in_parallel() || (double)M * N * K < 32768.0 ? 1 : brg_nt();
    int64_t mblocks = (M + BRG_MC - 1) / BRG_MC;
    /* Enough N blocks that every thread has work (about two tiles each), never wider than NC. */
    int64_t want = BRG_MAX(1, (2 * nt + mblocks - 1) / mblocks);
    int64_t nb = BRG_MIN(BRG_NC, BRG_MAX(BRG_NR, BRG_ROUND_UP((N + want - 1) / want, BRG_NR)));
    if (nt == 1) nb = BRG_ROUND_UP(BRG_MIN(N, BRG_NC), BRG_NR);
    int64_t nblocks = (N + nb - 1) / nb;
    int64_t tiles = mblocks * nblocks;
    gemm_job j = { N, M, K, nblocks, nb, A, lda, trans_a, packed_a, packed_b, C, ldc, ep, res, ep_rows, ep_off };
    if (nt == 1) gemm_tiles(&j, 0, tiles);
    else brg_parallel_for(tiles, 1, gemm_tiles, &j);
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

typedef struct {
    int64_t M, N, K; const float* A; int64_t lda, stride_a; const float* B; int64_t ldb, stride_b; int32_t trans_b;
    float* C; int64_t ldc, stride_c;
} batched_job;

static void batched_range(void* ctx, int64_t lo, int64_t hi) {
    const batched_job* j = (const batched_job*)ctx;
    for (int64_t i = lo; i < hi; i++)
        brg_gemm(j->M, j->N, j->K, j->A + i * j->stride_a, j->lda, j->B + i * j->stride_b, j->ldb, j->trans_b,
                 j->C + i * j->stride_c, j->ldc, NULL);
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
    batched_job j = { M, N, K, A, lda, stride_a, B, ldb, stride_b, trans_b, C, ldc, stride_c };
    if (batch >= brg_nt()) brg_parallel_for(batch, 1, batched_range, &j);
    else batched_range(&j, 0, batch);
}
