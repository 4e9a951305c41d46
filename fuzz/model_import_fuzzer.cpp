// libFuzzer target: the model importer, JSON text to seq/rgnn IR, with the
// verifier run on every module it accepts. A rejected model must come with
// a message; an accepted one must verify.
//
// The weights are one small safetensors file written at start-up, holding
// (zero) tensors for the seed models' nodes (fuzz/corpus/model_import), so
// that mutations of a seed get past the weight checks into the ops.

#include "seqc/Frontend/ModelImporter.h"
#include "seqc/InitAll.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

/// NAME:DTYPE:SHAPE of every weight of the seed models: test/Frontend's
/// all-ops model, examples/gla-lm, test/e2e's rt-*.json and fuzz/graph.
const char kWeights[] = R"(
emb.weight:F32:10x16 lin.weight:F32:8x16 lin.bias:BF16:8 rms.weight:F32:16
ln.weight:F32:16 ln.bias:F32:16 mlp.gate_proj.weight:F32:24x16
mlp.up_proj.weight:F32:24x16 mlp.down_proj.weight:F32:16x24
gla.q_proj.weight:F32:8x16 gla.k_proj.weight:F32:8x16
gla.v_proj.weight:F32:16x16 gla.g_proj.weight:F32:16x16
gla.gk_proj.0.weight:F32:4x16 gla.gk_proj.1.weight:F32:8x4
gla.gk_proj.1.bias:F32:8 gla.g_norm_swish_gate.weight:F32:8
gla.o_proj.weight:F32:16x16 conv.weight:F32:16x4 conv.bias:F32:16
gru.weight_ih_l0:F32:24x16 gru.weight_hh_l0:F32:24x8 gru.bias_ih_l0:F32:24
gru.bias_hh_l0:F32:24 gru.weight_ih_l1:F32:24x8 gru.weight_hh_l1:F32:24x8
gru.bias_ih_l1:F32:24 gru.bias_hh_l1:F32:24 lstm.weight_ih_l0:F32:32x16
lstm.weight_hh_l0:F32:32x8 lstm.bias_ih_l0:F32:32 lstm.bias_hh_l0:F32:32
pgru.B_z:F32:8x16 pgru.B_r:F32:8x16 pgru.B_h:F32:8x16 pgru.b_z:F32:8
pgru.b_r:F32:8 pgru.b_h:F32:8 pgru.A_z:F32:8 pgru.A_r:F32:8 pgru.A_h:F32:8
plstm.B_f:F32:8x16 plstm.B_c:F32:8x16 plstm.B_o:F32:8x16 plstm.b_f:F32:8
plstm.b_c:F32:8 plstm.b_o:F32:8 plstm.A_f:F32:8 plstm.A_c:F32:8
plstm.A_o:F32:8 plstm.C_f:F32:8 plstm.C_o:F32:8 pgn.hie.weight:F32:8x16x3
pgn.hie.bias:F32:8 pgn.gate.weight:F32:16x24 pgn.gate.bias:F32:16
gam.conv.weight:F32:16x3 gam.conv.bias:F32:16 gam.memory:F32:5x16
gam.gate.weight:F32:32x16 gam.gate.bias:F32:32 attn.q_proj.weight:F32:16x16
attn.k_proj.weight:F32:8x16 attn.v_proj.weight:F32:8x16
attn.gate_proj.weight:F32:4x16 attn.o_proj.weight:F32:16x16 plif.w:F16:
wkv.time_decay:F32:16 wkv.time_first:F32:16 srwkv.ln0.weight:F32:16
srwkv.ln0.bias:F32:16 srwkv.ln1.weight:F32:16 srwkv.ln1.bias:F32:16
srwkv.ln2.weight:F32:16 srwkv.ln2.bias:F32:16 srwkv.att.time_decay:F32:16
srwkv.att.time_first:F32:16 srwkv.att.time_mix_k:F32:16
srwkv.att.time_mix_v:F32:16 srwkv.att.time_mix_r:F32:16
srwkv.att.key.weight:F32:16x16 srwkv.att.value.weight:F32:16x16
srwkv.att.receptance.weight:F32:16x16 srwkv.att.output.weight:F32:16x16
srwkv.ffn.time_mix_k:F32:16 srwkv.ffn.time_mix_r:F32:16
srwkv.ffn.key.weight:F32:32x16 srwkv.ffn.receptance.weight:F32:16x16
srwkv.ffn.value.weight:F32:16x32 rgcn.weight:F32:3x8x6 rgcn.root:F32:8x6
rgcn.bias:F32:6 rgat.weight:F32:3x2x8x4 rgat.attn_l:F32:3x2x4
rgat.attn_r:F32:3x2x4 rgat.loop_weight:F32:8x8 rgat.bias:F32:8
hgt.k_lin.weight:F32:2x8x8 hgt.k_lin.bias:F32:2x8 hgt.q_lin.weight:F32:2x8x8
hgt.q_lin.bias:F32:2x8 hgt.v_lin.weight:F32:2x8x8 hgt.v_lin.bias:F32:2x8
hgt.rel_att:F32:3x2x4x4 hgt.rel_msg:F32:3x2x4x4 hgt.rel_pri:F32:3x2
hgt.a_lin.weight:F32:2x8x8 hgt.a_lin.bias:F32:2x8 hgt.skip:F32:2
embed.weight:F32:256x64 final_norm.weight:F32:64 head.weight:F32:256x64
b0_norm1.weight:F32:64 b0_norm2.weight:F32:64 b1_norm1.weight:F32:64
b1_norm2.weight:F32:64
b0_attn.q_proj.weight:F32:32x64 b0_attn.k_proj.weight:F32:32x64
b0_attn.v_proj.weight:F32:64x64 b0_attn.g_proj.weight:F32:64x64
b0_attn.gk_proj.0.weight:F32:16x64 b0_attn.gk_proj.1.weight:F32:32x16
b0_attn.gk_proj.1.bias:F32:32 b0_attn.g_norm_swish_gate.weight:F32:16
b0_attn.o_proj.weight:F32:64x64 b0_mlp.gate_proj.weight:F32:128x64
b0_mlp.up_proj.weight:F32:128x64 b0_mlp.down_proj.weight:F32:64x128
b1_attn.q_proj.weight:F32:32x64 b1_attn.k_proj.weight:F32:32x64
b1_attn.v_proj.weight:F32:64x64 b1_attn.g_proj.weight:F32:64x64
b1_attn.gk_proj.0.weight:F32:16x64 b1_attn.gk_proj.1.weight:F32:32x16
b1_attn.gk_proj.1.bias:F32:32 b1_attn.g_norm_swish_gate.weight:F32:16
b1_attn.o_proj.weight:F32:64x64 b1_mlp.gate_proj.weight:F32:128x64
b1_mlp.up_proj.weight:F32:128x64 b1_mlp.down_proj.weight:F32:64x128
l0.weight:F32:3x4 l0.bias:F32:3 e.weight:F32:5x3
g.weight:F32:3x4x3 g.root:F32:4x3 g.bias:F32:3
h.weight:F32:3x1x3x2 h.attn_l:F32:3x1x2 h.attn_r:F32:3x1x2 h.loop_weight:F32:3x2
h.bias:F32:2
)";

