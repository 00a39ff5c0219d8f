/*
 * conv.c — 2-D convolution (NCHW / OIHW): algorithm choice per shape and the GEMM-based algorithms.
 *   1x1        1×1, stride 1, no padding: Y[oc, P] = W[oc, C] · X[C, P] per image and group (X packed into NR panels).
 *   im2col     any other grouped/dilated/strided conv: the patch matrix is written straight into NR-column panels, then
 *              the GEMM core with the weight pre-packed into MR-row panels; epilogue per output channel at the tile store.
 *   depthwise  groups == C (channel multiplier oc / C): a direct per-plane kernel (conv_depthwise.c).
 *   winograd   3×3 stride 1 undilated ungrouped convs with enough channels: F(2,3) (conv_winograd.c).
 */
#include "brg_internal.h"
#include "brg_conv.h"
#include <omp.h>

enum { ALG_IM2COL, ALG_1X1, ALG_DEPTHWISE, ALG_WINOGRAD };

static const char* const s_names[] = {"im2col", "1x1", "depthwise", "winograd"};
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
        (s_forced == ALG_DEPTHWISE && is_depthwise(p)))
        return s_forced;
    if (is_depthwise(p)) return ALG_DEPTHWISE;
    if (brg_winograd_applies(p)) return ALG_WINOGRAD;
    if (is_1x1(p)) return ALG_1X1;
    return ALG_IM2COL;
}

int32_t brg_conv2d_force_algorithm(const char* name) {
    s_forced = -1;
    if (name == NULL || name[0] == 0) return 1;
    for (int i = 0; i < 4; i++)
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
    case ALG_DEPTHWISE: return 0;
    case ALG_WINOGRAD: return brg_winograd_scratch_floats(p);
    default: return brg_gemm_packed_b_floats(kg_of(p), p->oh * p->ow);
    }
}

/* The patch matrix of image plane group x (C/groups channels) as NR-column panels: row k = (ci, ky, kx), column = pixel. */
static void im2col_panels(const brg_conv2d_params* p, const float* x, float* panels) {
    int64_t P = p->oh * p->ow, kg = kg_of(p), cg = p->c / p->groups, hw = p->h * p->w;
    int64_t npanels = (P + BRG_NR - 1) / BRG_NR;
#pragma omp parallel for schedule(static) if (P * kg > 32768 && !omp_in_parallel())
    for (int64_t jp = 0; jp < npanels; jp++) {
        int64_t iy0[BRG_NR], ix0[BRG_NR];
        int valid[BRG_NR];
        for (int j = 0; j < BRG_NR; j++) {
            int64_t px = jp * BRG_NR + j;
            valid[j] = px < P;
            int64_t oy = valid[j] ? px / p->ow : 0, ox = valid[j] ? px % p->ow : 0;
            iy0[j] = oy * p->stride_h - p->pad_t;
            ix0[j] = ox * p->stride_w - p->pad_l;
        }
        float* d = panels + jp * kg * BRG_NR;
        for (int64_t ci = 0; ci < cg; ci++) {
            const float* xc = x + ci * hw;
            for (int64_t ky = 0; ky < p->kh; ky++)
                for (int64_t kx = 0; kx < p->kw; kx++, d += BRG_NR)
                    for (int j = 0; j < BRG_NR; j++) {
                        int64_t iy = iy0[j] + ky * p->dil_h, ix = ix0[j] + kx * p->dil_w;
                        d[j] = valid[j] && iy >= 0 && iy < p->h && ix >= 0 && ix < p->w ? xc[iy * p->w + ix] : 0.0f;
                    }
        }
    }
}

void brg_conv2d(const brg_conv2d_params* p, const float* x, const float* packed_w, float* y, const brg_epilogue* ep,
                float* scratch) {
    int alg = choose(p);
    if (alg == ALG_DEPTHWISE) { brg_conv2d_depthwise(p, x, packed_w, y, ep); return; }
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
