/* conv_depthwise.c — depthwise conv (groups == C, channel multiplier oc / C): one output plane at a time, rows
   accumulated kernel tap by kernel tap over the in-bounds column range (unit stride vectorises), borders checked. */
#include "brg_internal.h"
#include "brg_conv.h"
#include <omp.h>

void brg_conv2d_depthwise(const brg_conv2d_params* p, const float* x, const float* w, float* y, const brg_epilogue* ep) {
    int64_t mult = p->oc / p->c, hw = p->h * p->w, P = p->oh * p->ow;
    /* Output columns whose every tap is in bounds: ox*sw - pl >= 0 and ox*sw - pl + dw*(kw-1) <= w-1. */
    int64_t lo = BRG_MIN((p->pad_l + p->stride_w - 1) / p->stride_w, p->ow);
    int64_t last = p->w - 1 - p->dil_w * (p->kw - 1) + p->pad_l;
    int64_t hi = last < 0 ? lo : BRG_MAX(lo, BRG_MIN(last / p->stride_w + 1, p->ow));
    int64_t planes = p->n * p->oc;
#pragma omp parallel for schedule(static) if (planes * P * p->kh * p->kw > 32768 && !omp_in_parallel())
    for (int64_t plane = 0; plane < planes; plane++) {
        int64_t n = plane / p->oc, o = plane % p->oc;
        const float* xc = x + (n * p->c + o / mult) * hw;
        const float* wo = w + o * p->kh * p->kw;
        float* yo = y + plane * P;
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
            if (ep) brg_epilogue_span(ep, yr, ep->residual ? ep->residual + plane * P + oy * p->ow : NULL, p->ow, 0, o);
        }
    }
}
