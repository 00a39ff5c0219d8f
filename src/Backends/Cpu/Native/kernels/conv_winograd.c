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

/* V_ξ for every channel and tile, into 16 packed-B matrices (panel j holds tiles 16j..16j+15). */
static void input_transform(const brg_conv2d_params* p, const float* x, float* v) {
    int64_t th = tiles_h(p), tw = tiles_w(p), T = tiles(p), c = p->c;
    size_t per = brg_gemm_packed_b_floats(c, T);
    int64_t npanels = (T + BRG_NR - 1) / BRG_NR;
#pragma omp parallel for collapse(2) schedule(static) if (!omp_in_parallel())
    for (int64_t jp = 0; jp < npanels; jp++)
        for (int64_t ci = 0; ci < c; ci++) {
            float* dst = v + jp * c * BRG_NR + ci * BRG_NR;
            for (int64_t j = 0; j < BRG_NR; j++) {
                int64_t t = jp * BRG_NR + j;
                float d[4][4];
                if (t >= T) {
                    for (int xi = 0; xi < 16; xi++) dst[xi * per + j] = 0.0f;
                    continue;
                }
                int64_t n = t / (th * tw), r = t % (th * tw);
                int64_t iy0 = (r / tw) * 2 - p->pad_t, ix0 = (r % tw) * 2 - p->pad_l;
                const float* xc = x + (n * c + ci) * p->h * p->w;
                if (iy0 >= 0 && ix0 >= 0 && iy0 + 4 <= p->h && ix0 + 4 <= p->w) {
                    for (int a = 0; a < 4; a++)
                        for (int b = 0; b < 4; b++) d[a][b] = xc[(iy0 + a) * p->w + ix0 + b];
                } else {
                    for (int a = 0; a < 4; a++)
                        for (int b = 0; b < 4; b++) {
                            int64_t iy = iy0 + a, ix = ix0 + b;
                            d[a][b] = iy >= 0 && iy < p->h && ix >= 0 && ix < p->w ? xc[iy * p->w + ix] : 0.0f;
                        }
                }
                float s[4][4];
                for (int b = 0; b < 4; b++) {
                    s[0][b] = d[0][b] - d[2][b];
                    s[1][b] = d[1][b] + d[2][b];
                    s[2][b] = d[2][b] - d[1][b];
                    s[3][b] = d[1][b] - d[3][b];
                }
                for (int a = 0; a < 4; a++) {
                    dst[(a * 4 + 0) * per + j] = s[a][0] - s[a][2];
                    dst[(a * 4 + 1) * per + j] = s[a][1] + s[a][2];
                    dst[(a * 4 + 2) * per + j] = s[a][2] - s[a][1];
                    dst[(a * 4 + 3) * per + j] = s[a][1] - s[a][3];
                }
            }
        }
}

void brg_conv2d_winograd(const brg_conv2d_params* p, const float* x, const float* packed_w, float* y,
                         const brg_epilogue* ep, float* scratch) {
    int64_t T = tiles(p), th = tiles_h(p), tw = tiles_w(p), oc = p->oc, P = p->oh * p->ow;
    size_t vper = brg_gemm_packed_b_floats(p->c, T), uper = brg_pack_a_floats(oc, p->c);
    float* v = scratch;
    float* m = scratch + 16 * vper;
    input_transform(p, x, v);
    for (int xi = 0; xi < 16; xi++)
        brg_gemm_core(oc, T, p->c, NULL, 0, 0, packed_w + xi * uper, v + xi * vper, m + xi * oc * T, T, NULL, NULL, 0, 0);
    int64_t planes = p->n * oc;
    int64_t mstride = oc * T;
#pragma omp parallel for schedule(static) if (!omp_in_parallel())
    for (int64_t plane = 0; plane < planes; plane++) {
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
