// Just enough of the Compact Font Format (Adobe TN #5176) to check glyph identities of a subset:
// whether the font is CID-keyed (Top DICT starts with ROS) and its charset (GID → CID for
// CID-keyed fonts, GID → SID otherwise). The PDF shows CID-keyed CFF glyphs by CID through the
// charset (PDF 32000-1 §9.7.4.2), so the CIDs a content stream writes must be in it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paiban::pdf {

struct CffInfo {
  bool cid_keyed = false;
  std::uint32_t glyph_count = 0;            // CharStrings INDEX count
  std::vector<std::uint16_t> charset;       // [gid] → CID (CID-keyed) or SID; empty if predefined
};

// Parses a bare CFF table ('CFF ' of an OpenType font, or a PDF FontFile3/CIDFontType0C stream).
// Returns nullopt and an explanation for malformed data.
std::optional<CffInfo> parse_cff(std::string_view data, std::string* error = nullptr);

}  // namespace paiban::pdf
