/* conv_depthwise.c — depthwise conv (groups == C, channel multiplier oc / C).
 *
 * AVX2 path (kernel windows up to 7×7, stride 1 or 2, any dilation and padding): each output plane's input plane is first
 * copied into a zero-padded per-thread buffer, so every tap of every output is in bounds and the inner loop has no
 * border tests. Outputs are computed in tiles of 4 rows × 8 columns (four independent FMA chains, so the FMA latency is
 * hidden even on 7×7 planes): per tap one broadcast weight and four unaligned loads (stride 2: two loads and an even-lane
 * permute per row). The last column chunk of a row is stored masked. The epilogue (bias, residual, activation) is applied
 * to each finished row while it is in L1.
 *
 * Generic path (other strides, windows, or no AVX2): rows accumulated tap by tap over the in-bounds column range. */
#include "brg_internal.h"
#include "brg_conv.h"
#include <omp.h>

static void depthwise_generic_plane(const brg_conv2d_params* p, const float* xc, const float* wo, float* yo, int64_t lo, int64_t hi) {
    for (int64_t oy = 0; oy < p->oh; oy++) {
        float* yr = yo + oy * p->ow;
        for (int64_t ox = 0; ox < p->ow; ox++) yr[ox] = 0.0f;
        for (int64_t ky = 0; ky < p->kh; ky++) {
            int64_t iy = oy * p->stride_h - p->pad_t + ky * p->dil_h;
            if (iy < 0 || iy >= p->h) continue;
            const float* xr = xc + iy * p->w;
            for (int64_t kx = 0; kx < p->kw; kx++) {
                float wv = wo[ky * p->kw + kx];
                int64_t off = kx * p->dil_w - p->pad_l;
                for (int64_t ox = 0; ox < lo; ox++) {
                    int64_t ix = ox * p->stride_w + off;
                    if (ix >= 0 && ix < p->w) yr[ox] += wv * xr[ix];
                }
                if (p->stride_w == 1) {
                    const float* xs = xr + off;
                    for (int64_t ox = lo; ox < hi; ox++) yr[ox] += wv * xs[ox];
                } else {
                    for (int64_t ox = lo; ox < hi; ox++) yr[ox] += wv * xr[ox * p->stride_w + off];
                }
                for (int64_t ox = hi; ox < p->ow; ox++) {
                    int64_t ix = ox * p->stride_w + off;
                    if (ix >= 0 && ix < p->w) yr[ox] += wv * xr[ix];
                }
            }
        }
    }
}

#ifdef BRG_AVX2
static int fast_applies(const brg_conv2d_params* p) {
    return p->kh <= 7 && p->kw <= 7 && (p->stride_w == 1 || p->stride_w == 2) && p->stride_h >= 1 && p->stride_h <= 2;
}

/* The padded plane: rows [-pad_t, hp - pad_t), columns [-pad_l, wp - pad_l) of the input, zeros outside. */
static void pad_plane(const brg_conv2d_params* p, const float* xc, float* buf, int64_t hp, int64_t wp) {
    for (int64_t r = 0; r < hp; r++) {
        float* d = buf + r * wp;
        int64_t iy = r - p->pad_t;
        if (iy < 0 || iy >= p->h) { memset(d, 0, (size_t)wp * sizeof(float)); continue; }
        int64_t c0 = BRG_MIN(p->pad_l, wp);
        memset(d, 0, (size_t)c0 * sizeof(float));
        int64_t n = BRG_MAX(0, BRG_MIN(p->w, wp - p->pad_l));
        memcpy(d + c0, xc + iy * p->w, (size_t)n * sizeof(float));
        for (int64_t c = c0 + n; c < wp; c++) d[c] = 0.0f;
    }
}

/* 8 consecutive outputs' inputs at column offset: stride 1 a load, stride 2 the even lanes of 16 floats. */
static inline __attribute__((always_inline)) __m256 load_s(const float* s, int64_t sw) {
    if (sw == 1) return _mm256_loadu_ps(s);
    __m256 a = _mm256_loadu_ps(s), b = _mm256_loadu_ps(s + 8);
    __m256 e = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)); /* a0 a2 b0 b2 | a4 a6 b4 b6 */
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), _MM_SHUFFLE(3, 1, 2, 0)));
}

/* What a tile needs besides its position: the padded plane, the plane's weights, output and residual planes, epilogue. */
typedef struct dw_plane {
    const float* buf; int64_t wp; const float* w; float* y; const float* res; int64_t ow;
    int64_t kh, kw, sh, dh, dw;
    __m256 bias; const brg_epilogue* ep; __m256i mask;
} dw_plane;

