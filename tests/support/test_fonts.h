// The process-wide FontSet of a test binary: the shipped font roles, loaded once (faces are
// cached in it, so every test of the binary shares the loaded fonts).
#pragma once

#include "engine/fonts/fonts.h"
#include "support/test_support.h"

namespace paiban::test {

inline FontSet& fonts() {
  static FontSet* set = [] {
    Diagnostics d;
    return new FontSet(FontRoles::load(source_dir() + "/fonts/roles.toml", d));
  }();
  return *set;
}

}  // namespace paiban::test
