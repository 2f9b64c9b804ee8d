// Type 0 fonts with CID-keyed descendants for the subsets of font_subset.h (PDF 32000-1 §9.7):
// /Identity-H encoding (2-byte codes = CIDs), CIDFontType0 + FontFile3/CIDFontType0C for CFF,
// CIDFontType2 + FontFile2 + /CIDToGIDMap for TrueType, /W widths, a FontDescriptor and a
// ToUnicode CMap from the source text of each glyph.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/fonts/fonts.h"
#include "engine/pdf/content.h"
#include "engine/pdf/document.h"
#include "engine/pdf/font_subset.h"

namespace paiban::pdf {

// Returns the indirect Type 0 font dictionary. `width` and `text` are keyed by original glyph id;
// /W and ToUnicode are written for `gids`, the glyphs this document shows.
// `deflated_program` is subset.program already Flate-compressed (shared by the files of an
// edition); when empty, libharu compresses the program itself.
// `into`: an indirect dictionary made earlier to become the Type 0 font (pages already refer to
// it); null: a new one.
HPDF_Dict embed_font(Document& doc, const Face& face, const FontSubset& subset,
                     const std::set<std::uint32_t>& gids, const std::vector<std::int32_t>& width,
                     const GlyphTexts& text,
                     std::string_view deflated_program = {}, HPDF_Dict into = nullptr);

// The ToUnicode CMap program (PDF 32000-1 §9.10.3) for code → text, in ascending codes (empty
// texts are left out).
std::string to_unicode_cmap(const std::vector<std::pair<std::uint16_t, const std::u32string*>>& text_of_code);

}  // namespace paiban::pdf
