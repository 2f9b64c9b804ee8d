#include "tools/paiban/common.h"

#include <cstdlib>
#include <iostream>

#include "tools/paiban/commands.h"

namespace paiban::cli {

int finish(const Diagnostics& diags, int rc) {
  for (const auto& d : diags.all()) std::cerr << d.format() << '\n';
  if (rc == kExitOk && diags.has_errors()) return kExitInput;
  return rc;
}

int usage_error(const std::string& message) {
  std::cerr << "paiban: " << message << '\n';
  return kExitUsage;
}

KinsokuLevel parse_kinsoku(const std::string& s) {
  if (s == "none") return KinsokuLevel::None;
  if (s == "basic") return KinsokuLevel::Basic;
  if (s == "strict") return KinsokuLevel::Strict;
  if (s == "loose") return KinsokuLevel::Loose;
  return KinsokuLevel::Gb;
}

PdfOptions pdf_options_from_env() {
  PdfOptions o;
  if (const char* e = std::getenv("SOURCE_DATE_EPOCH")) {
    char* end = nullptr;
    long long v = std::strtoll(e, &end, 10);
    if (end && *end == '\0') o.source_date_epoch = v;
  }
  return o;
}

}  // namespace paiban::cli
