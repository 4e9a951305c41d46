//===- ModelImporter.cpp - Model description (JSON + safetensors) → IR ----===//
//
// Reads a model description (SPEC §2), checks its structure, and builds
// `func.func @main` of seq/rgnn ops, node by node (NodeImport.cpp), with
// their weights (WeightImport.cpp).
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "dialects/rgnn/RGNNDialect.h"
#include "dialects/seq/SeqDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Path.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_set>

using namespace seqc::frontend;

/// Control characters (from names in a hostile file) as \xNN, so that one
/// error stays one line and cannot drive the terminal.
static std::string printable(const std::string &text) {
  const auto *begin = reinterpret_cast<const llvm::UTF8 *>(text.data());
  bool utf8 = llvm::isLegalUTF8String(&begin, begin + text.size());
  std::string out;
  for (unsigned char ch : text) {
    if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && !utf8)) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\x%02x", ch);
      out += buf;
    } else {
      out += char(ch);
    }
  }
  return out;
}

std::string seqc::UserError::str() const {
  if (file.empty())
    return "seqc: error: " + printable(what);
  std::string s = "seqc: error: " + printable(file);
  if (!where.empty())
    s += ":" + printable(where);
  return s + ": " + printable(what);
}

/// Deepest nesting of JSON arrays and objects accepted. A model needs five
/// levels; refusing deeper input while parsing means that no later recursive
/// walk of the DOM (copy, dump, comparison) can overflow the stack.
static constexpr size_t kMaxJsonDepth = 64;

namespace {
/// Builds the DOM as nlohmann's own parser does, but keeps the byte position
/// of every error (nlohmann's DOM parser drops it for number overflow),
/// refuses nesting deeper than kMaxJsonDepth and duplicate keys.
class PositionedParser {
public:
  explicit PositionedParser(json &root)
      : dom(root, /*allow_exceptions=*/false) {}
  bool null() { return value() && dom.null(); }
  bool boolean(bool v) { return value() && dom.boolean(v); }
  bool number_integer(json::number_integer_t v) {
    return value() && dom.number_integer(v);
  }
  bool number_unsigned(json::number_unsigned_t v) {
    return value() && dom.number_unsigned(v);
  }
  bool number_float(json::number_float_t v, const std::string &s) {
    return value() && dom.number_float(v, s);
  }
  bool string(std::string &v) { return value() && dom.string(v); }
  bool binary(json::binary_t &v) { return value() && dom.binary(v); }
  bool start_object(std::size_t n) {
    return open(/*object=*/true) && dom.start_object(n);
  }
  bool key(std::string &v) {
    Frame &frame = frames.back();
    frame.key = v;
    if (!frame.keys.insert(v).second) {
      duplicate = pointer();
      duplicateKey = v;
      return false;
    }
    return dom.key(v);
  }
  bool end_object() {
    frames.pop_back();
    return dom.end_object();
  }
  bool start_array(std::size_t n) {
    return open(/*object=*/false) && dom.start_array(n);
  }
  bool end_array() {
    frames.pop_back();
    return dom.end_array();
  }
  template <typename Exception>
  bool parse_error(std::size_t pos, const std::string &, const Exception &e) {
    position = pos;
    // "[json.exception.parse_error.101] parse error at line 1, column 2:
    // syntax error ..." → "syntax error ..."
    std::string what = e.what();
    size_t at = what.find("column ");
    at = at == std::string::npos ? what.find("] ") : what.find(": ", at);
    message = at == std::string::npos ? what : what.substr(at + 2);
    return false;
  }
  size_t position = 0;
  std::string message;
  /// Set when parsing stopped at an array or object nested too deeply.
  bool tooDeep = false;
  /// The JSON pointer of a key seen twice in one object, when parsing
  /// stopped there.
  std::optional<std::string> duplicate;
  std::string duplicateKey;

private:
  /// An open array or object: the keys seen so far, or the count of
  /// elements.
  struct Frame {
    bool object = false;
    size_t elements = 0;
    std::string key;
    std::unordered_set<std::string> keys;
  };
  /// Counts a value as the next element of the enclosing array.
  bool value() {
    if (!frames.empty() && !frames.back().object)
      ++frames.back().elements;
    return true;
  }
  bool open(bool object) {
    value();
    if (frames.size() >= kMaxJsonDepth) {
      tooDeep = true;
      return false;
    }
    frames.emplace_back();
    frames.back().object = object;
    return true;
  }
  /// Where the parser is, as a JSON pointer.
  std::string pointer() const {
    std::string at;
    for (const Frame &f : frames)
      at = f.object ? ptr(at, f.key) : ptr(at, f.elements - 1);
    return at;
  }

