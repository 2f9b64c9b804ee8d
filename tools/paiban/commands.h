#pragma once
#include <CLI/CLI.hpp>

namespace paiban::cli {

// Exit codes (README "Exit codes"): 0 ok, 1 input/layout errors, 2 usage, 3 preflight failures
// under --strict, 4 I/O or internal errors.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInput = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitPreflight = 3;
inline constexpr int kExitInternal = 4;

void register_commands(CLI::App& app);
int last_exit_code();
void set_exit_code(int rc);

// One subcommand per file.
void register_galley(CLI::App& app);
void register_build(CLI::App& app);
void register_preflight(CLI::App& app);
void register_proof(CLI::App& app);

}  // namespace paiban::cli
