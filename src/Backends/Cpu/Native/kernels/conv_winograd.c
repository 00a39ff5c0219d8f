/*
 * conv_winograd.c — Winograd F(2×2, 3×3) for 3×3 stride-1 undilated ungrouped convs: 2.25× fewer multiplies than direct.
 *   weights (at pack time): U_ξ = G g Gᵀ, 16 matrices [OC × C] packed as GEMM A panels;
 *   input:  V_ξ = Bᵀ d B per 4×4 input tile (stride 2), 16 matrices [C × tiles] written as GEMM B panels;
 *   16 GEMMs M_ξ = U_ξ · V_ξ through the shared GEMM core; output: Y = Aᵀ M A per tile, then the epilogue per row.
 * Tiles of all images are one GEMM column range, so batch helps fill the micro-kernel.
 */
#include "brg_internal.h"
#include "brg_conv.h"
#include <omp.h>

int brg_winograd_applies(const brg_conv2d_params* p) {
    return p->kh == 3 && p->kw == 3 && p->stride_h == 1 && p->stride_w == 1 && p->dil_h == 1 && p->dil_w == 1 &&
           p->groups == 1 && p->c >= 16 && p->oc >= 16 && p->oh >= 2 && p->ow >= 2;
}

static int64_t tiles_h(const brg_conv2d_params* p) { return (p->oh + 1) / 2; }
static int64_t tiles_w(const brg_conv2d_params* p) { return (p->ow + 1) / 2; }
static int64_t tiles(const brg_conv2d_params* p) { return p->n * tiles_h(p) * tiles_w(p); }

size_t brg_winograd_packed_floats(const brg_conv2d_params* p) { return 16 * brg_pack_a_floats(p->oc, p->c); }

void brg_winograd_pack(const brg_conv2d_params* p, const float* w, float* packed) {
    int64_t oc = p->oc, c = p->c;
    float* u = (float*)brg_alloc((size_t)(16 * oc * c));
    for (int64_t o = 0; o < oc; o++)
        for (int64_t ci = 0; ci < c; ci++) {
            const float* g = w + (o * c + ci) * 9;
            float t[4][3], r[4][4];
            for (int j = 0; j < 3; j++) {
                t[0][j] = g[j];
                t[1][j] = 0.5f * (g[j] + g[3 + j] + g[6 + j]);
                t[2][j] = 0.5f * (g[j] - g[3 + j] + g[6 + j]);
                t[3][j] = g[6 + j];
            }
            for (int i = 0; i < 4; i++) {
                r[i][0] = t[i][0];
                r[i][1] = 0.5f * (t[i][0] + t[i][1] + t[i][2]);
                r[i][2] = 0.5f * (t[i][0] - t[i][1] + t[i][2]);
                r[i][3] = t[i][2];
            }
            for (int xi = 0; xi < 16; xi++) u[(xi * oc + o) * c + ci] = r[xi / 4][xi % 4];
        }
    size_t per = brg_pack_a_floats(oc, c);
    for (int xi = 0; xi < 16; xi++) brg_pack_a(oc, c, u + xi * oc * c, c, 0, packed + xi * per);
    free(u);
}

size_t brg_winograd_scratch_floats(const brg_conv2d_params* p) {
    return 16 * brg_gemm_packed_b_floats(p->c, tiles(p)) + (size_t)(16 * p->oc * tiles(p));
}

/* V_ξ for every channel and tile, into 16 packed-B matrices (panel j holds tiles 16j..16j+15). One task per (image,
   channel, tile row): its 4 input rows are copied zero-padded, Bᵀ·d is taken down the columns for the whole row at once
   (vectorised), then ·B across each tile's 4 columns. */
typedef struct {
    const brg_conv2d_params* p;
    const float* x;
    float* v;
} wino_in_ctx;

/* Tasks [t0, t1) of the input transform, with one row buffer per chunk. */
static void input_transform_range(void* vc, int64_t lo, int64_t hi) {
    const wino_in_ctx* cx = (const wino_in_ctx*)vc;
    const brg_conv2d_params* p = cx->p;
    const float* x = cx->x;
    float* v = cx->v;
    int64_t th = tiles_h(p), tw = tiles_w(p), T = tiles(p), c = p->c;
    size_t per = brg_gemm_packed_b_floats(c, T);
    int64_t wp = 2 * tw + 2; /* padded columns [-pad_l, 2·tw + 2 - pad_l) */
    float* buf = (float*)brg_alloc((size_t)(8 * wp));
    float* s = buf + 4 * wp;
    for (int64_t task = lo; task < hi; task++) {
        int64_t ty = task % th, ci = (task / th) % c, n = task / (th * c);
        const float* xc = x + (n * c + ci) * p->h * p->w;
        for (int a = 0; a < 4; a++) {
            float* r = buf + a * wp;
            int64_t iy = 2 * ty - p->pad_t + a;
            if (iy < 0 || iy >= p->h) { memset(r, 0, (size_t)wp * sizeof(float)); continue; }
            const float* xr = xc + iy * p->w;
            for (int64_t j = 0; j < wp; j++) {
                int64_t ix = j - p->pad_l;
                r[j] = ix >= 0 && ix < p->w ? xr[ix] : 0.0f;
            }
        }
        const float *r0 = buf, *r1 = buf + wp, *r2 = buf + 2 * wp, *r3 = buf + 3 * wp;
        float *s0 = s, *s1 = s + wp, *s2 = s + 2 * wp, *s3 = s + 3 * wp;
        for (int64_t j = 0; j < wp; j++) {
            s0[j] = r0[j] - r2[j];
            s1[j] = r1[j] + r2[j];
            s2[j] = r2[j] - r1[j];
            s3[j] = r1[j] - r3[j];
        }
        int64_t t0 = (n * th + ty) * tw;
        for (int64_t tx = 0; tx < tw; tx++) {
            int64_t t = t0 + tx;
            float* dst = v + (t / BRG_NR) * c * BRG_NR + ci * BRG_NR + t % BRG_NR;
            int64_t col = 2 * tx;
            for (int a = 0; a < 4; a++) {
                const float* sa = s + a * wp + col;
                dst[(a * 4 + 0) * per] = sa[0] - sa[2];
                dst[(a * 4 + 1) * per] = sa[1] + sa[2];
                dst[(a * 4 + 2) * per] = sa[2] - sa[1];
                dst[(a * 4 + 3) * per] = sa[1] - sa[3];
            }
        }
    }
    free(buf);
}