  std::vector<Frame> frames;
  nlohmann::detail::json_sax_dom_parser<json> dom;
};
} // namespace

/// The byte offset of the first array or object in `text` nested deeper than
/// kMaxJsonDepth; `text` is well-formed up to there.
static size_t firstTooDeep(llvm::StringRef text) {
  size_t depth = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (inString) {
      if (ch == '\\')
        ++i;
      else if (ch == '"')
        inString = false;
    } else if (ch == '"') {
      inString = true;
    } else if (ch == '[' || ch == '{') {
      if (++depth > kMaxJsonDepth)
        return i;
    } else if ((ch == ']' || ch == '}') && depth > 0) {
      --depth;
    }
  }
  return text.size();
}

json Importer::readJson() {
  json root;
  PositionedParser parser(root);
  if (json::sax_parse(text.begin(), text.end(), &parser))
    return root;
  if (parser.duplicate)
    fail(*parser.duplicate, "duplicate key '" + parser.duplicateKey + "'");
  // nlohmann reports a byte count; users want line:column.
  size_t byte =
      parser.tooDeep
          ? firstTooDeep(text)
          : std::min<size_t>(parser.position ? parser.position - 1 : 0,
                             text.size());
  size_t line = 1, col = 1;
  for (char ch : text.take_front(byte)) {
    if (ch == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  fail(std::to_string(line) + ":" + std::to_string(col),
       parser.tooDeep ? "JSON nested deeper than " +
                            std::to_string(kMaxJsonDepth) + " levels"
                      : "malformed JSON: " + parser.message);
}

void Importer::checkTopLevel(const json &root) {
  if (!root.is_object())
    fail("", "a model description must be a JSON object");
  static const char *known[] = {"seqc_model", "name",  "weights",
                                "inputs",     "nodes", "outputs"};
  for (auto &[key, value] : root.items())
    if (!llvm::is_contained(known, key))
      fail(ptr("", key), "unknown key '" + key + "'");
  if (!root.contains("seqc_model"))
    fail("", "missing 'seqc_model' (the format version, 1)");
  const json &version = root["seqc_model"];
  if (!version.is_number_integer() || version.get<int64_t>() != 1)
    fail("/seqc_model",
         "unsupported format version " +
             (version.is_structured()
                  ? std::string("(a JSON ") + version.type_name() + ")"
                  : version.dump(-1, ' ', false,
                                 json::error_handler_t::replace)) +
             " (this seqc reads version 1)");
  if (root.contains("name") && !root["name"].is_string())
    fail("/name", "must be a string");
  if (root.contains("weights") && !root["weights"].is_string())
    fail("/weights", "must be a string (a safetensors file)");
  for (const char *key : {"inputs", "outputs"})
    if (!root.contains(key) || !root[key].is_object())
      fail(ptr("", key), std::string("must be an object"));
  if (!root.contains("nodes"))
    fail("", "missing 'nodes' (an array of nodes)");
  if (!root["nodes"].is_array())
    fail("/nodes", "must be an array");
}

/// Element type of a model input's dtype name.
static Type dtypeType(MLIRContext &ctx, llvm::StringRef dtype) {
  Builder b(&ctx);
  if (dtype == "f32")
    return b.getF32Type();
  if (dtype == "f16")
    return b.getF16Type();
  if (dtype == "bf16")
    return b.getBF16Type();
  if (dtype == "i32")
    return b.getI32Type();
  if (dtype == "i64")
    return b.getI64Type();
  return {};
}

void Importer::importInputs(const json &inputs, func::FuncOp fn) {
  Block &body = fn.getBody().front();
  SmallVector<Type> argTypes;
  SmallVector<DictionaryAttr> argAttrs;
  for (auto &[name, spec] : inputs.items()) {
    std::string at = ptr("/inputs", name);
    if (name.empty() || name.find(':') != std::string::npos)
      fail(at, "input name must be non-empty and must not contain ':'");
    if (!spec.is_object())
      fail(at, "must be an object with 'dtype' and 'shape'");
    for (auto &[key, value] : spec.items())
      if (key != "dtype" && key != "shape")
        fail(ptr(at, key), "unknown key '" + key + "'");
    if (!spec.contains("dtype") || !spec["dtype"].is_string())
      fail(ptr(at, "dtype"), "missing or not a string");
    std::string dtype = spec["dtype"];
    Type elem = dtypeType(ctx, dtype);
    if (!elem)
      fail(ptr(at, "dtype"), "unknown dtype '" + dtype +
                                 "' (expected f32, f16, bf16, i32 or i64)");
    if (!spec.contains("shape") || !spec["shape"].is_array())
      fail(ptr(at, "shape"), "missing or not an array");
    InputOrigin origin{at, {}};
    SmallVector<int64_t> shape;
    SmallVector<Attribute> dimAttrs;
    size_t i = 0;
    for (const json &d : spec["shape"]) {
      std::string dimAt = ptr(ptr(at, "shape"), i++);
      if (d.is_number_integer()) {
        if (d.get<int64_t>() < 1 || d.get<int64_t>() > (int64_t(1) << 40))
          fail(dimAt,
               "a dimension must be between 1 and 2^40, got " + d.dump());
        origin.dims.push_back({d.get<int64_t>(), ""});
      } else if (d.is_string() && !d.get<std::string>().empty()) {
        std::string sym = d;
        auto bound = bindings.find(sym);
        origin.dims.push_back(
            {bound == bindings.end() ? ShapedType::kDynamic : bound->second,
             bound == bindings.end() ? sym : ""});
      } else {
        fail(dimAt, "a dimension must be a positive integer or a symbol name");
      }
      shape.push_back(origin.dims.back().size);
      dimAttrs.push_back(
          origin.dims.back().symbol.empty()
              ? Attribute(builder.getI64IntegerAttr(shape.back()))
              : Attribute(builder.getStringAttr(d.get<std::string>())));
    }
    auto type = RankedTensorType::get(shape, elem);
    BlockArgument arg = body.addArgument(type, fn.getLoc());
    argTypes.push_back(type);
    argAttrs.push_back(builder.getDictionaryAttr(
        {builder.getNamedAttr("seq.name", builder.getStringAttr(name)),
         builder.getNamedAttr("seq.dims", builder.getArrayAttr(dimAttrs))}));
    Value value = arg;
    if (isa<Float16Type, BFloat16Type>(elem))
      value = arith::ExtFOp::create(
          builder, fn.getLoc(),
          RankedTensorType::get(shape, builder.getF32Type()), arg);
    inputValues[name] = value;
    origins[value] = std::move(origin);
  }
  fn.setFunctionType(builder.getFunctionType(argTypes, {}));
  fn.setAllArgAttrs(argAttrs);
}

/// Splits `n` / `n:k` into a node or input name and an output index.
static std::pair<std::string, int64_t> splitRef(const std::string &ref) {
  size_t colon = ref.rfind(':');
  if (colon == std::string::npos || colon + 1 == ref.size() ||
      ref.size() - colon > 10)
    return {ref, 0};
  for (char ch : ref.substr(colon + 1))
    if (ch < '0' || ch > '9')
      return {ref, 0};
  return {ref.substr(0, colon), std::stoll(ref.substr(colon + 1))};
}

std::vector<Node *> Importer::orderNodes(std::vector<Node> &nodes) {
  // Depth-first, dependencies before users, otherwise in the file's order;
  // an explicit stack, so that a long chain of nodes cannot overflow ours.
  llvm::DenseMap<Node *, std::vector<Node *>> deps;
  for (Node &n : nodes) {
    for (size_t j = 0; j < n.refs.size(); ++j) {
      if (n.refs[j].empty())
        continue;
      std::string name = splitRef(n.refs[j]).first;
      if (Node *dep = nodesByName.lookup(name))
        deps[&n].push_back(dep);
      else if (!inputValues.count(name))
        fail(ptr(ptr(n.pointer, "inputs"), j),
             "'" + n.refs[j] + "' names no model input or node");
    }
  }
  enum class Mark { None, Open, Done };
  llvm::DenseMap<Node *, Mark> mark;
  std::vector<Node *> order;
  for (Node &root : nodes) {
    if (mark[&root] != Mark::None)
      continue;
    std::vector<std::pair<Node *, size_t>> stack{{&root, 0}};
    mark[&root] = Mark::Open;
    while (!stack.empty()) {
      auto &[node, next] = stack.back();
      std::vector<Node *> &nodeDeps = deps[node];
      if (next == nodeDeps.size()) {
        mark[node] = Mark::Done;
        order.push_back(node);
        stack.pop_back();
        continue;
      }
      Node *dep = nodeDeps[next++];
      if (mark[dep] == Mark::Open)
        fail(dep->pointer, "node '" + dep->name + "' is part of a cycle");
      if (mark[dep] == Mark::None) {
        mark[dep] = Mark::Open;
        stack.push_back({dep, 0});
      }
    }
  }
  return order;
}

Value Importer::resolve(const std::string &ref, const std::string &where) {
  auto [name, index] = splitRef(ref);
  if (Node *node = nodesByName.lookup(name)) {
    if (index >= node->built->getNumResults())
      fail(where, "node '" + name + "' has " +
                      count(node->built->getNumResults(), "output") + "; '" +
                      ref + "' asks for output " + std::to_string(index));
    return node->built->getResult(index);
  }
  if (Value v = inputValues.lookup(name)) {
    if (index != 0)
      fail(where, "model input '" + name + "' has one output");
    return v;
  }
  fail(where, "'" + ref + "' names no model input or node");
}

OwningOpRef<ModuleOp> Importer::run() {
  root = readJson();
  checkTopLevel(root);

  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(&ctx));
  std::string name = root.value("name", "");
  if (!name.empty())
    (*module)->setAttr("seq.model_name", builder.getStringAttr(name));
  if (options.weightsPath) {
    weightsPath = *options.weightsPath;
  } else if (root.contains("weights")) {
    llvm::SmallString<256> full(baseDir);
    llvm::sys::path::append(full, root["weights"].get<std::string>());
    if (llvm::sys::path::is_absolute(root["weights"].get<std::string>()))
      full = root["weights"].get<std::string>();
    weightsPath = std::string(full);
  }
  if (weightsPath)
    (*module)->setAttr("seq.weights_file", builder.getStringAttr(*weightsPath));

  builder.setInsertionPointToEnd(module->getBody());
  auto fn = func::FuncOp::create(builder, module->getLoc(), "main",
                                 builder.getFunctionType({}, {}));
  builder.setInsertionPointToEnd(fn.addEntryBlock());
  importInputs(root["inputs"], fn);

  std::vector<Node> nodes;
  const json &list = root["nodes"];
  nodes.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    std::string at = ptr("/nodes", i);
    const json &n = list[i];
    if (!n.is_object())
      fail(at, "a node must be an object");
    for (auto &[key, value] : n.items())
      if (key != "name" && key != "op" && key != "inputs" && key != "attrs")
        fail(ptr(at, key), "unknown key '" + key + "'");
    if (!n.contains("name") || !n["name"].is_string() ||
        n["name"].get<std::string>().empty())
      fail(ptr(at, "name"), "a node needs a non-empty string 'name'");
    if (!n.contains("op") || !n["op"].is_string())
      fail(ptr(at, "op"), "a node needs a string 'op'");
    Node node{n["name"], n["op"], at, &n, {}};
    if (node.name.find(':') != std::string::npos)
      fail(ptr(at, "name"), "a node name must not contain ':'");
    if (n.contains("inputs")) {
      if (!n["inputs"].is_array())
        fail(ptr(at, "inputs"), "must be an array");
      for (size_t j = 0; j < n["inputs"].size(); ++j) {
        const json &ref = n["inputs"][j];
        if (!ref.is_null() &&
            (!ref.is_string() || ref.get<std::string>().empty()))
          fail(ptr(ptr(at, "inputs"), j),
               "an input is a node or model input name, or null");
        node.refs.push_back(ref.is_null() ? "" : ref.get<std::string>());
      }
    }
    nodes.push_back(std::move(node));
  }
  for (Node &n : nodes) {
    if (inputValues.count(n.name))
      fail(ptr(n.pointer, "name"),
           "node name '" + n.name + "' is already a model input");
    if (!nodesByName.try_emplace(n.name, &n).second)
      fail(ptr(n.pointer, "name"), "duplicate name '" + n.name + "'");
  }
  std::vector<Node *> order = orderNodes(nodes);
  for (Node *n : order)
    buildNode(*n);
  checkUnusedWeights();

  const json &outputs = root["outputs"];
  if (outputs.empty())
    fail("/outputs", "a model needs at least one output");
  SmallVector<Value> results;
  SmallVector<Attribute> resultNames;
  for (auto &[outName, ref] : outputs.items()) {
    std::string at = ptr("/outputs", outName);
    if (!ref.is_string())
      fail(at, "an output names a node output, e.g. \"n\" or \"n:1\"");
    results.push_back(resolve(ref.get<std::string>(), at));
  }
  func::ReturnOp::create(builder, fn.getLoc(), results);
  fn.setFunctionType(builder.getFunctionType(
      fn.getBody().front().getArgumentTypes(), ValueRange(results).getTypes()));
  size_t r = 0;
  for (auto &[outName, ref] : outputs.items())
    fn.setResultAttr(r++, "seq.name", builder.getStringAttr(outName));
  return module;
}

