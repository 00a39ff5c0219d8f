/* pool.c — max/avg 2-D pooling (NCHW, any window/stride/pad/dilation) and global average pooling; planes in parallel.
   Interior output columns (whole window inside the row) skip the bounds tests; borders take the general path. */
#include "brg_internal.h"
#include <omp.h>

/* Output columns [ox_lo, ox_hi) read only in-bounds input columns. */
static void interior_cols(const brg_pool2d_params* p, int64_t* lo, int64_t* hi) {
    int64_t a = (p->pad_l + p->stride_w - 1) / p->stride_w;
    int64_t span = p->dil_w * (p->kw - 1);
    int64_t b = p->w - 1 - span + p->pad_l; /* last ox with ox*s - pad_l + span <= w - 1 */
    b = b < 0 ? -1 : b / p->stride_w;
    *lo = BRG_MIN(a, p->ow);
    *hi = BRG_MAX(*lo, BRG_MIN(b + 1, p->ow));
}

static void pool_plane(const brg_pool2d_params* p, const float* x, float* y, int is_max) {
    int64_t lo, hi;
    interior_cols(p, &lo, &hi);
    for (int64_t oy = 0; oy < p->oh; oy++) {
        int64_t y0 = oy * p->stride_h - p->pad_t;
        /* Valid kernel rows and, for count_include_pad, the window rows clipped to the padded extent. */
        int64_t ky0 = 0, ky1 = p->kh;
        while (ky0 < ky1 && y0 + ky0 * p->dil_h < 0) ky0++;
        while (ky1 > ky0 && y0 + (ky1 - 1) * p->dil_h >= p->h) ky1--;
        int64_t rows_pad = 0;
        for (int64_t ky = 0; ky < p->kh; ky++) { int64_t iy = y0 + ky * p->dil_h; if (iy < p->h + p->pad_b) rows_pad++; }
        float* yr = y + oy * p->ow;
        for (int64_t ox = 0; ox < p->ow; ox++) {
            int64_t x0 = ox * p->stride_w - p->pad_l;
            int interior = ox >= lo && ox < hi;
            float m = -INFINITY;
            float s = 0.0f;
            int64_t cnt = 0, cols_pad = 0;
            for (int64_t kx = 0; kx < p->kw; kx++) { int64_t ix = x0 + kx * p->dil_w; if (ix < p->w + p->pad_r) cols_pad++; }
            for (int64_t ky = ky0; ky < ky1; ky++) {
                const float* xr = x + (y0 + ky * p->dil_h) * p->w;
                if (interior) {
                    for (int64_t kx = 0; kx < p->kw; kx++) {
                        float v = xr[x0 + kx * p->dil_w];
                        if (is_max) m = (v > m || isnan(v)) ? v : m; else s += v;
                    }
                    cnt += p->kw;
                } else {
                    for (int64_t kx = 0; kx < p->kw; kx++) {
                        int64_t ix = x0 + kx * p->dil_w;
                        if (ix < 0 || ix >= p->w) continue;
                        float v = xr[ix];
                        if (is_max) m = (v > m || isnan(v)) ? v : m; else s += v;
                        cnt++;
                    }
                }
            }
            if (is_max) yr[ox] = m;
            else {
                int64_t d = p->count_include_pad ? rows_pad * cols_pad : cnt;
                yr[ox] = d > 0 ? s / (float)d : 0.0f;
            }
        }
    }
}

typedef struct { const brg_pool2d_params* p; const float* x; float* y; int is_max; } pool_job;

static void pool_planes(void* ctx, int64_t lo, int64_t hi) {
    const pool_job* j = (const pool_job*)ctx;
    int64_t in = j->p->h * j->p->w, out = j->p->oh * j->p->ow;
    for (int64_t i = lo; i < hi; i++) pool_plane(j->p, j->x + i * in, j->y + i * out, j->is_max);
}

static void pool2d(const brg_pool2d_params* p, const float* x, float* y, int is_max) {
    pool_job j = { p, x, y, is_max };
    int64_t per_plane = BRG_MAX(1, p->oh * p->ow * p->kh * p->kw);
    brg_parallel_for(p->n * p->c, BRG_MAX(1, 65536 / per_plane), pool_planes, &j);
}

void brg_max_pool2d(const brg_pool2d_params* p, const float* x, float* y) { pool2d(p, x, y, 1); }

void brg_avg_pool2d(const brg_pool2d_params* p, const float* x, float* y) { pool2d(p, x, y, 0); }

typedef struct { int64_t hw; const float* x; float* y; } gap_job;

static void gap_planes(void* ctx, int64_t lo, int64_t hi) {
    const gap_job* j = (const gap_job*)ctx;
    int64_t hw = j->hw;
    for (int64_t i = lo; i < hi; i++) {
        const float* xi = j->x + i * hw;
        float acc[8] = {0};
        int64_t k = 0;
        for (; k + 8 <= hw; k += 8)
            for (int l = 0; l < 8; l++) acc[l] += xi[k + l];
        double s = 0.0;
        for (int l = 0; l < 8; l++) s += acc[l];
        for (; k < hw; k++) s += xi[k];
        j->y[i] = hw > 0 ? (float)(s / (double)hw) : 0.0f;
    }
}

void brg_global_avg_pool2d(int64_t n, int64_t c, int64_t hw, const float* x, float* y) {
    gap_job j = { hw, x, y };
    brg_parallel_for(n * c, BRG_MAX(1, 65536 / BRG_MAX(1, hw)), gap_planes, &j);
}
