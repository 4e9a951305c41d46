//===- Symbols.h - Entry points of libraries loaded at run time -*- C++ -*-===//
#ifndef SEQC_RUNTIME_SYMBOLS_H
#define SEQC_RUNTIME_SYMBOLS_H

#include <dlfcn.h>

namespace seqc::runtime {

/// Sets `fn` to `library`'s symbol `name` (dlsym's handle: RTLD_DEFAULT
/// searches the process), null where it has none; whether it has it.
template <typename Fn>
bool findSymbol(void *library, Fn &fn, const char *name) {
  void *symbol = dlsym(library, name);
  fn = reinterpret_cast<Fn>(symbol);
  return symbol != nullptr;
}

} // namespace seqc::runtime

#endif // SEQC_RUNTIME_SYMBOLS_H
