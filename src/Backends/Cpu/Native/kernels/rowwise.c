/* rowwise.c — softmax, log_softmax and layer_norm over the last axis (rows × cols), rows in parallel. */
#include "brg_internal.h"
#include <omp.h>

static float row_max(const float* x, int64_t n) {
    float m = -INFINITY;
    int64_t j = 0;
#ifdef BRG_AVX2
    if (n >= 8) {
        __m256 v = _mm256_set1_ps(-INFINITY);
        for (; j + 8 <= n; j += 8) v = _mm256_max_ps(v, _mm256_loadu_ps(x + j));
        float t[8];
        _mm256_storeu_ps(t, v);
        for (int i = 0; i < 8; i++) m = fmaxf(m, t[i]);
    }
#endif
    for (; j < n; j++) m = fmaxf(m, x[j]);
    return m;
}

/* y[j] = exp(x[j] - m) when store, returns the sum (accumulated in double per 8-lane block for long rows). */
static double exp_sum(const float* x, float* y, int64_t n, float m, int store) {
    double sum = 0.0;
    int64_t j = 0;
#ifdef BRG_AVX2
    __m256 vm = _mm256_set1_ps(m);
    __m256 acc = _mm256_setzero_ps();
    for (; j + 8 <= n; j += 8) {
        __m256 e = brg_exp8(_mm256_sub_ps(_mm256_loadu_ps(x + j), vm));
        if (store) _mm256_storeu_ps(y + j, e);
        acc = _mm256_add_ps(acc, e);
        if ((j & 1023) == 1016) { float t[8]; _mm256_storeu_ps(t, acc); for (int i = 0; i < 8; i++) sum += t[i]; acc = _mm256_setzero_ps(); }
    }
    float t[8];
    _mm256_storeu_ps(t, acc);
    for (int i = 0; i < 8; i++) sum += t[i];
#endif
    for (; j < n; j++) {
        float e = expf(x[j] - m);
        if (store) y[j] = e;
        sum += e;
    }
    return sum;
}

static void scale_row(float* y, int64_t n, float s) {
    for (int64_t j = 0; j < n; j++) y[j] *= s;
}

typedef struct { int64_t cols; const float* x; float* y; const float* gamma; const float* beta; float eps; } rows_job;

static void softmax_rows(void* ctx, int64_t lo, int64_t hi) {
    const rows_job* j = (const rows_job*)ctx;
    int64_t cols = j->cols;
    const float* x = j->x;
    float* y = j->y;
    for (int64_t r = lo; r < hi; r++) {
        const float* xr = x + r * cols;
        float* yr = y + r * cols;
        float m = row_max(xr, cols);
        if (isinf(m) && m < 0) { for (int64_t j = 0; j < cols; j++) yr[j] = NAN; continue; } /* all -inf: 0/0 */
        double s = exp_sum(xr, yr, cols, m, 1);
        scale_row(yr, cols, (float)(1.0 / s));
    }
}

void brg_softmax(int64_t rows, int64_t cols, const float* x, float* y) {
    rows_job j = { cols, x, y, NULL, NULL, 0.0f };
    brg_parallel_for(rows, BRG_MAX(1, 16384 / BRG_MAX(1, cols)), softmax_rows, &j);
}

static void log_softmax_rows(void* ctx, int64_t lo, int64_t hi) {
    const rows_job* j = (const rows_job*)ctx;
    int64_t cols = j->cols;
    const float* x = j->x;
    float* y = j->y;
    for (int64_t r = lo; r < hi; r++) {
        const float* xr = x + r * cols;
        float* yr = y + r * cols;
        float m = row_max(xr, cols);
        if (isinf(m) && m < 0) { for (int64_t j = 0; j < cols; j++) yr[j] = NAN; continue; }
        float lse = m + (float)log(exp_sum(xr, yr, cols, m, 0));
        for (int64_t k = 0; k < cols; k++) yr[k] = xr[k] - lse;
    }
}

void brg_log_softmax(int64_t rows, int64_t cols, const float* x, float* y) {
    rows_job j = { cols, x, y, NULL, NULL, 0.0f };
    brg_parallel_for(rows, BRG_MAX(1, 16384 / BRG_MAX(1, cols)), log_softmax_rows, &j);
}

static void layer_norm_rows(void* ctx, int64_t lo, int64_t hi) {
    const rows_job* jb = (const rows_job*)ctx;
    int64_t cols = jb->cols;
    const float* x = jb->x;
    float* y = jb->y;
    const float* gamma = jb->gamma;
    const float* beta = jb->beta;
    float eps = jb->eps;
    for (int64_t r = lo; r < hi; r++) {
        const float* xr = x + r * cols;
        float* yr = y + r * cols;
        /* Two passes (mean, then centred variance), float lanes summed into double per row: no cancellation. */
        double s = 0.0;
        float acc[8] = {0};
        int64_t j = 0;
        for (; j + 8 <= cols; j += 8)
            for (int i = 0; i < 8; i++) acc[i] += xr[j + i];
        for (int i = 0; i < 8; i++) s += acc[i];
        for (; j < cols; j++) s += xr[j];
        float mean = (float)(s / (double)cols);
        double v = 0.0;
        float vacc[8] = {0};
        for (j = 0; j + 8 <= cols; j += 8)
            for (int i = 0; i < 8; i++) { float d = xr[j + i] - mean; vacc[i] += d * d; }
        for (int i = 0; i < 8; i++) v += vacc[i];
        for (; j < cols; j++) { float d = xr[j] - mean; v += (double)d * d; }
        float inv = (float)(1.0 / sqrt(v / (double)cols + (double)eps));
        for (j = 0; j < cols; j++) {
            float o = (xr[j] - mean) * inv;
            if (gamma) o *= gamma[j];
            if (beta) o += beta[j];
            yr[j] = o;
        }
    }
}

void brg_layer_norm(int64_t rows, int64_t cols, const float* x, const float* gamma, const float* beta, float eps, float* y) {
    rows_job j = { cols, x, y, gamma, beta, eps };
    brg_parallel_for(rows, BRG_MAX(1, 16384 / BRG_MAX(1, cols)), layer_norm_rows, &j);
}
