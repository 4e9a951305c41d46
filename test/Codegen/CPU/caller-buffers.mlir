// RUN: seqc-opt %s --seq-cpu-caller-buffers | FileCheck %s

// Each result that is a fresh allocation is allocated through
// seqc_result_buffer(word, bytes): `word` is its descriptor's first word in
// the entry's results (the first result, rank 3, takes 3 + 2·3 = 9 words,
// so the second starts at 9), `bytes` its size; the buffer is viewed with
// the allocation's type; a reshape of an allocation (same start, same
// bytes) too, at its result's word (44: after 9 + 11 + 9 + 3·5). An input
// returned as it is, a view of an allocation and an allocation returned
// twice stay as they were (the runtime copies those into a caller's
// buffer).
// CHECK: func.func private @seqc_result_buffer(index, index) -> memref<?xi8>
// CHECK-LABEL: func.func @main
// CHECK: %[[B:.*]] = memref.dim %arg0, %c0
// CHECK: %[[T:.*]] = memref.dim %arg0, %c1
// CHECK: %[[C4:.*]] = arith.constant 4 : index
// CHECK: %[[B0:.*]] = arith.muli %[[C4]], %[[B]]
// CHECK: %[[B1:.*]] = arith.muli %[[B0]], %[[T]]
// CHECK: %[[B2:.*]] = arith.muli %[[B1]], %{{.*}}
// CHECK: %[[W0:.*]] = arith.constant 0 : index
// CHECK: %[[RAW:.*]] = call @seqc_result_buffer(%[[W0]], %[[B2]]) : (index, index) -> memref<?xi8>
// CHECK: %[[O:.*]] = memref.view %[[RAW]][%{{.*}}][%[[B]], %[[T]]] : memref<?xi8> to memref<?x?x16xf32>
// CHECK: %[[W9:.*]] = arith.constant 9 : index
// CHECK: %[[RAW2:.*]] = call @seqc_result_buffer(%[[W9]], %{{.*}})
// CHECK: %[[S:.*]] = memref.view %[[RAW2]][%{{.*}}][%[[B]]] : memref<?xi8> to memref<?x2x8x8xf32>
// CHECK: %[[TWICE:.*]] = memref.alloc() : memref<4xf32>
// CHECK: %[[WHOLE:.*]] = memref.alloc() : memref<8xf32>
// CHECK: %[[HALF:.*]] = memref.subview %[[WHOLE]]
// CHECK: %[[W44:.*]] = arith.constant 44 : index
// CHECK: %[[RAW3:.*]] = call @seqc_result_buffer(%[[W44]], %{{.*}})
// CHECK: %[[FLAT:.*]] = memref.view %[[RAW3]][%{{.*}}][] : memref<?xi8> to memref<6xf32>
// CHECK: %[[SHAPED:.*]] = memref.expand_shape %[[FLAT]]
// CHECK: return %[[O]], %[[S]], %arg0, %[[TWICE]], %[[TWICE]], %[[HALF]], %[[SHAPED]]
func.func @main(%x: memref<?x?x16xf32>) -> (memref<?x?x16xf32>, memref<?x2x8x8xf32>, memref<?x?x16xf32>, memref<4xf32>, memref<4xf32>, memref<4xf32, strided<[1], offset: 2>>, memref<2x3xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = memref.dim %x, %c0 : memref<?x?x16xf32>
  %t = memref.dim %x, %c1 : memref<?x?x16xf32>
  %o = memref.alloc(%b, %t) : memref<?x?x16xf32>
  %s = memref.alloc(%b) : memref<?x2x8x8xf32>
  %twice = memref.alloc() : memref<4xf32>
  %whole = memref.alloc() : memref<8xf32>
  %half = memref.subview %whole[2] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1], offset: 2>>
  %flat = memref.alloc() : memref<6xf32>
  %shaped = memref.expand_shape %flat [[0, 1]] output_shape [2, 3] : memref<6xf32> into memref<2x3xf32>
  return %o, %s, %x, %twice, %twice, %half, %shaped : memref<?x?x16xf32>, memref<?x2x8x8xf32>, memref<?x?x16xf32>, memref<4xf32>, memref<4xf32>, memref<4xf32, strided<[1], offset: 2>>, memref<2x3xf32>
}