/* R rows (1..4) × one 8-column chunk at output (oy, ox); KH/KW/SW are compile-time constants in the specialised copies
   (0 = read from the plane). The epilogue is applied in registers before the store. */
static inline __attribute__((always_inline)) void tile(const dw_plane* q, int64_t oy, int64_t ox, int R, int masked,
                                                       int64_t KH, int64_t KW, int64_t SW) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    const int64_t kh = KH ? KH : q->kh, kw = KW ? KW : q->kw, sh = q->sh, wp = q->wp;
    const float* base = q->buf + oy * sh * wp + ox * SW;
    for (int64_t ky = 0; ky < kh; ky++)
        for (int64_t kx = 0; kx < kw; kx++) {
            __m256 wv = _mm256_set1_ps(q->w[ky * kw + kx]);
            const float* s = base + ky * q->dh * wp + kx * q->dw;
            acc0 = _mm256_fmadd_ps(wv, load_s(s, SW), acc0);
            if (R > 1) acc1 = _mm256_fmadd_ps(wv, load_s(s + sh * wp, SW), acc1);
            if (R > 2) acc2 = _mm256_fmadd_ps(wv, load_s(s + 2 * sh * wp, SW), acc2);
            if (R > 3) acc3 = _mm256_fmadd_ps(wv, load_s(s + 3 * sh * wp, SW), acc3);
        }
    __m256 acc[4] = {acc0, acc1, acc2, acc3};
    for (int r = 0; r < R; r++) {
        int64_t off = (oy + r) * q->ow + ox;
        __m256 v = acc[r];
        if (q->ep) {
            if (q->ep->scale || q->ep->act > BRG_ACT_CLIP) {
                /* rare epilogues (scale, transcendental activations): the shared span code after the store */
                if (masked) _mm256_maskstore_ps(q->y + off, q->mask, v); else _mm256_storeu_ps(q->y + off, v);
                continue;
            }
            v = _mm256_add_ps(v, q->bias);
            if (q->res) v = _mm256_add_ps(v, masked ? _mm256_maskload_ps(q->res + off, q->mask) : _mm256_loadu_ps(q->res + off));
            v = brg_act8(v, q->ep);
        }
        if (masked) _mm256_maskstore_ps(q->y + off, q->mask, v);
        else _mm256_storeu_ps(q->y + off, v);
    }
}

#define DW_ROW(KH, KW, SW)                                                                                                    \
    static void dw_rows_##KH##_##KW##_##SW(const dw_plane* q, int64_t oh, int64_t ow) {                                       \
        int64_t full = ow / 8 * 8;                                                                                            \
        for (int64_t oy = 0; oy < oh; oy += 4) {                                                                              \
            int R = (int)BRG_MIN(4, oh - oy);                                                                                 \
            for (int64_t ox = 0; ox < full; ox += 8) {                                                                        \
                if (R == 4) tile(q, oy, ox, 4, 0, KH, KW, SW);                                                                \
                else if (R == 3) tile(q, oy, ox, 3, 0, KH, KW, SW);                                                           \
                else if (R == 2) tile(q, oy, ox, 2, 0, KH, KW, SW);                                                           \
                else tile(q, oy, ox, 1, 0, KH, KW, SW);                                                                       \
            }                                                                                                                 \
            if (full < ow) {                                                                                                  \
                if (R == 4) tile(q, oy, full, 4, 1, KH, KW, SW);                                                              \
                else if (R == 3) tile(q, oy, full, 3, 1, KH, KW, SW);                                                         \
                else if (R == 2) tile(q, oy, full, 2, 1, KH, KW, SW);                                                         \
                else tile(q, oy, full, 1, 1, KH, KW, SW);                                                                     \
            }                                                                                                                 \
        }                                                                                                                     \
    }
DW_ROW(3, 3, 1)
DW_ROW(3, 3, 2)
DW_ROW(5, 5, 1)
DW_ROW(5, 5, 2)
DW_ROW(0, 0, 1)
DW_ROW(0, 0, 2)

