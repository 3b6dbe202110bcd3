// CUDA device management: what deepseek.cuda exposes (is_available, device_count,
// set_device, synchronize, ...). Declared only in builds with the CUDA backend
// (DEEPSEEK_WITH_CUDA); everything here is safe to call on a machine without a GPU or
// driver, where is_available() is false and the functions that need a device throw
// RuntimeError("CUDA error: no CUDA-capable device is detected ...").
//
// Devices and memory: deepseek allocates CUDA memory on the *current* device, as PyTorch's
// allocator does under its device guard. A process that uses cuda:N calls set_device(N)
// first (the usual one-process-per-GPU setup); a kernel given a tensor of another device
// than the current one raises RuntimeError rather than touching the wrong GPU.
#pragma once

#include <cstddef>
#include <string>

namespace deepseek::cuda {

// Number of usable devices; 0 when there is no driver or no device (never throws).
int device_count();
bool is_available();
// The CUDA error string that made is_available() false ("" when it is true).
std::string unavailable_reason();
// Throws RuntimeError naming the reason when no device is usable.
void check_available();

int current_device();
// Throws RuntimeError when index is not in [0, device_count()).
void set_device(int index);
// Blocks until all work queued on the current device has finished.
void synchronize();
std::string device_name(int index);

// What torch.cuda.get_device_properties reports. Throws RuntimeError for an invalid index.
struct DeviceProperties {
  std::string name;
  int major = 0;  // compute capability, e.g. 9.0 for Hopper
  int minor = 0;
  size_t total_memory = 0;  // bytes
  int multi_processor_count = 0;
};
DeviceProperties device_properties(int index);

// float32 matmuls on TensorFloat-32 tensor cores (10-bit mantissa inputs). Off by default,
// so float32 results match the CPU backend to float32 rounding, as PyTorch's default since
// 1.12 is.
void set_matmul_allow_tf32(bool allow);
bool matmul_allow_tf32();

}  // namespace deepseek::cuda