[[noreturn]] void fatal(const std::string &what) {
  std::fprintf(stderr, "model_import_fuzzer: %s\n", what.c_str());
  std::abort();
}

/// Writes kWeights as a safetensors file of zeros; returns its path.
std::string writeWeights(const std::string &dir) {
  std::istringstream specs(kWeights);
  std::string header = "{";
  size_t offset = 0;
  for (std::string spec; specs >> spec;) {
    size_t a = spec.find(':'), b = spec.rfind(':');
    std::string name = spec.substr(0, a), dtype = spec.substr(a + 1, b - a - 1);
    std::string shape, dims = spec.substr(b + 1);
    size_t bytes = dtype == "F32" ? 4 : 2;
    for (size_t at = 0; at < dims.size();) {
      size_t x = dims.find('x', at);
      std::string dim = dims.substr(at, x == std::string::npos ? x : x - at);
      bytes *= std::stoul(dim);
      shape += (shape.empty() ? "" : ",") + dim;
      at = x == std::string::npos ? dims.size() : x + 1;
    }
    header += (header.size() > 1 ? ",\"" : "\"") + name + "\":{\"dtype\":\"" +
              dtype + "\",\"shape\":[" + shape + "],\"data_offsets\":[" +
              std::to_string(offset) + "," + std::to_string(offset + bytes) +
              "]}";
    offset += bytes;
  }
  header += "}";
  header.append((8 - header.size() % 8) % 8, ' ');
  std::string path = dir + "/weights.safetensors";
  std::ofstream out(path, std::ios::binary);
  for (int i = 0; i < 8; ++i)
    out.put(char((uint64_t(header.size()) >> (8 * i)) & 0xff));
  out << header << std::string(offset, '\0');
  if (!out)
    fatal("cannot write " + path);
  return path;
}

struct State {
  std::string dir, weights;
  std::unique_ptr<mlir::MLIRContext> ctx;
  unsigned uses = 0;
  bool verbose = std::getenv("SEQC_FUZZ_VERBOSE") != nullptr;

  ~State() {
    std::remove(weights.c_str());
    rmdir(dir.c_str());
  }
};

State &state() {
  static State s;
  return s;
}

/// One context for many inputs: making one with every dialect registered
/// and loading seq/rgnn/func/arith costs more than importing a small model.
/// It is remade every 512 inputs so that the attributes and types uniqued
/// from fuzzed names and shapes do not grow without bound over a long run;
/// nothing an import leaves in a context changes what the next one does.
mlir::MLIRContext &context() {
  State &s = state();
  if (!s.ctx || ++s.uses == 512) {
    mlir::DialectRegistry registry;
    seqc::registerAllDialects(registry);
    s.ctx = std::make_unique<mlir::MLIRContext>(
        registry, mlir::MLIRContext::Threading::DISABLED);
    s.uses = 0;
  }
  return *s.ctx;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  State &s = state();
  char pattern[] = "/tmp/seqc-import-fuzz-XXXXXX";
  if (!mkdtemp(pattern))
    fatal("cannot make a temporary directory");
  s.dir = pattern;
  s.weights = writeWeights(s.dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  State &s = state();
  mlir::MLIRContext &ctx = context();
  // Diagnostics the importer does not capture itself go nowhere (the
  // verifier's are collected below).
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &d) {
    llvm::raw_string_ostream(diagnostics) << d << "\n";
    return mlir::success();
  });

  seqc::ImportOptions options;
  options.weightsPath = s.weights;
  seqc::UserError error;
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      seqc::importModelText(ctx, text, "fuzz.json", s.dir, options, error);
  if (!module) {
    if (error.what.empty())
      fatal("import failed without a message");
    if (s.verbose)
      std::fprintf(stderr, "%s\n", error.str().c_str());
    return 0;
  }
  diagnostics.clear();
  if (mlir::failed(mlir::verify(*module)))
    fatal("an imported module does not verify:\n" + diagnostics);
  if (s.verbose)
    std::fprintf(stderr, "imported\n");
  return 0;
}
