// `paiban preflight FILE.pdf…`: docs/prepress-checklist.md on written PDFs (issue 6 §5).
// Prints one line per finding, `file: page N: error[C04]: …`, then a summary line per file.
// Exit: 0 no errors; 1 errors; 3 under --strict for any error or warning; 2 usage; 4 I/O.
#include <nlohmann/json.hpp>

#include <cctype>
#include <iostream>
#include <memory>
#include <sstream>

#include "engine/base/atomic_file.h"
#include "engine/base/units.h"
#include "engine/preflight/preflight.h"
#include "tools/paiban/commands.h"

namespace paiban::cli {
namespace {

struct PreflightArgs {
  std::vector<std::string> files, spots;
  std::string standard = std::string(kPdfX1a2003), trim, bleed, profile, json;
  int ink_limit = 240;
  int pages = 0;
  bool strict = false;
};

// "390x540mm", "390×540 mm", "1105.51x1530.71pt", "390mmx540mm": a unit written once applies to
// both sides.
bool parse_trim(std::string text, Sp& w, Sp& h) {
  std::string s;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "×") == 0) {  // U+00D7 in UTF-8
      s += 'x';
      ++i;
    } else if (text[i] != ' ') {
      s += text[i];
    }
  }
  const auto x = s.find_first_of("xX");
  if (x == std::string::npos) return false;
  std::string a = s.substr(0, x), b = s.substr(x + 1);
  auto unit_of = [](const std::string& v) {
    std::size_t i = v.size();
    while (i > 0 && std::isalpha(static_cast<unsigned char>(v[i - 1]))) --i;
    return v.substr(i);
  };
  if (unit_of(a).empty()) a += unit_of(b);
  auto pw = parse_absolute_length(a), ph = parse_absolute_length(b);
  if (!pw || !ph || *pw <= 0 || *ph <= 0) return false;
  w = *pw;
  h = *ph;
  return true;
}

int usage(const std::string& msg) {
  std::cerr << "paiban preflight: " << msg << '\n';
  return kExitUsage;
}

int run_preflight(const PreflightArgs& a) {
  PreflightOptions opt;
  opt.standard = a.standard;
  opt.ink_limit_percent = a.ink_limit;
  opt.output_profile = a.profile;
  opt.allowed_spot_colours = a.spots;
  if (a.pages > 0) opt.expected_pages = a.pages;
  if (!a.trim.empty()) {
    Sp w = 0, h = 0;
    if (!parse_trim(a.trim, w, h)) return usage("--trim: '" + a.trim + "' is not WIDTHxHEIGHT (e.g. 390x540mm)");
    opt.trim_width = w;
    opt.trim_height = h;
  }
  if (!a.bleed.empty()) {
    auto b = parse_absolute_length(a.bleed);
    if (!b || *b < 0) return usage("--bleed: '" + a.bleed + "' is not a length (e.g. 3mm)");
    opt.bleed = *b;
  }

  bool errors = false, findings = false;
  PreflightCache cache;  // files of one edition share their font programs: decode those once
  nlohmann::json all = nlohmann::json::array();
  for (const auto& file : a.files) {
    const PreflightReport r = preflight(file, opt, cache);
    for (const auto& f : r.findings) std::cout << file << ": " << f.format() << '\n';
    std::cout << file << ": " << r.summary() << '\n';
    errors = errors || !r.passed();
    findings = findings || r.count(Severity::Error) + r.count(Severity::Warning) > 0;
    all.push_back(r.to_json());
  }
  if (!a.json.empty()) {
    nlohmann::json doc = {{"standard", a.standard}, {"passed", !errors}, {"files", all}};
    Diagnostics diags;
    if (!write_file_atomic(a.json, doc.dump(1) + "\n", diags)) {
      for (const auto& d : diags.all()) std::cerr << d.format() << '\n';
      return kExitInternal;
    }
  }
  if (a.strict && findings) return kExitPreflight;
  return errors ? kExitInput : kExitOk;
}

}  // namespace

void register_preflight(CLI::App& app) {
  auto* cmd = app.add_subcommand("preflight", "Check PDF plates against docs/prepress-checklist.md");
  auto a = std::make_shared<PreflightArgs>();
  cmd->add_option("files", a->files, "PDF files")->required();
  cmd->add_option("--standard", a->standard, "PDF/X-1a:2001, PDF/X-1a:2003 (default) or PDF/X-4")
      ->check(CLI::IsMember({std::string(kPdfX1a2001), std::string(kPdfX1a2003), std::string(kPdfX4)}));
  cmd->add_option("--trim", a->trim, "Expected trim size, e.g. 390x540mm (G03, ±0.1 mm)");
  cmd->add_option("--bleed", a->bleed, "Expected bleed on every side, e.g. 3mm (G04)");
  cmd->add_option("--pages", a->pages, "Expected page count (G01)")->check(CLI::PositiveNumber);
  cmd->add_option("--profile", a->profile, "Output profile description to require, e.g. WAN-IFRAnewspaper26v5 (P07)");
  cmd->add_option("--spot", a->spots, "Allow this spot colour plate (repeatable; default: process colours only, C02)")
      ->allow_extra_args(false);
  cmd->add_option("--ink-limit", a->ink_limit, "Maximum total ink in percent (C03, I04; default 240)")->check(CLI::Range(100, 400));
  cmd->add_option("--json", a->json, "Also write the findings as JSON to this file");
  cmd->add_flag("--strict", a->strict, "Exit 3 on any error or warning (notes do not count)");
  cmd->callback([a] { set_exit_code(run_preflight(*a)); });
}

}  // namespace paiban::cli
