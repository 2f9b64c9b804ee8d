// Helpers shared by the subcommands: diagnostics printing, exit codes, atomic small files.
#pragma once

#include <string>

#include "engine/base/atomic_file.h"
#include "engine/base/diagnostics.h"
#include "engine/linebreak/linebreak.h"
#include "engine/pdf/pdf.h"

namespace paiban::cli {

// Prints diagnostics to stderr and returns `rc` (or kExitInput when errors were reported and
// rc was kExitOk).
int finish(const Diagnostics& diags, int rc);
int usage_error(const std::string& message);
KinsokuLevel parse_kinsoku(const std::string& s);
// PdfOptions with SOURCE_DATE_EPOCH applied (reproducible builds convention).
PdfOptions pdf_options_from_env();

}  // namespace paiban::cli
