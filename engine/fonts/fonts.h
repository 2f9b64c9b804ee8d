// Fonts: font roles (fonts/roles.toml) → faces resolved with fontconfig, loaded with FreeType
// (validation, format) and HarfBuzz (shaping, metrics, subsetting). Faces are cached per FontSet;
// a FontSet lives for one process run and is passed explicitly (no global state).
#pragma once

#include <cstdint>
#include <map>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/diagnostics.h"
#include "engine/base/units.h"

struct hb_face_t;
struct hb_font_t;

namespace paiban {

using FaceId = std::uint32_t;
// Glyph ids by face, each list sorted and without repeats.
using GlyphsByFace = std::map<FaceId, std::vector<std::uint32_t>>;

enum class FontFormat { Cff, TrueType };

struct FaceInfo {
  std::string path;
  int index = 0;              // face index inside a .ttc collection, as fontconfig reported it
  std::string family;         // the family that matched (e.g. "Noto Serif CJK SC")
  std::string postscript_name;
  int weight = 400;           // OpenType weight class
  int units_per_em = 1000;
  FontFormat format = FontFormat::Cff;
};

// One loaded face. Owns its HarfBuzz face and an upem-scaled HarfBuzz font (for metrics).
class Face {
 public:
  Face(FaceInfo info, hb_face_t* face, hb_font_t* font);
  ~Face();
  Face(const Face&) = delete;
  Face& operator=(const Face&) = delete;

  const FaceInfo& info() const { return info_; }
  hb_face_t* hb_face() const { return face_; }
  // A HarfBuzz font whose scale is `size` sp per em, so shaping positions arrive in sp. Cached.
  hb_font_t* hb_font_at(Sp size) const;
  bool has_char(char32_t c) const;
  std::uint32_t glyph_for(char32_t c) const;  // 0 (.notdef) when absent
  std::uint32_t glyph_count() const;
  // Advance of a glyph in font units (for PDF /W arrays).
  int advance_units(std::uint32_t gid) const;
  // advance_units of every glyph of the face, by glyph id (one batch call: ~15x cheaper a glyph).
  std::vector<std::int32_t> all_advance_units() const;
  // Horizontal ink extent [left, right] of a glyph at `size`, in sp ({0, 0} without outline).
  // Cached: CFF extents interpret the charstring (~5,000 instructions), and the same few
  // punctuation glyphs are asked for in every paragraph.
  std::pair<Sp, Sp> ink_extent(Sp size, std::uint32_t gid) const;

 private:
  FaceInfo info_;
  hb_face_t* face_;
  hb_font_t* font_;  // scale = upem
  mutable std::mutex mu_;
  mutable std::map<Sp, hb_font_t*> sized_;
  mutable std::map<std::pair<Sp, std::uint32_t>, std::pair<Sp, Sp>> inks_;
  // has_char of each BMP code point, asked of HarfBuzz once: font fallback asks it for every
  // character shaped (100,000 for a 16-page edition), and a cmap lookup in a CJK font costs
  // ≈ 260 instructions. 0 = not asked yet, 1 = no glyph, 2 = a glyph; any thread may fill a slot
  // (every thread finds the same answer).
  std::unique_ptr<std::atomic<std::uint8_t>[]> bmp_has_;
};

struct FontRole {
  std::string name;
  std::string description;
  std::vector<std::string> chain;  // fontconfig family names, primary first
  std::vector<int> weights;        // weights the primary family has
};

struct FontRoles {
  std::map<std::string, FontRole> roles;
  // Parses roles.toml; errors (with file:line:column) go to diags.
  static FontRoles load(const std::string& path, Diagnostics& diags);
  // The roles file shipped with paiban: $PAIBAN_FONT_ROLES, else <install/source>/fonts/roles.toml.
  static std::string default_path();
};

class FontSet {
 public:
  explicit FontSet(FontRoles roles);
  ~FontSet();
  FontSet(const FontSet&) = delete;
  FontSet& operator=(const FontSet&) = delete;

  // The fallback chain of a role at a weight, primary first. Unresolvable families are reported
  // (font.unresolved-family) and skipped; a family whose font file is corrupt or truncated is
  // reported with the file (font.bad-file): a warning naming the face used instead when the chain
  // has another face, an error when it has none. An unknown role or a chain with no face at all
  // is an error (font.unknown-role / font.no-face) and returns an empty chain. The problems of a
  // chain are reported once, to the first caller that passes a sink.
  const std::vector<FaceId>& chain(std::string_view role, int weight, Diagnostics& diags);
  // The same chain, resolved without reporting (metrics looked up before any text is set); its
  // problems stay for the first chain(role, weight, diags).
  const std::vector<FaceId>& chain(std::string_view role, int weight);
  const Face& face(FaceId id) const { return *faces_.at(id); }
  std::size_t face_count() const { return faces_.size(); }
  const FontRoles& roles() const { return roles_; }

  // Loads a face from a file directly (tests, descriptor `font_file`). Reports font.bad-file
  // (every call: a file that failed is not read again, its problems are remembered).
  std::optional<FaceId> load_file(const std::string& path, int index, Diagnostics& diags);

 private:
  struct FamilyMatch {
    std::optional<FaceId> face;
    std::vector<Diagnostic> file_problems;  // why fontconfig's file for the family is unusable
  };
  struct Chain {
    std::vector<FaceId> faces;
    Diagnostics problems;  // reported to the first chain(…, diags)
    bool reported = false;
  };
  FamilyMatch resolve_family(const std::string& family, int weight, Diagnostics& diags);
  std::optional<FaceId> open_file(const std::string& path, int index, Diagnostics& diags);  // mu_ held
  Chain& resolve_chain(std::string_view role, int weight);
  FontRoles roles_;
  std::vector<std::unique_ptr<Face>> faces_;
  std::map<std::pair<std::string, int>, FaceId> by_file_;                       // (path, index) → face
  std::map<std::pair<std::string, int>, std::vector<Diagnostic>> failed_files_;  // (path, index) → why
  std::map<std::pair<std::string, int>, FamilyMatch> by_family_;                 // (family, weight)
  std::map<std::pair<std::string, int>, Chain> chains_;
  std::mutex mu_;
};

}  // namespace paiban
