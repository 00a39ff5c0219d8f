/* threads.c — the kernel library's thread pool (brg_parallel_for) and the process-wide thread count.

   Why not OpenMP for everything: an OpenMP parallel region ends in a barrier that waits for every thread of the team,
   including one the OS has not yet scheduled. On a loaded 2-core host that turns each of a model's ~100 parallel loops
   into a wait for a time slice (2-thread medians 3-10x the 1-thread time). Here the calling thread claims chunks too, and
   it waits only for chunks another thread has actually claimed: a worker that never woke up costs nothing (the design of
   ONNX Runtime's and Eigen's pools).

   Workers spin ~50 us after a job (pausing, then yielding the core) and then sleep on a futex. The conv kernels still use
   OpenMP; its workers spin 300000 pauses (milliseconds) after each region by default, holding the core our pool needs,
   so the runtime sets GOMP_SPINCOUNT=1000 before it first loads a model library unless the user set OMP_WAIT_POLICY or
   GOMP_SPINCOUNT (ThreadEnvironment.cs).

   One job at a time per library: a caller that finds the pool busy (a nested call from a chunk, another host thread, a
   call from inside an OpenMP region) runs its loop inline. Workers spin briefly after a job (back-to-back loops of one
   model run), then sleep on a futex. The size is process-wide (brg_set_num_threads): a .NET host calls from whichever
   thread runs the model. */
#include "brg_internal.h"
#include <linux/futex.h>
#include <omp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BRG_MAX_THREADS 64

static volatile int32_t s_threads = 0;

/* The job word packs the generation (high 32 bits) and the next chunk to claim (low 32 bits); claims are CAS on it, so a
   late worker can never claim a chunk of a later job with an earlier job's fields. LOCKED marks a job being written. */
#define JOB_LOCKED 0xffffffffu

static struct {
    uint64_t word;              /* gen << 32 | next chunk */
    brg_range_fn fn;
    void* ctx;
    int64_t n, chunk;
    uint32_t total;             /* chunks */
    uint32_t helpers;           /* workers allowed to take part (threads - 1) */
    uint32_t done;              /* completed chunks */
    int32_t busy;               /* a caller owns the pool */
    uint32_t wake_seq;          /* futex word */
    int32_t sleepers;
    int32_t workers;            /* started worker threads */
    pthread_mutex_t start_lock;
} s_pool = { .start_lock = PTHREAD_MUTEX_INITIALIZER };

static __thread int t_in_task = 0;

static void futex_wait(uint32_t* addr, uint32_t val) { syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0); }
static void futex_wake_all(uint32_t* addr) { syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0); }

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Claims and runs chunks of the job of generation gen; returns when none is left (or the job changed). */
static void run_chunks(uint32_t gen, int is_worker) {
    for (;;) {
        uint64_t w = __atomic_load_n(&s_pool.word, __ATOMIC_ACQUIRE);
        uint32_t g = (uint32_t)(w >> 32), idx = (uint32_t)w;
        if (g != gen || idx == JOB_LOCKED) return;
        brg_range_fn fn = __atomic_load_n(&s_pool.fn, __ATOMIC_RELAXED);
        void* ctx = __atomic_load_n(&s_pool.ctx, __ATOMIC_RELAXED);
        int64_t n = __atomic_load_n(&s_pool.n, __ATOMIC_RELAXED), chunk = __atomic_load_n(&s_pool.chunk, __ATOMIC_RELAXED);
        uint32_t total = __atomic_load_n(&s_pool.total, __ATOMIC_RELAXED);
        if (idx >= total) return;
        if (!__atomic_compare_exchange_n(&s_pool.word, &w, w + 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) continue;
        int64_t lo = (int64_t)idx * chunk, hi = BRG_MIN(n, lo + chunk);
        if (is_worker) t_in_task = 1;
        fn(ctx, lo, hi);
        if (is_worker) t_in_task = 0;
        __atomic_fetch_add(&s_pool.done, 1, __ATOMIC_RELEASE);
    }
}

static void* worker_main(void* arg) {
    uint32_t id = (uint32_t)(intptr_t)arg;
    uint32_t seen = (uint32_t)(__atomic_load_n(&s_pool.word, __ATOMIC_ACQUIRE) >> 32);
    for (;;) {
        /* Spin ~50 us for the next job (the loops of one run follow each other closely), then sleep. */
        double t0 = 0.0;
        uint64_t w;
        for (int spins = 0;; spins++) {
            w = __atomic_load_n(&s_pool.word, __ATOMIC_ACQUIRE);
            if ((uint32_t)(w >> 32) != seen && (uint32_t)w != JOB_LOCKED) break;
            /* pause first; then yield, so a runnable thread waiting for this core (an OpenMP conv worker, another
               process) gets it at once instead of at the end of our time slice */
            if (spins < 1024) cpu_relax();
            else sched_yield();
            if ((spins & 255) == 255) {
                double t = now_s();
                if (t0 == 0.0) t0 = t;
                else if (t - t0 > 50e-6) {
                    __atomic_fetch_add(&s_pool.sleepers, 1, __ATOMIC_SEQ_CST);
                    uint32_t seq = __atomic_load_n(&s_pool.wake_seq, __ATOMIC_SEQ_CST);
                    uint64_t w2 = __atomic_load_n(&s_pool.word, __ATOMIC_SEQ_CST);
                    if ((uint32_t)(w2 >> 32) == seen || (uint32_t)w2 == JOB_LOCKED) futex_wait(&s_pool.wake_seq, seq);
                    __atomic_fetch_sub(&s_pool.sleepers, 1, __ATOMIC_SEQ_CST);
                    t0 = 0.0;
                }
            }
        }
        seen = (uint32_t)(w >> 32);
        if (id < __atomic_load_n(&s_pool.helpers, __ATOMIC_RELAXED)) run_chunks(seen, 1);
    }
    return NULL;
}

/* Starts workers up to want (never stops any: extra ones sleep). */
static int ensure_workers(int32_t want) {
    if (__atomic_load_n(&s_pool.workers, __ATOMIC_ACQUIRE) >= want) return want;
    pthread_mutex_lock(&s_pool.start_lock);
    while (s_pool.workers < want) {
        pthread_t t;
        pthread_attr_t a;
        pthread_attr_init(&a);
        pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&t, &a, worker_main, (void*)(intptr_t)s_pool.workers);
        pthread_attr_destroy(&a);
        if (rc != 0) break;
        __atomic_store_n(&s_pool.workers, s_pool.workers + 1, __ATOMIC_RELEASE);
    }
    int32_t have = s_pool.workers;
    pthread_mutex_unlock(&s_pool.start_lock);
    return BRG_MIN(have, want);
}

