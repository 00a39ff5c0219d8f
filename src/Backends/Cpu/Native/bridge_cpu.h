/*
 * bridge_cpu.h — the ABI between Bridge's generated C code (one function per fused group) and its hand-written CPU
 * kernel library (src/Backends/Cpu/Native/kernels/*.c). All tensors are fp32, dense, row-major; activations are NCHW at
 * this boundary (a kernel may block internally, e.g. NCHW[x]c in its packed weights and scratch). Shapes are int64_t so
 * symbolic extents pass through as run-time arguments. Threads: OpenMP; brg_set_num_threads sets the pool size.
 *
 * Epilogue order (fused into GEMM/conv output tiles): out = act(acc * scale[c] + bias[c] + residual[i]), where c is the
 * output column (GEMM) or output channel (conv), any of scale/bias/residual may be NULL, and residual has the output's
 * layout (ldc for GEMM). act is one of BRG_ACT_*; CLIP uses clip_lo/clip_hi.
 */
#ifndef BRIDGE_CPU_H
#define BRIDGE_CPU_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum brg_act {
    BRG_ACT_NONE = 0,
    BRG_ACT_RELU = 1,
    BRG_ACT_CLIP = 2,      /* min(max(x, clip_lo), clip_hi): relu6, hardtanh */
    BRG_ACT_SIGMOID = 3,
    BRG_ACT_SILU = 4,      /* x * sigmoid(x) */
    BRG_ACT_GELU_ERF = 5,  /* 0.5 x (1 + erf(x / sqrt 2)) */
    BRG_ACT_GELU_TANH = 6,
    BRG_ACT_TANH = 7,
};

typedef struct brg_epilogue {
    const float* scale;     /* per output channel/column, or NULL */
    const float* bias;      /* per output channel/column, or NULL */
    const float* residual;  /* same layout as the output, or NULL */
    int32_t act;            /* enum brg_act */
    float clip_lo, clip_hi;
} brg_epilogue;

/* ---- threads ---- */
/* Process-wide (not per calling thread): every kernel's parallel region uses it; generated parallel loops should say
   num_threads(brg_get_num_threads()). */
void brg_set_num_threads(int32_t n);
int32_t brg_get_num_threads(void);
/* The pool (threads.c): runs fn(ctx, lo, hi) over disjoint chunks covering [0, n), at least grain items each, on the
   calling thread and up to brg_get_num_threads() - 1 workers; returns when all ran. Nested or concurrent calls (and calls
   from inside an OpenMP region) run inline. Generated loops and the GEMM/row-wise/pooling kernels use it. */
typedef void (*brg_range_fn)(void* ctx, int64_t lo, int64_t hi);
void brg_parallel_for(int64_t n, int64_t grain, brg_range_fn fn, void* ctx);

/* ---- GEMM: C[M,N] = A[M,K] · B[K,N] (B transposed in memory when trans_b: B is [N,K]) ---- */
/* Weight pre-packing at compile/load time: packed B panels for the micro-kernel. */
size_t brg_gemm_packed_b_floats(int64_t K, int64_t N);
void brg_gemm_pack_b(int64_t K, int64_t N, const float* B, int64_t ldb, int32_t trans_b, float* packed);
void brg_gemm_packed(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* packed_b,
                     float* C, int64_t ldc, const brg_epilogue* ep);
/* B known only at run time (attention scores, batch matmul): packs internally. ep may be NULL. */
void brg_gemm(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B, int64_t ldb,
              int32_t trans_b, float* C, int64_t ldc, const brg_epilogue* ep);
/* Batched: batch independent products with element strides between consecutive A, B, C (stride 0 broadcasts). */
void brg_gemm_batched(int64_t batch, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, int64_t stride_a,
                      const float* B, int64_t ldb, int64_t stride_b, int32_t trans_b, float* C, int64_t ldc,
                      int64_t stride_c);

