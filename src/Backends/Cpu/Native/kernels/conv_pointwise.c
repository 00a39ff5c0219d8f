/* conv_pointwise.c — 1×1 stride-1 unpadded conv as a GEMM that reads the input in place: Y[oc, P] = W[oc, C] · X[C, P]
 * per image and group. Row k of a 16-pixel column block of X is 16 contiguous floats, so the 6×16 micro-tile reads X
 * straight from the activation (row stride P) instead of from a packed copy; W is the same MR-row packed panels as the
 * "1x1" and "im2col" algorithms (brg_pack_a over the full K = C/groups). Loop order: 16-pixel block → 6-channel panel, so
 * the block's K×16 floats stay in L1 while all output channels are computed from it; the next block's rows are
 * prefetched. K is blocked by 256 (partial sums kept in Y); the epilogue (bias, residual, activation; per output channel)
 * is applied in registers at the last K block. Threads split the (pixel block, channel panel) tiles. */
#include "brg_internal.h"
#include "brg_conv.h"
#include <omp.h>

#ifdef BRG_AVX2
static inline __m256 ld(const float* p, int full, __m256i m) { return full ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, m); }
static inline void st(float* p, __m256 v, int full, __m256i m) {
    if (full) _mm256_storeu_ps(p, v); else _mm256_maskstore_ps(p, m, v);
}