static void depthwise_fast_plane(const brg_conv2d_params* p, const float* xc, const float* wo, float* yo, const float* res,
                                 const brg_epilogue* ep, int64_t o, float* buf, int64_t hp, int64_t wp) {
    pad_plane(p, xc, buf, hp, wp);
    static const int32_t lanes[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
    int64_t rem = p->ow % 8;
    dw_plane q = {buf, wp, wo, yo, res, p->ow, p->kh, p->kw, p->stride_h, p->dil_h, p->dil_w,
                  _mm256_set1_ps(ep && ep->bias ? ep->bias[o] : 0.0f), ep, _mm256_loadu_si256((const __m256i*)(lanes + 8 - rem))};
    int s2 = p->stride_w == 2;
    if (p->kh == 3 && p->kw == 3) { if (s2) dw_rows_3_3_2(&q, p->oh, p->ow); else dw_rows_3_3_1(&q, p->oh, p->ow); }
    else if (p->kh == 5 && p->kw == 5) { if (s2) dw_rows_5_5_2(&q, p->oh, p->ow); else dw_rows_5_5_1(&q, p->oh, p->ow); }
    else if (s2) dw_rows_0_0_2(&q, p->oh, p->ow);
    else dw_rows_0_0_1(&q, p->oh, p->ow);
}
#endif

typedef struct {
    const brg_conv2d_params* p;
    const float *x, *w;
    float* y;
    const brg_epilogue* ep;
    int64_t mult, hw, P, lo, hi;
    int fast;
    int64_t hp, wp;
    size_t buf_floats;
} dw_ctx;

/* Planes [a, b) of a depthwise conv; one zero-padded plane buffer per chunk. */
static void dw_range(void* vc, int64_t a, int64_t b) {
    const dw_ctx* c = (const dw_ctx*)vc;
    const brg_conv2d_params* p = c->p;
    const brg_epilogue* ep = c->ep;
    int64_t mult = c->mult, hw = c->hw, P = c->P;
    float* buf = NULL;
#ifdef BRG_AVX2
    if (c->fast) buf = (float*)brg_alloc(c->buf_floats);
#endif
    for (int64_t plane = a; plane < b; plane++) {
        int64_t n = plane / p->oc, o = plane % p->oc;
        const float* xc = c->x + (n * p->c + o / mult) * hw;
        const float* wo = c->w + o * p->kh * p->kw;
        float* yo = c->y + plane * P;
#ifdef BRG_AVX2
        const float* res = ep && ep->residual ? ep->residual + plane * P : NULL;
        if (buf) {
            depthwise_fast_plane(p, xc, wo, yo, res, ep, o, buf, c->hp, c->wp);
            if (!ep || (!ep->scale && ep->act <= BRG_ACT_CLIP)) continue; /* applied in registers */
        } else
#endif
            depthwise_generic_plane(p, xc, wo, yo, c->lo, c->hi);
        if (ep)
            for (int64_t oy = 0; oy < p->oh; oy++)
                brg_epilogue_span(ep, yo + oy * p->ow, ep->residual ? ep->residual + plane * P + oy * p->ow : NULL, p->ow, 0, o);
    }
    free(buf);
}

void brg_conv2d_depthwise(const brg_conv2d_params* p, const float* x, const float* w, float* y, const brg_epilogue* ep) {
    int64_t mult = p->oc / p->c, hw = p->h * p->w, P = p->oh * p->ow;
    /* Output columns whose every tap is in bounds: ox*sw - pl >= 0 and ox*sw - pl + dw*(kw-1) <= w-1. */
    int64_t lo = BRG_MIN((p->pad_l + p->stride_w - 1) / p->stride_w, p->ow);
    int64_t last = p->w - 1 - p->dil_w * (p->kw - 1) + p->pad_l;
    int64_t hi = last < 0 ? lo : BRG_MAX(lo, BRG_MIN(last / p->stride_w + 1, p->ow));
    int64_t planes = p->n * p->oc;
#ifdef BRG_AVX2
    int fast = fast_applies(p);
    /* Padded plane: every row and column any output tap reads, plus slack for the last chunk's full-width loads. */
    int64_t hp = (p->oh - 1) * p->stride_h + (p->kh - 1) * p->dil_h + 1;
    int64_t wp = BRG_MAX((p->ow - 1) * p->stride_w + (p->kw - 1) * p->dil_w + 1, 1);
    size_t buf_floats = (size_t)(hp * wp) + 16 * (size_t)p->stride_w + 16;
#else
    int fast = 0;
#endif
    dw_ctx c = { p, x, w, y, ep, mult, hw, P, lo, hi, fast, 0, 0, 0 };
#ifdef BRG_AVX2
    c.hp = hp; c.wp = wp; c.buf_floats = buf_floats;
#endif
    /* On the library's pool (brg_parallel_for): a preempted worker costs nothing, where an OpenMP barrier waits for it. */
    brg_parallel_for(planes, planes * P * p->kh * p->kw > 32768 ? 1 : planes, dw_range, &c);
}