/* ---- 2-D convolution, NCHW input [N,C,H,W], OIHW weight [OC, C/groups, KH, KW], NCHW output [N,OC,OH,OW] ---- */
typedef struct brg_conv2d_params {
    int64_t n, c, h, w;          /* input */
    int64_t oc, kh, kw;          /* output channels, kernel window */
    int64_t stride_h, stride_w;
    int64_t pad_t, pad_l, pad_b, pad_r;
    int64_t dil_h, dil_w;
    int64_t groups;
    int64_t oh, ow;              /* output spatial size (caller computes it) */
} brg_conv2d_params;

/* The kernel picks its algorithm (direct blocked, im2col+GEMM, depthwise, Winograd F(2,3)/F(4,3)) from p alone; the
   packed weight layout is private to that choice. Scratch is caller-provided (static memory planning). */
size_t brg_conv2d_packed_w_floats(const brg_conv2d_params* p);
void brg_conv2d_pack_w(const brg_conv2d_params* p, const float* w, float* packed);
size_t brg_conv2d_scratch_floats(const brg_conv2d_params* p);
void brg_conv2d(const brg_conv2d_params* p, const float* x, const float* packed_w, float* y, const brg_epilogue* ep,
                float* scratch);
/* The algorithm brg_conv2d chooses for p, as a short name ("pointwise", "1x1", "im2col", "depthwise", "winograd"): for reports. */
const char* brg_conv2d_algorithm(const brg_conv2d_params* p);
/* Benchmarks and tests only (process-global, not thread-safe): makes brg_conv2d and its packing/scratch functions use the
   named algorithm ("im2col", "1x1", "pointwise", "depthwise", "winograd") wherever its geometry allows, "" or NULL restores the
   automatic choice; returns 0 for an unknown name. Pack, size and run under the same setting. */
int32_t brg_conv2d_force_algorithm(const char* name);

/* ---- pooling, NCHW ---- */
typedef struct brg_pool2d_params {
    int64_t n, c, h, w;
    int64_t kh, kw, stride_h, stride_w, pad_t, pad_l, pad_b, pad_r, dil_h, dil_w;
    int64_t oh, ow;
    int32_t count_include_pad;   /* average pooling only */
} brg_pool2d_params;
void brg_max_pool2d(const brg_pool2d_params* p, const float* x, float* y);
void brg_avg_pool2d(const brg_pool2d_params* p, const float* x, float* y);
void brg_global_avg_pool2d(int64_t n, int64_t c, int64_t hw, const float* x, float* y);

/* ---- row-wise ops over the last axis: rows × cols ---- */
void brg_softmax(int64_t rows, int64_t cols, const float* x, float* y);
void brg_log_softmax(int64_t rows, int64_t cols, const float* x, float* y);
/* gamma/beta may be NULL (1 / 0). */
void brg_layer_norm(int64_t rows, int64_t cols, const float* x, const float* gamma, const float* beta, float eps,
                    float* y);

/* ---- vector math used by generated elementwise loops (scalar semantics, vectorised by the kernels) ---- */
void brg_vexp(int64_t n, const float* x, float* y);
void brg_vtanh(int64_t n, const float* x, float* y);
void brg_verf(int64_t n, const float* x, float* y);

/* ---- measurement helpers for `bridge bench --kernels` (added by cpu-kernels; generated code does not call them) ---- */
/* CPU seconds consumed by the calling thread (CLOCK_THREAD_CPUTIME_ID). */
double brg_thread_cpu_seconds(void);
/* Thread CPU seconds for iters × 4 dependent 8-lane FMAs: clock ≈ 4·iters·latency / seconds (latency 4 on Zen 2–4). */
double brg_fma_chain_seconds(int64_t iters);
/* GFLOP/s of 12 independent FMA chains on the calling thread (the core's reachable fp32 FMA throughput). */
double brg_fma_throughput_gflops(int64_t iters);

#ifdef __cplusplus
}
#endif
#endif
