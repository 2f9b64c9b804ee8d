// PDF plates: the only user of libharu. Pages (display lists) → PDF files with glyph-level
// CID fonts subset by hb-subset, CMYK colour, page boxes and deterministic bytes.
// CONTRACT used by the CLI; the implementation may add options.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/diagnostics.h"
#include "engine/compose/page.h"
#include "engine/fonts/fonts.h"

namespace paiban {

struct PdfOptions {
  std::string title = "paiban";
  std::string author;
  // Dates and /ID come from here (SOURCE_DATE_EPOCH) so re-runs are byte-identical.
  std::optional<std::int64_t> source_date_epoch;
  bool compress = true;
};

// Writes `pages` into one PDF at `path`, atomically (temporary file in the same directory,
// renamed on success; on failure the previous file is untouched). Returns false after reporting
// to diags on failure.
bool write_pdf(const std::vector<const Page*>& pages, const FontSet& fonts, const PdfOptions& options,
               const std::string& path, Diagnostics& diags);

}  // namespace paiban