OwningOpRef<ModuleOp> seqc::importModelText(MLIRContext &ctx,
                                            llvm::StringRef text,
                                            const std::string &displayPath,
                                            const std::string &baseDir,
                                            const ImportOptions &options,
                                            UserError &error) {
  ctx.loadDialect<seq::SeqDialect, rgnn::RGNNDialect, arith::ArithDialect,
                  func::FuncDialect>();
  // A symbolic dim that weights fix to a size is imported again as that
  // size, so that every op downstream sees it. A failure after weights fixed
  // some symbols may be one that their sizes avoid (a state's fixed size
  // against such a symbol), so it is retried with them too; when the model
  // fails in the end, the first problem found is reported. Every pass after
  // the first starts with more symbols fixed; a model needs two or three
  // passes, and the bound keeps a hostile one from asking for one per node.
  constexpr int kMaxPasses = 8;
  std::map<std::string, int64_t> bindings;
  std::optional<UserError> firstError;
  for (int pass = 1;; ++pass) {
    Importer importer(ctx, text, displayPath, baseDir, options, bindings);
    try {
      OwningOpRef<ModuleOp> module = importer.run();
      if (importer.newBindings.empty() || pass == kMaxPasses)
        return module;
    } catch (const ImportFailure &f) {
      if (importer.newBindings.empty() || pass == kMaxPasses) {
        error = firstError.value_or(f.error);
        return nullptr;
      }
      if (!firstError)
        firstError = f.error;
    } catch (const std::exception &e) {
      error = firstError.value_or(UserError{displayPath, "", e.what()});
      return nullptr;
    }
    bindings.insert(importer.newBindings.begin(), importer.newBindings.end());
  }
}

