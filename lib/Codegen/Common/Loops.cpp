//===- Loops.cpp - Loop rewrites the targets' last miles share ------------===//
#include "Loops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

void seqc::serializeParallelLoop(scf::ParallelOp loop) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  SmallVector<Value> ivs;
  for (auto [lb, ub, step] :
       llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
    auto inner = scf::ForOp::create(b, loc, lb, ub, step);
    ivs.push_back(inner.getInductionVar());
    b.setInsertionPoint(inner.getBody()->getTerminator());
  }
  Block *body = loop.getBody();
  body->getTerminator()->erase(); // scf.reduce without operands
  Block *dest = b.getInsertionBlock();
  dest->getOperations().splice(b.getInsertionPoint(), body->getOperations());
  for (auto [arg, iv] : llvm::zip(body->getArguments(), ivs))
    arg.replaceAllUsesWith(iv);
  loop.erase();
}

SmallVector<Value> seqc::delinearize(OpBuilder &b, Location loc, Value linear,
                                     ArrayRef<Value> sizes) {
  SmallVector<Value> at(sizes.size());
  Value rest = linear;
  for (size_t i = sizes.size(); i-- > 0;) {
    at[i] = i == 0 ? rest : arith::RemUIOp::create(b, loc, rest, sizes[i]);
    if (i > 0)
      rest = arith::DivUIOp::create(b, loc, rest, sizes[i]);
  }
  return at;
}
