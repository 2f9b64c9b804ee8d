// paiban CLI: a thin driver; each subcommand reads as the pipeline (docs/architecture.md).
#include <CLI/CLI.hpp>

#include <iostream>

#include "tools/paiban/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"paiban — CJK newspaper typesetting engine"};
  app.set_version_flag("--version", std::string("paiban ") + PAIBAN_VERSION);
  app.require_subcommand(1);
  paiban::cli::register_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 uses 0 for --help/--version; every other parse failure is a usage error (exit 2).
    const int rc = app.exit(e);
    return rc == 0 ? 0 : paiban::cli::kExitUsage;
  }
  return paiban::cli::last_exit_code();
}

// LeakSanitizer (sanitizer builds only): fontconfig keeps its configuration in process-global
// state until exit; not a leak of ours.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