void brg_parallel_for(int64_t n, int64_t grain, brg_range_fn fn, void* ctx) {
    if (n <= 0) return;
    if (grain < 1) grain = 1;
    int32_t nt = brg_nt();
    if (nt > BRG_MAX_THREADS) nt = BRG_MAX_THREADS;
    if (nt <= 1 || n <= grain || t_in_task || omp_in_parallel() ||
        __atomic_exchange_n(&s_pool.busy, 1, __ATOMIC_ACQUIRE)) {
        fn(ctx, 0, n);
        return;
    }
    int32_t helpers = ensure_workers(nt - 1);
    /* About four chunks per thread (balance when a thread loses its core), never smaller than the grain. */
    int64_t chunk = BRG_MAX(grain, (n + 4 * (int64_t)nt - 1) / (4 * (int64_t)nt));
    int64_t total = (n + chunk - 1) / chunk;
    if (total > 0x7fffffffLL) { chunk = (n + 0x7ffffffeLL) / 0x7fffffffLL; total = (n + chunk - 1) / chunk; }
    if (helpers <= 0 || total <= 1) {
        __atomic_store_n(&s_pool.busy, 0, __ATOMIC_RELEASE);
        fn(ctx, 0, n);
        return;
    }
    uint32_t gen = (uint32_t)(__atomic_load_n(&s_pool.word, __ATOMIC_RELAXED) >> 32) + 1;
    __atomic_store_n(&s_pool.word, (uint64_t)gen << 32 | JOB_LOCKED, __ATOMIC_SEQ_CST);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    __atomic_store_n(&s_pool.fn, fn, __ATOMIC_RELAXED);
    __atomic_store_n(&s_pool.ctx, ctx, __ATOMIC_RELAXED);
    __atomic_store_n(&s_pool.n, n, __ATOMIC_RELAXED);
    __atomic_store_n(&s_pool.chunk, chunk, __ATOMIC_RELAXED);
    __atomic_store_n(&s_pool.total, (uint32_t)total, __ATOMIC_RELAXED);
    __atomic_store_n(&s_pool.helpers, (uint32_t)helpers, __ATOMIC_RELAXED);
    __atomic_store_n(&s_pool.done, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&s_pool.word, (uint64_t)gen << 32, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&s_pool.sleepers, __ATOMIC_SEQ_CST) > 0) {
        __atomic_fetch_add(&s_pool.wake_seq, 1, __ATOMIC_SEQ_CST);
        futex_wake_all(&s_pool.wake_seq);
    }
    t_in_task = 1;
    run_chunks(gen, 0);
    t_in_task = 0;
    /* Wait only for chunks other threads claimed and are still running. */
    for (int spins = 0; __atomic_load_n(&s_pool.done, __ATOMIC_ACQUIRE) < (uint32_t)total; spins++) {
        if (spins < 4096) cpu_relax();
        else sched_yield();
    }
    __atomic_store_n(&s_pool.busy, 0, __ATOMIC_RELEASE);
}

void brg_set_num_threads(int32_t n) {
    if (n <= 0) return;
    s_threads = n;
    omp_set_num_threads(n);
}

int32_t brg_nt(void) { return s_threads > 0 ? s_threads : (int32_t)omp_get_max_threads(); }

int32_t brg_get_num_threads(void) { return brg_nt(); }