static void input_transform(const brg_conv2d_params* p, const float* x, float* v) {
    int64_t th = tiles_h(p), T = tiles(p), c = p->c;
    size_t per = brg_gemm_packed_b_floats(c, T);
    for (int64_t t = T; t < BRG_ROUND_UP(T, BRG_NR); t++)
        for (int64_t ci = 0; ci < c; ci++)
            for (int xi = 0; xi < 16; xi++) v[xi * per + (t / BRG_NR) * c * BRG_NR + ci * BRG_NR + t % BRG_NR] = 0.0f;
    int64_t tasks = p->n * c * th;
    wino_in_ctx cx = { p, x, v };
    brg_parallel_for(tasks, 1, input_transform_range, &cx);
}

typedef struct {
    const brg_conv2d_params* p;
    const float* m;
    float* y;
    const brg_epilogue* ep;
} wino_out_ctx;

/* Output planes [lo, hi): Aᵀ·M·A per tile, then the epilogue. */
static void output_transform_range(void* vc, int64_t lo, int64_t hi) {
    const wino_out_ctx* c = (const wino_out_ctx*)vc;
    const brg_conv2d_params* p = c->p;
    const brg_epilogue* ep = c->ep;
    const float* m = c->m;
    float* y = c->y;
    int64_t T = tiles(p), th = tiles_h(p), tw = tiles_w(p), oc = p->oc, P = p->oh * p->ow;
    int64_t mstride = oc * T;
    for (int64_t plane = lo; plane < hi; plane++) {
        int64_t n = plane / oc, o = plane % oc;
        float* yo = y + plane * P;
        const float* mo = m + o * T + n * th * tw;
        for (int64_t ty = 0; ty < th; ty++) {
            for (int64_t tx = 0; tx < tw; tx++) {
                const float* mt = mo + ty * tw + tx;
                float q[16];
                for (int xi = 0; xi < 16; xi++) q[xi] = mt[xi * mstride];
                float s0[4], s1[4];
                for (int b = 0; b < 4; b++) {
                    s0[b] = q[b] + q[4 + b] + q[8 + b];
                    s1[b] = q[4 + b] - q[8 + b] - q[12 + b];
                }
                float r00 = s0[0] + s0[1] + s0[2], r01 = s0[1] - s0[2] - s0[3];
                float r10 = s1[0] + s1[1] + s1[2], r11 = s1[1] - s1[2] - s1[3];
                int64_t oy = ty * 2, ox = tx * 2;
                float* yr = yo + oy * p->ow + ox;
                yr[0] = r00;
                if (ox + 1 < p->ow) yr[1] = r01;
                if (oy + 1 < p->oh) {
                    yr[p->ow] = r10;
                    if (ox + 1 < p->ow) yr[p->ow + 1] = r11;
                }
            }
        }
        if (ep)
            for (int64_t oy = 0; oy < p->oh; oy++)
                brg_epilogue_span(ep, yo + oy * p->ow, ep->residual ? ep->residual + plane * P + oy * p->ow : NULL, p->ow, 0, o);
    }
}

void brg_conv2d_winograd(const brg_conv2d_params* p, const float* x, const float* packed_w, float* y,
                         const brg_epilogue* ep, float* scratch) {
    int64_t T = tiles(p), oc = p->oc;
    size_t vper = brg_gemm_packed_b_floats(p->c, T), uper = brg_pack_a_floats(oc, p->c);
    float* v = scratch;
    float* m = scratch + 16 * vper;
    input_transform(p, x, v);
    for (int xi = 0; xi < 16; xi++)
        brg_gemm_core(oc, T, p->c, NULL, 0, 0, packed_w + xi * uper, v + xi * vper, m + xi * oc * T, T, NULL, NULL, 0, 0);
    int64_t planes = p->n * oc;
    wino_out_ctx c = { p, m, y, ep };
    brg_parallel_for(planes, 1, output_transform_range, &c);
}
