// RUN: seqc-opt %s --seq-cuda-gather-kernels="archs=sm_80,sm_90" | FileCheck %s

// Outlining's modules, one kernel each, become one module with a target
// per architecture; the launches follow the kernels.
// CHECK: gpu.launch_func @seqc_kernels::@first_kernel
// CHECK: gpu.launch_func @seqc_kernels::@second_kernel
// CHECK-NOT: gpu.module @first_kernel
// CHECK: gpu.module @seqc_kernels [#nvvm.target<O = 3, chip = "sm_80">, #nvvm.target<O = 3, chip = "sm_90">] {
// CHECK: gpu.func @first_kernel
// CHECK: gpu.func @second_kernel
module attributes {gpu.container_module} {
  func.func @main(%m: memref<4xf32>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @first_kernel::@first_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%m : memref<4xf32>)
    gpu.launch_func @second_kernel::@second_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%m : memref<4xf32>)
    return
  }
  gpu.module @first_kernel {
    gpu.func @first_kernel(%m: memref<4xf32>) kernel {
      gpu.return
    }
  }
  gpu.module @second_kernel {
    gpu.func @second_kernel(%m: memref<4xf32>) kernel {
      gpu.return
    }
  }
}