/* 6 channels × 16 pixels (nr valid pixels, mr valid channels) over k in [0, kc). */
static void tile(int64_t kc, const float* a, const float* x, int64_t ldx, float* y, int64_t ldy, int mr, int nr, int first,
                 int last, const brg_epilogue* ep, const float* res, int64_t chan0) {
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    static const int32_t lanes[24] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
    int f0 = nr >= 8, f1 = nr >= 16;
    __m256i m0 = _mm256_loadu_si256((const __m256i*)(lanes + 16 - BRG_MIN(nr, 8)));
    __m256i m1 = _mm256_loadu_si256((const __m256i*)(lanes + 16 - BRG_MAX(nr - 8, 0)));
    if (nr == 16) {
        for (int64_t k = 0; k < kc; k++) {
            const float* xr = x + k * ldx;
            __m256 b0 = _mm256_loadu_ps(xr), b1 = _mm256_loadu_ps(xr + 8);
            const float* ak = a + k * BRG_MR;
            __m256 t = _mm256_broadcast_ss(ak);
            c00 = _mm256_fmadd_ps(t, b0, c00); c01 = _mm256_fmadd_ps(t, b1, c01);
            t = _mm256_broadcast_ss(ak + 1); c10 = _mm256_fmadd_ps(t, b0, c10); c11 = _mm256_fmadd_ps(t, b1, c11);
            t = _mm256_broadcast_ss(ak + 2); c20 = _mm256_fmadd_ps(t, b0, c20); c21 = _mm256_fmadd_ps(t, b1, c21);
            t = _mm256_broadcast_ss(ak + 3); c30 = _mm256_fmadd_ps(t, b0, c30); c31 = _mm256_fmadd_ps(t, b1, c31);
            t = _mm256_broadcast_ss(ak + 4); c40 = _mm256_fmadd_ps(t, b0, c40); c41 = _mm256_fmadd_ps(t, b1, c41);
            t = _mm256_broadcast_ss(ak + 5); c50 = _mm256_fmadd_ps(t, b0, c50); c51 = _mm256_fmadd_ps(t, b1, c51);
        }
    } else {
        for (int64_t k = 0; k < kc; k++) {
            const float* xr = x + k * ldx;
            __m256 b0 = ld(xr, f0, m0), b1 = nr > 8 ? ld(xr + 8, f1, m1) : _mm256_setzero_ps();
            const float* ak = a + k * BRG_MR;
            __m256 t = _mm256_broadcast_ss(ak);
            c00 = _mm256_fmadd_ps(t, b0, c00); c01 = _mm256_fmadd_ps(t, b1, c01);
            t = _mm256_broadcast_ss(ak + 1); c10 = _mm256_fmadd_ps(t, b0, c10); c11 = _mm256_fmadd_ps(t, b1, c11);
            t = _mm256_broadcast_ss(ak + 2); c20 = _mm256_fmadd_ps(t, b0, c20); c21 = _mm256_fmadd_ps(t, b1, c21);
            t = _mm256_broadcast_ss(ak + 3); c30 = _mm256_fmadd_ps(t, b0, c30); c31 = _mm256_fmadd_ps(t, b1, c31);
            t = _mm256_broadcast_ss(ak + 4); c40 = _mm256_fmadd_ps(t, b0, c40); c41 = _mm256_fmadd_ps(t, b1, c41);
            t = _mm256_broadcast_ss(ak + 5); c50 = _mm256_fmadd_ps(t, b0, c50); c51 = _mm256_fmadd_ps(t, b1, c51);
        }
    }
    __m256 acc[6][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
    for (int i = 0; i < mr; i++) {
        float* yr = y + i * ldy;
        __m256 v0 = acc[i][0], v1 = acc[i][1];
        if (!first) { v0 = _mm256_add_ps(v0, ld(yr, f0, m0)); if (nr > 8) v1 = _mm256_add_ps(v1, ld(yr + 8, f1, m1)); }
        if (last && ep) {
            int64_t ch = chan0 + i;
            if (ep->scale) { __m256 s = _mm256_set1_ps(ep->scale[ch]); v0 = _mm256_mul_ps(v0, s); v1 = _mm256_mul_ps(v1, s); }
            if (ep->bias) { __m256 b = _mm256_set1_ps(ep->bias[ch]); v0 = _mm256_add_ps(v0, b); v1 = _mm256_add_ps(v1, b); }
            if (res) {
                const float* rr = res + i * ldy;
                v0 = _mm256_add_ps(v0, ld(rr, f0, m0));
                if (nr > 8) v1 = _mm256_add_ps(v1, ld(rr + 8, f1, m1));
            }
            v0 = brg_act8(v0, ep); v1 = brg_act8(v1, ep);
        }
        st(yr, v0, f0, m0);
        if (nr > 8) st(yr + 8, v1, f1, m1);
    }
}
#endif

typedef struct {
    const brg_conv2d_params* p;
    const float *x, *packed_w;
    float* y;
    const brg_epilogue* ep;
    int64_t P, cg, ocg, nb;
    size_t per;
} pw_ctx;

/* Tasks [t0, t1): one task is one NR-column panel of one image and group, every output channel. */
static void pw_range(void* vc, int64_t t0, int64_t t1) {
    const pw_ctx* c = (const pw_ctx*)vc;
    const brg_conv2d_params* p = c->p;
    const brg_epilogue* ep = c->ep;
    const float *x = c->x, *packed_w = c->packed_w;
    float* y = c->y;
    int64_t P = c->P, cg = c->cg, ocg = c->ocg, nb = c->nb;
    size_t per = c->per;
    for (int64_t t = t0; t < t1; t++) {
        int64_t img = t / nb, j = (t % nb) * BRG_NR;
        int64_t n = img / p->groups, g = img % p->groups;
        const float* xg = x + (n * p->c + g * cg) * P + j;
        int64_t off = (n * p->oc + g * ocg) * P + j;
        const float* a = packed_w + g * per;
        int nr = (int)BRG_MIN(BRG_NR, P - j);
        for (int64_t k0 = 0; k0 < cg; k0 += BRG_KC) {
            int64_t kc = BRG_MIN(BRG_KC, cg - k0);
#ifdef BRG_AVX2
            if (j + 2 * BRG_NR < P)
                for (int64_t k = k0; k < k0 + kc; k++) _mm_prefetch((const char*)(xg + k * P + 2 * BRG_NR), _MM_HINT_T0);
#endif
            for (int64_t i = 0; i < ocg; i += BRG_MR) {
                int mr = (int)BRG_MIN(BRG_MR, ocg - i);
                float* yo = y + off + i * P;
                const float* res = ep && ep->residual ? ep->residual + off + i * P : NULL;
#ifdef BRG_AVX2
                tile(kc, a + (i / BRG_MR) * cg * BRG_MR + k0 * BRG_MR, xg + k0 * P, P, yo, P, mr, nr, k0 == 0, k0 + kc >= cg, ep, res,
                     g * ocg + i);
#else
                for (int r = 0; r < mr; r++)
                    for (int q = 0; q < nr; q++) {
                        float s = k0 == 0 ? 0.0f : yo[r * P + q];
                        for (int64_t k = k0; k < k0 + kc; k++) s += a[(i / BRG_MR) * cg * BRG_MR + k * BRG_MR + r] * xg[k * P + q];
                        yo[r * P + q] = s;
                    }
                if (k0 + kc >= cg && ep)
                    for (int r = 0; r < mr; r++)
                        brg_epilogue_span(ep, yo + r * P, res ? res + r * P : NULL, nr, 0, g * ocg + i + r);
#endif
            }
        }
    }
}

void brg_conv2d_pointwise(const brg_conv2d_params* p, const float* x, const float* packed_w, float* y, const brg_epilogue* ep) {
    int64_t P = p->h * p->w, cg = p->c / p->groups, ocg = p->oc / p->groups;
    size_t per = brg_pack_a_floats(ocg, cg);
    int64_t nb = (P + BRG_NR - 1) / BRG_NR, mb = (ocg + BRG_MR - 1) / BRG_MR;
    int64_t images = p->n * p->groups;
    int64_t tasks = images * nb;
    pw_ctx c = { p, x, packed_w, y, ep, P, cg, ocg, nb, per };
    /* On the library's pool (brg_parallel_for): a preempted worker costs nothing, where an OpenMP barrier waits for it. */
    brg_parallel_for(tasks, tasks * mb * cg * BRG_MR * BRG_NR > 65536 ? 1 : tasks, pw_range, &c);
}
