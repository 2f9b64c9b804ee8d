#include "tools/paiban/commands.h"

namespace paiban::cli {
namespace {
int g_exit = kExitOk;
}
int last_exit_code() { return g_exit; }
void set_exit_code(int rc) { g_exit = rc; }

void register_commands(CLI::App& app) {
  register_galley(app);
  register_build(app);
  register_preflight(app);
  register_proof(app);
}

}  // namespace paiban::cli
