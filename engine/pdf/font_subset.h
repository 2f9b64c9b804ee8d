// Font subsets for the PDF (issue 2 §5): hb-subset once per face and glyph set, with glyph
// identities checked so the content stream may write the original glyph ids.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/fonts/fonts.h"

namespace paiban::pdf {

struct FontSubset {
  FaceId face = 0;
  FontFormat format = FontFormat::Cff;
  std::string postscript_name;  // sanitised for a PDF name
  std::string tag;              // six capitals derived from a hash of the glyph set
  // FontFile3/CIDFontType0C: the subset's bare 'CFF ' table. FontFile2: the subset font file.
  std::string program;
  bool cid_keyed = false;  // CFF with a ROS (CID-keyed); the PDF then selects glyphs by charset CID
  // Original glyph id → the code (= CID, Identity-H) the content stream writes.
  std::map<std::uint32_t, std::uint16_t> code;
  // The same, dense by original glyph id (−1: not in the subset), for per-glyph lookups.
  std::vector<std::int32_t> code_of;
  // TrueType only: /CIDToGIDMap, indexed by CID; as the stream's bytes (2 bytes per CID,
  // big-endian) and those deflated, made once per subset: every page file of an edition embeds
  // the same map (42 KB for a Latin face, built and deflated per page before).
  std::vector<std::uint16_t> cid_to_gid;
  std::string cid_to_gid_bytes, cid_to_gid_deflated;
  // True when code == original glyph id for every glyph: the Noto CJK fonts are CID-keyed with
  // CID == GID (ROS Adobe-Identity-0), and hb-subset keeps each glyph's CID in the subset charset;
  // TrueType keeps CID == original GID through the CIDToGIDMap.
  bool ids_stable = false;
  std::uint32_t glyph_count = 0;  // glyphs in the subset program
  std::set<std::uint32_t> glyphs;  // original glyph ids requested (plus .notdef)

  std::string base_font() const { return tag + "+" + postscript_name; }
};

// Subsets `face` to `glyphs` (+ .notdef) with hb-subset, layout tables dropped so the GSUB
// closure does not pull in alternates. Verifies, per glyph, that the subset shows the same glyph
// under the code it reports. nullptr and `error` on failure.
std::shared_ptr<FontSubset> make_subset(const Face& face, FaceId id, const std::set<std::uint32_t>& glyphs,
                                        std::string* error);

// Glyph width for /W and TJ arithmetic: advance in 1/1000 em, rounded.
int glyph_width_1000(const Face& face, std::uint32_t gid);

}  // namespace paiban::pdf