/// The largest model description read. Real ones are kilobytes (a node is
/// ~100 bytes, weights live elsewhere: 100,000 nodes are ~10 MiB); the limit
/// keeps a wrong path or a hostile file from exhausting memory, as the JSON
/// DOM takes up to ~16 times the text's size.
static constexpr uint64_t kMaxModelBytes = uint64_t(64) << 20;

/// strerror(errno), lowercase to fit inside a message.
static std::string errnoMessage() {
  std::string s = std::error_code(errno, std::generic_category()).message();
  if (!s.empty())
    s[0] = char(tolower(static_cast<unsigned char>(s[0])));
  return s;
}

/// Reads a model file, refusing anything that is not a regular file of at
/// most kMaxModelBytes.
static bool readModelFile(const std::string &path, std::string &text,
                          std::string &why) {
  // O_NONBLOCK so that opening a FIFO cannot hang; it is refused below.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    why = errnoMessage();
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    why = "not a regular file";
    return false;
  }
  auto tooLarge = [&](uint64_t size) {
    why = "the file is larger than the limit of " +
          std::to_string(kMaxModelBytes >> 20) + " MiB (" +
          std::to_string(size) + " bytes)";
    return false;
  };
  if (uint64_t(st.st_size) > kMaxModelBytes) {
    ::close(fd);
    return tooLarge(st.st_size);
  }
  // Read to the end rather than st_size bytes, stopping past the limit in
  // case the file grows meanwhile.
  text.clear();
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      why = errnoMessage();
      ::close(fd);
      return false;
    }
    if (n == 0)
      break;
    text.append(buf, n);
    if (text.size() > kMaxModelBytes) {
      ::close(fd);
      return tooLarge(text.size());
    }
  }
  ::close(fd);
  return true;
}

OwningOpRef<ModuleOp> seqc::importModel(MLIRContext &ctx,
                                        const std::string &modelPath,
                                        const ImportOptions &options,
                                        UserError &error) {
  std::string text, why;
  if (!readModelFile(modelPath, text, why)) {
    error = UserError{modelPath, "", "cannot read the model: " + why};
    return nullptr;
  }
  return importModelText(ctx, text, modelPath,
                         llvm::sys::path::parent_path(modelPath).str(), options,
                         error);
}
