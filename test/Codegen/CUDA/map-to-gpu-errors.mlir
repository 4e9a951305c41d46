// RUN: seqc-opt %s --split-input-file --verify-diagnostics --seq-cuda-map-to-gpu

// What every thread would run must not write memory.
func.func @store_outside(%m: memref<?xf32>, %blocks: index) {
  %cst = arith.constant 1.0 : f32
  %c0 = arith.constant 0 : index
  scf.forall (%b) in (%blocks) {
    // expected-error @+1 {{writes memory in a GPU block loop outside its thread loops}}
    memref.store %cst, %m[%c0] : memref<?xf32>
    scf.forall (%t) in (32) {
      memref.store %cst, %m[%t] : memref<?xf32>
    } {mapping = [#gpu.thread<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}

// -----

func.func @dynamic_threads(%m: memref<?xf32>, %blocks: index, %n: index) {
  %cst = arith.constant 1.0 : f32
  scf.forall (%b) in (%blocks) {
    // expected-error @+1 {{in a GPU block loop is not a thread loop of static sizes}}
    scf.forall (%t) in (%n) {
      memref.store %cst, %m[%t] : memref<?xf32>
    } {mapping = [#gpu.thread<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}

// -----

func.func @too_many(%m: memref<?xf32>, %blocks: index) {
  %cst = arith.constant 1.0 : f32
  // expected-error @+1 {{needs more than 1024 threads per block}}
  scf.forall (%b) in (%blocks) {
    scf.forall (%t) in (2048) {
      memref.store %cst, %m[%t] : memref<?xf32>
    } {mapping = [#gpu.thread<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}

// -----

func.func @no_threads(%m: memref<?xf32>, %blocks: index) {
  %cst = arith.constant 1.0 : f32
  // expected-error @+1 {{is mapped to GPU blocks but has no loop mapped to threads}}
  scf.forall (%b) in (%blocks) {
    %v = memref.load %m[%b] : memref<?xf32>
  } {mapping = [#gpu.block<x>]}
  return
}

// -----

// Warps of a 2-D block: the block must already have their threads.
func.func @warps_past_2d_block(%m: memref<?xf32>, %blocks: index) {
  %cst = arith.constant 1.0 : f32
  // expected-error @+1 {{has thread loops over y or z with fewer threads than its warp loops' warps}}
  scf.forall (%b) in (%blocks) {
    scf.forall (%x, %y) in (4, 4) {
      memref.store %cst, %m[%x] : memref<?xf32>
    } {mapping = [#gpu.thread<x>, #gpu.thread<y>]}
    scf.forall (%w) in (2) {
      memref.store %cst, %m[%w] : memref<?xf32>
    } {mapping = [#gpu.warp<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}
