//===- seqc.cpp - The seqc command line: compile and run models -----------===//
//
// `seqc compile MODEL.json ...` and `seqc run ...` (SPEC §1). Exit status:
// 0 success, 1 a problem with what the user gave (one `seqc: error:` line),
// 2 command-line misuse.
//
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "seqc/InitAll.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace seqc::cli;

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  seqc::registerAllPasses();
  // MLIR's usual switches (--mlir-print-ir-after-all, --mlir-timing, ...),
  // for both commands: both run the pass pipeline.
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  if (argc < 2)
    return usage();
  llvm::StringRef command = argv[1];
  // The sub-command's own parser sees `seqc <command>` as its program name.
  std::string program = std::string(argv[0]) + " " + argv[1];
  std::vector<char *> args{program.data()};
  for (int i = 2; i < argc; ++i)
    args.push_back(argv[i]);
  if (command == "compile")
    return compileCommand(args.size(), args.data());
  if (command == "run")
    return runCommand(args.size(), args.data());
  if (command == "--version" || command == "version") {
    printVersion(llvm::outs());
    return 0;
  }
  if (command == "--help" || command == "-h" || command == "help") {
    usage();
    return 0;
  }
  llvm::errs() << "seqc: unknown command '" << command << "'\n";
  return usage();
}
