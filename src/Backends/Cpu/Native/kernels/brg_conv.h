/* brg_conv.h — the conv algorithms' entry points shared between conv.c and the per-algorithm units (internal). */
#ifndef BRG_CONV_H
#define BRG_CONV_H
#include "bridge_cpu.h"

void brg_conv2d_pointwise(const brg_conv2d_params* p, const float* x, const float* packed_w, float* y, const brg_epilogue* ep);
void brg_conv2d_depthwise(const brg_conv2d_params* p, const float* x, const float* w, float* y, const brg_epilogue* ep);

int brg_winograd_applies(const brg_conv2d_params* p);
size_t brg_winograd_packed_floats(const brg_conv2d_params* p);
void brg_winograd_pack(const brg_conv2d_params* p, const float* w, float* packed);
size_t brg_winograd_scratch_floats(const brg_conv2d_params* p);
void brg_conv2d_winograd(const brg_conv2d_params* p, const float* x, const float* packed_w, float* y,
                         const brg_epilogue* ep, float* scratch);
#endif
