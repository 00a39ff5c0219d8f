/*
 * bridge_model.h — the C ABI of a model compiled by `bridge compile MODEL --target cpu -o model.so` (docs/cpu-backend.md).
 * One shared library = one model: its generated code, its weights (embedded) and the kernel library. Tensors are dense,
 * row-major; set_input copies the caller's data. Symbolic dims (e.g. a batch) are bound from the input shapes at each run.
 * Every int32_t-returning call returns 0 on success and non-zero on error, with the reason in brg_model_error.
 */
#ifndef BRIDGE_MODEL_H
#define BRIDGE_MODEL_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct brg_model brg_model;

brg_model* brg_model_create(void);                      /* NULL when out of memory */
void brg_model_free(brg_model* m);
const char* brg_model_error(const brg_model* m);        /* the last error, "" if none */

int32_t brg_model_num_inputs(void);
int32_t brg_model_num_outputs(void);
const char* brg_model_input_name(int32_t i);
const char* brg_model_input_dtype(int32_t i);           /* TVM spelling: "float32", "int64", ... */
int32_t brg_model_input_ndim(int32_t i);
int64_t brg_model_input_dim(int32_t i, int32_t axis);   /* -1 for a symbolic dim */
const char* brg_model_output_name(int32_t i);
const char* brg_model_output_dtype(int32_t i);
/* The ops without native code, comma-separated ("" when none): such a model runs only inside bridge (reference kernels). */
const char* brg_model_fallback_ops(void);

int32_t brg_model_set_input(brg_model* m, int32_t i, const void* data, const int64_t* shape, int32_t ndim);
int32_t brg_model_run(brg_model* m);
/* data stays valid until the next run or free; shape must hold 8 dims */
int32_t brg_model_get_output(brg_model* m, int32_t i, const void** data, int64_t* shape, int32_t* ndim);
void brg_model_set_num_threads(int32_t n);

/* Used by the bridge runtime only: the callback that runs a fallback group with the reference kernels. */
typedef int32_t (*brg_fallback_fn)(void* user, brg_model* m, int32_t group);
void brg_model_set_fallback(brg_model* m, brg_fallback_fn fn, void* user);
void* brg_model_buffer(brg_model* m, int32_t buffer);
const int64_t* brg_model_dims(brg_model* m);

#ifdef __cplusplus
}
#endif
#endif
