// `paiban proof FILE.pdf… -o DIR [--dpi 100] [--diff-against DIR]`: PNG proofs, one per page,
// and what changed since an earlier set (issue 6 §6). Prints, per page compared,
// `file: page N: changed 2 regions: x,y w×h px (… mm); …` or `unchanged`.
// Exit: 0 proofs written (changes are reported, not failures); 1 unreadable PDF; 4 I/O.
#include <algorithm>
#include <iostream>
#include <memory>
#include <sstream>

#include "engine/preflight/proof.h"
#include "tools/paiban/commands.h"

namespace paiban::cli {
namespace {

struct ProofArgs {
  std::vector<std::string> files;
  std::string out_dir, diff_against;
  int dpi = 100;
  int tolerance = 16;
};

int run_proof(const ProofArgs& a) {
  ProofOptions opt;
  opt.dpi = a.dpi;
  opt.diff.tolerance = a.tolerance;
  if (!a.diff_against.empty()) opt.diff_against = a.diff_against;
  int rc = kExitOk;
  for (const auto& file : a.files) {
    Diagnostics diags;
    const ProofReport r = proof(file, a.out_dir, opt, diags);
    for (const auto& d : diags.all()) std::cerr << d.format() << '\n';
    if (!r.ok) {
      // An unreadable or unrenderable PDF is bad input; failing to write proofs is I/O.
      bool input = false;
      for (const auto& d : diags.all()) input = input || d.code == "proof.open" || d.code == "proof.render";
      rc = std::max(rc, input ? kExitInput : kExitInternal);
    }
    std::cout << file << ": " << r.pages.size() << " proof" << (r.pages.size() == 1 ? "" : "s") << " in " << a.out_dir << '\n';
    if (opt.diff_against) {
      std::ostringstream changes;
      r.dump(changes);
      std::istringstream lines(changes.str());
      for (std::string line; std::getline(lines, line);) std::cout << file << ": " << line << '\n';
    }
  }
  return rc;
}

}  // namespace

void register_proof(CLI::App& app) {
  auto* cmd = app.add_subcommand("proof", "Render PNG proofs of PDF pages and show what changed");
  auto a = std::make_shared<ProofArgs>();
  cmd->add_option("files", a->files, "PDF files")->required();
  cmd->add_option("-o,--output", a->out_dir, "Directory for <name>-<page>.png")->required();
  cmd->add_option("--dpi", a->dpi, "Resolution (default 100)")->check(CLI::Range(10, 2400));
  cmd->add_option("--diff-against", a->diff_against,
                  "Directory of earlier proofs: write <name>-<page>-diff.png and list changed regions");
  cmd->add_option("--tolerance", a->tolerance, "Per-channel difference ignored as rendering noise (0–255, default 16)")
      ->check(CLI::Range(0, 255));
  cmd->callback([a] { set_exit_code(run_proof(*a)); });
}

}  // namespace paiban::cli
