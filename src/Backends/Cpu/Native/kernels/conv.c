/*
 * conv.c — 2-D convolution (NCHW / OIHW): algorithm choice per shape and the GEMM-based algorithms.
 *   pointwise  1×1, stride 1, no padding: Y[oc, P] = W[oc, C] · X[C, P] with X read in place (conv_pointwise.c).
 *   1x1        the same product with X packed into NR panels first (the GEMM core; kept for comparison: force it).
 *   im2col     any other grouped/dilated/strided conv: the patch matrix is written straight into NR-column panels, then
 *              the GEMM core with the weight pre-packed into MR-row panels; epilogue per output channel at the tile store.
 *   depthwise  groups == C (channel multiplier oc / C): a direct per-plane kernel (conv_depthwise.c).
 *   winograd   3×3 stride 1 undilated ungrouped convs with enough channels: F(2,3) (conv_winograd.c).
 */
#include "brg_internal.h"
#include "brg_conv.h"
#include <omp.h>

enum { ALG_IM2COL, ALG_1X1, ALG_DEPTHWISE, ALG_WINOGRAD, ALG_POINTWISE, ALG_COUNT };

static const char* const s_names[] = {"im2col", "1x1", "depthwise", "winograd", "pointwise"};
static int s_forced = -1; /* brg_conv2d_force_algorithm: benchmarks and tests only */

static int is_depthwise(const brg_conv2d_params* p) { return p->groups > 1 && p->groups == p->c && p->oc % p->c == 0; }
static int is_1x1(const brg_conv2d_params* p) {
    return p->kh == 1 && p->kw == 1 && p->stride_h == 1 && p->stride_w == 1 && p->pad_t == 0 && p->pad_l == 0 &&
           p->pad_b == 0 && p->pad_r == 0 && p->oh == p->h && p->ow == p->w;
}
static int geometry_winograd(const brg_conv2d_params* p) {
    return p->kh == 3 && p->kw == 3 && p->stride_h == 1 && p->stride_w == 1 && p->dil_h == 1 && p->dil_w == 1 &&
           p->groups == 1 && p->oh >= 2 && p->ow >= 2;
}

static int choose(const brg_conv2d_params* p) {
    if (s_forced == ALG_IM2COL || (s_forced == ALG_1X1 && is_1x1(p)) || (s_forced == ALG_WINOGRAD && geometry_winograd(p)) ||
        (s_forced == ALG_DEPTHWISE && is_depthwise(p)) || (s_forced == ALG_POINTWISE && is_1x1(p)))
        return s_forced;
    if (is_depthwise(p)) return ALG_DEPTHWISE;
    if (brg_winograd_applies(p)) return ALG_WINOGRAD;
    /* X in place wins on large planes (no copy of X; measured 1.2–3× on mobilenet_v2's 112×112…14×14 layers); on 7×7
       planes the weight streams once per 16 pixels and the packed GEMM (panels reused across the block) is as fast or
       faster (320->1280 @7×7: 2.1 vs 1.6 ms). */
    if (is_1x1(p)) return p->h * p->w >= 128 ? ALG_POINTWISE : ALG_1X1;
    return ALG_IM2COL;
}

int32_t brg_conv2d_force_algorithm(const char* name) {
    s_forced = -1;
    if (name == NULL || name[0] == 0) return 1;
    for (int i = 0; i < ALG_COUNT; i++)
        if (strcmp(name, s_names[i]) == 0) { s_forced = i; return 1; }
    return 0;
}

const char* brg_conv2d_algorithm(const brg_conv2d_params* p) {
    return s_names[choose(p)];
}

static int64_t kg_of(const brg_conv2d_params* p) { return p->c / p->groups * p->kh * p->kw; }
static int64_t ocg_of(const brg_conv2d_params* p) { return p->oc / p->groups; }

size_t brg_conv2d_packed_w_floats(const brg_conv2d_params* p) {
    switch (choose(p)) {
    case ALG_DEPTHWISE: return (size_t)(p->oc * p->kh * p->kw);
    case ALG_WINOGRAD: return brg_winograd_packed_floats(p);
    default: return (size_t)p->groups * brg_pack_a_floats(ocg_of(p), kg_of(p));
    }
}

void brg_conv2d_pack_w(const brg_conv2d_params* p, const float* w, float* packed) {
    switch (choose(p)) {
    case ALG_DEPTHWISE: memcpy(packed, w, (size_t)(p->oc * p->kh * p->kw) * sizeof(float)); return;
    case ALG_WINOGRAD: brg_winograd_pack(p, w, packed); return;
    default: {
        int64_t ocg = ocg_of(p), kg = kg_of(p);
        size_t per = brg_pack_a_floats(ocg, kg);
        for (int64_t g = 0; g < p->groups; g++) brg_pack_a(ocg, kg, w + g * ocg * kg, kg, 0, packed + g * per);
    }
    }
}

