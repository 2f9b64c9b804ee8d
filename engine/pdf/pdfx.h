// Document-level metadata and PDF/X structure (ISO 15930-4 for PDF/X-1a:2003, ISO 15930-7 for
// PDF/X-4; prepress checklist P02–P07, P14): Info dictionary, output intent with an embedded
// ICC profile, XMP metadata.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/base/diagnostics.h"
#include "engine/pdf/document.h"
#include "engine/pdf/pdf.h"

namespace paiban::pdf {

struct OutputProfile {
  std::string bytes;        // the ICC file
  std::string description;  // its 'desc' tag
  int version_major = 0;
  int version_minor = 0;
  std::string deflated;     // `bytes` Flate-compressed (FontSubsetCache::output_profile); may be empty
};

// Reads and checks an output profile: an ICC profile of class output (prtr) in CMYK, and for
// PDF/X-1a version 2.x (checklist P07). Reports pdf.output-profile.
std::optional<OutputProfile> load_output_profile(const std::string& path, PdfStandard standard, Diagnostics& diags);

// "D:20240614000000+00'00'" (PDF 32000-1 §7.9.4), UTC.
std::string pdf_date(std::int64_t epoch);
// "2024-06-14T00:00:00+00:00" (XMP / ISO 8601), UTC.
std::string xmp_date(std::int64_t epoch);

struct DocumentMetadata {
  std::int64_t epoch = 0;     // creation = modification time
  std::string producer;
  std::string document_id;    // "uuid:…", derived from a hash of the input
};

void write_info(Document& doc, const PdfOptions& options, const DocumentMetadata& meta);
void write_output_intent(Document& doc, const PdfOptions& options, const OutputProfile& profile);
void write_xmp(Document& doc, const PdfOptions& options, const DocumentMetadata& meta);

}  // namespace paiban::pdf