size_t brg_conv2d_scratch_floats(const brg_conv2d_params* p) {
    switch (choose(p)) {
    case ALG_DEPTHWISE: case ALG_POINTWISE: return 0;
    case ALG_WINOGRAD: return brg_winograd_scratch_floats(p);
    default: return brg_gemm_packed_b_floats(kg_of(p), p->oh * p->ow);
    }
}

/* The patch matrix of one image and group (C/groups channels) as NR-column panels: row k = (ci, ky, kx), column = output
   pixel. One patch row per task: the pixels of an output row that read inside the input row are a strided copy, the rest
   (padding) zeros; rows of a panel are one cache line each, so tasks never share a line. */
typedef struct {
    const brg_conv2d_params* p;
    const float* x;
    float* panels;
} im2col_ctx;

static void im2col_range(void* vc, int64_t k0, int64_t k1) {
    const im2col_ctx* c = (const im2col_ctx*)vc;
    const brg_conv2d_params* p = c->p;
    const float* x = c->x;
    float* panels = c->panels;
    int64_t P = p->oh * p->ow, kg = kg_of(p), hw = p->h * p->w, kk = p->kh * p->kw;
    int64_t pstride = kg * BRG_NR, padded = BRG_ROUND_UP(P, BRG_NR);
    for (int64_t k = k0; k < k1; k++) {
        int64_t ci = k / kk, ky = (k % kk) / p->kw, kx = k % p->kw;
        const float* xc = x + ci * hw;
        float* dk = panels + k * BRG_NR;
        int64_t off = kx * p->dil_w - p->pad_l;
        int64_t lo = off >= 0 ? 0 : BRG_MIN((-off + p->stride_w - 1) / p->stride_w, p->ow);
        int64_t hi = p->w - 1 - off < 0 ? 0 : BRG_MIN((p->w - 1 - off) / p->stride_w + 1, p->ow);
        if (hi < lo) hi = lo;
        int64_t px = 0;
#define DST(q) dk[((q) >> 4) * pstride + ((q) & 15)]
        for (int64_t oy = 0; oy < p->oh; oy++) {
            int64_t iy = oy * p->stride_h - p->pad_t + ky * p->dil_h;
            if (iy < 0 || iy >= p->h) {
                for (int64_t ox = 0; ox < p->ow; ox++, px++) DST(px) = 0.0f;
                continue;
            }
            const float* xr = xc + iy * p->w + off;
            int64_t ox = 0;
            for (; ox < lo; ox++, px++) DST(px) = 0.0f;
            if (p->stride_w == 1)
                for (; ox < hi; ox++, px++) DST(px) = xr[ox];
            else
                for (; ox < hi; ox++, px++) DST(px) = xr[ox * p->stride_w];
            for (; ox < p->ow; ox++, px++) DST(px) = 0.0f;
        }
        for (; px < padded; px++) DST(px) = 0.0f;
#undef DST
    }
}

static void im2col_panels(const brg_conv2d_params* p, const float* x, float* panels) {
    int64_t P = p->oh * p->ow, kg = kg_of(p);
    im2col_ctx c = { p, x, panels };
    brg_parallel_for(kg, P * kg > 32768 ? 1 : kg, im2col_range, &c);
}

void brg_conv2d(const brg_conv2d_params* p, const float* x, const float* packed_w, float* y, const brg_epilogue* ep,
                float* scratch) {
    int alg = choose(p);
    if (alg == ALG_DEPTHWISE) { brg_conv2d_depthwise(p, x, packed_w, y, ep); return; }
    if (alg == ALG_POINTWISE) { brg_conv2d_pointwise(p, x, packed_w, y, ep); return; }
    if (alg == ALG_WINOGRAD) { brg_conv2d_winograd(p, x, packed_w, y, ep, scratch); return; }
    int64_t P = p->oh * p->ow, kg = kg_of(p), ocg = ocg_of(p), cg = p->c / p->groups;
    size_t per = brg_pack_a_floats(ocg, kg);
    for (int64_t n = 0; n < p->n; n++)
        for (int64_t g = 0; g < p->groups; g++) {
            const float* xg = x + (n * p->c + g * cg) * p->h * p->w;
            if (alg == ALG_1X1) brg_gemm_pack_b(kg, P, xg, P, 0, scratch);
            else im2col_panels(p, xg, scratch);
            int64_t off = (n * p->oc + g * ocg) * P;
            brg_gemm_core(ocg, P, kg, NULL, 0, 0, packed_w + g * per, scratch, y + off, P, ep,
                          ep && ep->residual ? ep->residual + off : NULL, 1, g * ocg);
        }
}
