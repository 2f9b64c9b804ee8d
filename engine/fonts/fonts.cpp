#include "engine/fonts/fonts.h"

#include <type_traits>

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_FONT_FORMATS_H
#include <hb-ot.h>
#include <hb.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <toml.hpp>

namespace paiban {
namespace {

// RAII owners for the C handles this file uses (each wrapped once, here).
struct FcPatternDel { void operator()(FcPattern* p) const { FcPatternDestroy(p); } };
using FcPatternPtr = std::unique_ptr<FcPattern, FcPatternDel>;
struct FtLibraryDel { void operator()(FT_Library l) const { FT_Done_FreeType(l); } };
using FtLibraryPtr = std::unique_ptr<std::remove_pointer_t<FT_Library>, FtLibraryDel>;
struct FtFaceDel { void operator()(FT_Face f) const { FT_Done_Face(f); } };
using FtFacePtr = std::unique_ptr<std::remove_pointer_t<FT_Face>, FtFaceDel>;
struct HbBlobDel { void operator()(hb_blob_t* b) const { hb_blob_destroy(b); } };
using HbBlobPtr = std::unique_ptr<hb_blob_t, HbBlobDel>;

int nearest_weight(const std::vector<int>& weights, int w) {
  if (weights.empty()) return w;
  return *std::min_element(weights.begin(), weights.end(),
                           [&](int a, int b) { return std::abs(a - w) < std::abs(b - w); });
}

std::string lowercase(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::uint32_t be(const char* p, int bytes) {
  std::uint32_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// The sfnt table directory of face `index` (OpenType spec, "Font file" / "Font collections"),
// read from the file itself: the first table that runs past the end of the file, described, or
// "" when every table is inside. Files that are not sfnt are left to FreeType's own checks.
std::string table_past_end(const char* data, std::size_t size, int index) {
  if (!data || size < 12) return "";
  std::size_t dir = 0;
  if (be(data, 4) == 0x74746366) {  // 'ttcf': a collection, one directory per face
    const std::size_t at = 12 + 4 * static_cast<std::size_t>(index);
    if (at + 4 > size) return "the collection's offset of face " + std::to_string(index) + " is missing";
    dir = be(data + at, 4);
  }
  if (dir + 12 > size) return "the table directory of face " + std::to_string(index) + " is missing";
  const std::size_t tables = be(data + dir + 4, 2);
  if (dir + 12 + 16 * tables > size) return "the table directory of face " + std::to_string(index) + " is cut short";
  for (std::size_t t = 0; t < tables; ++t) {
    const char* rec = data + dir + 12 + 16 * t;
    const std::uint64_t offset = be(rec + 8, 4), length = be(rec + 12, 4);
    if (offset + length > size)
      return "table '" + std::string(rec, 4) + "' of face " + std::to_string(index) + " (bytes " +
             std::to_string(offset) + "–" + std::to_string(offset + length) + ") runs past the end of the file (" +
             std::to_string(size) + " bytes)";
  }
  return "";
}

}  // namespace

Face::Face(FaceInfo info, hb_face_t* face, hb_font_t* font)
    : info_(std::move(info)), face_(face), font_(font), bmp_has_(new std::atomic<std::uint8_t>[0x10000]()) {}

Face::~Face() {
  for (auto& [size, f] : sized_) hb_font_destroy(f);
  hb_font_destroy(font_);
  hb_face_destroy(face_);
}

hb_font_t* Face::hb_font_at(Sp size) const {
  std::lock_guard lock(mu_);
  auto it = sized_.find(size);
  if (it != sized_.end()) return it->second;
  // Scale = size in sp per em: HarfBuzz then returns advances and offsets directly in sp
  // (DEVELOPERS.md: "set HarfBuzz's scale so positions arrive in engine units").
  hb_font_t* f = hb_font_create_sub_font(font_);
  const int s = static_cast<int>(size);
  hb_font_set_scale(f, s, s);
  hb_font_make_immutable(f);
  sized_.emplace(size, f);
  return f;
}

std::pair<Sp, Sp> Face::ink_extent(Sp size, std::uint32_t gid) const {
  const auto key = std::make_pair(size, gid);
  {
    std::lock_guard lock(mu_);
    if (auto it = inks_.find(key); it != inks_.end()) return it->second;
  }
  hb_glyph_extents_t e{};
  std::pair<Sp, Sp> r{0, 0};
  if (hb_font_get_glyph_extents(hb_font_at(size), gid, &e)) r = {e.x_bearing, e.x_bearing + e.width};
  std::lock_guard lock(mu_);
  inks_.emplace(key, r);
  return r;
}

bool Face::has_char(char32_t c) const {
  if (c >= 0x10000) return glyph_for(c) != 0;
  std::atomic<std::uint8_t>& known = bmp_has_[c];
  std::uint8_t v = known.load(std::memory_order_relaxed);
  if (v == 0) {
    v = glyph_for(c) != 0 ? 2 : 1;
    known.store(v, std::memory_order_relaxed);
  }
  return v == 2;
}

std::uint32_t Face::glyph_for(char32_t c) const {
  hb_codepoint_t g = 0;
  return hb_font_get_nominal_glyph(font_, c, &g) ? g : 0;
}

std::uint32_t Face::glyph_count() const { return hb_face_get_glyph_count(face_); }

int Face::advance_units(std::uint32_t gid) const { return hb_font_get_glyph_h_advance(font_, gid); }

std::vector<std::int32_t> Face::all_advance_units() const {
  static_assert(std::is_same_v<hb_position_t, std::int32_t>);
  const unsigned n = glyph_count();
  std::vector<hb_codepoint_t> gids(n);
  for (unsigned g = 0; g < n; ++g) gids[g] = g;
  std::vector<std::int32_t> adv(n);
  hb_font_get_glyph_h_advances(font_, n, gids.data(), sizeof(hb_codepoint_t), adv.data(), sizeof(std::int32_t));
  return adv;
}

FontRoles FontRoles::load(const std::string& path, Diagnostics& diags) {
  FontRoles out;
  try {
    const auto data = toml::parse(path);
    if (!data.contains("roles")) {
      diags.error("font.roles-file", {path}, "no [roles.*] table in the font roles file");
      return out;
    }
    for (const auto& [name, v] : toml::find(data, "roles").as_table()) {
      FontRole r;
      r.name = name;
      r.description = toml::find_or<std::string>(v, "description", "");
      r.chain = toml::find<std::vector<std::string>>(v, "chain");
      r.weights = toml::find_or<std::vector<int>>(v, "weights", std::vector<int>{400});
      if (r.chain.empty()) {
        const auto& src = v.location();
        diags.error("font.roles-file", {path, static_cast<int>(src.line()), static_cast<int>(src.column())},
                    "role '" + name + "' has an empty chain");
        continue;
      }
      out.roles.emplace(name, std::move(r));
    }
  } catch (const toml::syntax_error& e) {
    diags.error("font.roles-file", {path}, std::string("malformed font roles file: ") + e.what());
  } catch (const std::exception& e) {
    diags.error("font.roles-file", {path}, std::string("cannot read font roles file: ") + e.what());
  }
  return out;
}

std::string FontRoles::default_path() {
  if (const char* p = std::getenv("PAIBAN_FONT_ROLES")) return p;
  // Installed layout first, then the source tree the binary was built from.
  for (const std::string& p : {std::string(PAIBAN_SOURCE_DIR) + "/fonts/roles.toml",
                               std::string("/usr/share/paiban/fonts/roles.toml")})
    if (std::filesystem::exists(p)) return p;
  return "fonts/roles.toml";
}

FontSet::FontSet(FontRoles roles) : roles_(std::move(roles)) { FcInit(); }
FontSet::~FontSet() = default;

std::optional<FaceId> FontSet::load_file(const std::string& path, int index, Diagnostics& diags) {
  std::lock_guard lock(mu_);
  auto key = std::make_pair(path, index);
  if (auto it = by_file_.find(key); it != by_file_.end()) return it->second;
  if (auto it = failed_files_.find(key); it != failed_files_.end()) {
    for (const Diagnostic& d : it->second) diags.add(d);
    return std::nullopt;
  }
  Diagnostics found;
  std::optional<FaceId> id = open_file(path, index, found);
  if (!id) failed_files_.emplace(key, found.all());
  diags.append(found);
  return id;
}

std::optional<FaceId> FontSet::open_file(const std::string& path, int index, Diagnostics& diags) {
  auto key = std::make_pair(path, index);

  // FreeType validates the file (a truncated or corrupt font fails here with a clear message
  // instead of shaping garbage) and tells CFF from TrueType outlines.
  FT_Library lib_raw = nullptr;
  if (FT_Init_FreeType(&lib_raw)) {
    diags.error("font.freetype", {path}, "FreeType could not be initialised");
    return std::nullopt;
  }
  FtLibraryPtr lib(lib_raw);
  FT_Face ft_raw = nullptr;
  if (FT_New_Face(lib.get(), path.c_str(), index, &ft_raw) || !ft_raw) {
    diags.error("font.bad-file", {path}, "cannot load face " + std::to_string(index) + " of this font file",
                "the file is missing, truncated or not a font");
    return std::nullopt;
  }
  FtFacePtr ft(ft_raw);
  const char* fmt = FT_Get_Font_Format(ft.get());
  FaceInfo info;
  info.path = path;
  info.index = index;
  info.family = ft->family_name ? ft->family_name : "";
  const char* ps = FT_Get_Postscript_Name(ft.get());
  info.postscript_name = ps ? ps : info.family;
  info.units_per_em = ft->units_per_EM ? ft->units_per_EM : 1000;
  const std::string f = fmt ? fmt : "";
  if (f == "CFF") info.format = FontFormat::Cff;
  else if (f == "TrueType") info.format = FontFormat::TrueType;
  else {
    diags.error("font.unsupported-format", {path}, "font format '" + f + "' is not supported",
                "use OpenType/CFF or TrueType fonts");
    return std::nullopt;
  }
  if (ft->num_glyphs <= 1) {
    diags.error("font.bad-file", {path}, "font has no glyphs");
    return std::nullopt;
  }

  HbBlobPtr blob(hb_blob_create_from_file_or_fail(path.c_str()));
  if (!blob) {
    diags.error("font.bad-file", {path}, "cannot read font file");
    return std::nullopt;
  }
  hb_face_t* face = hb_face_create(blob.get(), static_cast<unsigned>(index));
  if (hb_face_get_glyph_count(face) == 0) {
    hb_face_destroy(face);
    diags.error("font.bad-file", {path}, "HarfBuzz found no glyphs in face " + std::to_string(index));
    return std::nullopt;
  }
  // FreeType and HarfBuzz read outlines lazily (and FreeType quietly shortens or drops directory
  // entries that run past the end), so a truncated copy — a package upgrade cut short, a full
  // disk while copying — opens fine and would put empty or garbage glyphs on the plate: every
  // table the face's directory lists must lie wholly inside the file.
  unsigned file_size = 0;
  const char* data = hb_blob_get_data(blob.get(), &file_size);
  if (const std::string damage = table_past_end(data, file_size, index); !damage.empty()) {
    hb_face_destroy(face);
    diags.error("font.bad-file", {path}, "font file is truncated or damaged: " + damage,
                "reinstall the font package (the file is incomplete)");
    return std::nullopt;
  }
  hb_face_make_immutable(face);
  hb_font_t* font = hb_font_create(face);
  hb_font_set_scale(font, info.units_per_em, info.units_per_em);
  hb_font_make_immutable(font);
  info.weight = static_cast<int>(hb_style_get_value(font, HB_STYLE_TAG_WEIGHT));

  const FaceId id = static_cast<FaceId>(faces_.size());
  faces_.push_back(std::make_unique<Face>(std::move(info), face, font));
  by_file_.emplace(key, id);
  return id;
}

FontSet::FamilyMatch FontSet::resolve_family(const std::string& family, int weight, Diagnostics& diags) {
  auto key = std::make_pair(family, weight);
  {
    std::lock_guard lock(mu_);
    if (auto it = by_family_.find(key); it != by_family_.end()) return it->second;
  }
  // Ask fontconfig for the family with Simplified-Chinese language and the weight; the Noto
  // .ttc collections hold SC/TC/JP/KR faces, and the match picks the SC face's index.
  FcPatternPtr pat(FcPatternCreate());
  FcPatternAddString(pat.get(), FC_FAMILY, reinterpret_cast<const FcChar8*>(family.c_str()));
  FcPatternAddInteger(pat.get(), FC_WEIGHT, FcWeightFromOpenType(weight));
  FcPatternAddString(pat.get(), FC_LANG, reinterpret_cast<const FcChar8*>("zh-cn"));
  FcConfigSubstitute(nullptr, pat.get(), FcMatchPattern);
  FcDefaultSubstitute(pat.get());
  FcResult result;
  FcPatternPtr match(FcFontMatch(nullptr, pat.get(), &result));
  FamilyMatch out;
  if (match) {
    FcChar8* file = nullptr;
    int index = 0;
    bool family_ok = false;
    // fontconfig always returns *something*; accept it only if one of its family names is the
    // one asked for, otherwise the role would silently use an unrelated font.
    FcChar8* fam = nullptr;
    for (int i = 0; FcPatternGetString(match.get(), FC_FAMILY, i, &fam) == FcResultMatch; ++i)
      if (lowercase(reinterpret_cast<char*>(fam)) == lowercase(family)) family_ok = true;
    if (family_ok && FcPatternGetString(match.get(), FC_FILE, 0, &file) == FcResultMatch) {
      FcPatternGetInteger(match.get(), FC_INDEX, 0, &index);
      // fontconfig's cache still lists a file that was damaged after it was indexed: the file's
      // problems are kept for every chain that names the family (FontSet::chain reports them).
      Diagnostics problems;
      out.face = load_file(reinterpret_cast<char*>(file), index, problems);
      out.file_problems = problems.all();
    }
  }
  if (!out.face && out.file_problems.empty())
    diags.warning("font.unresolved-family", {}, "fontconfig has no font family '" + family + "'",
                  "install the package that provides it (tools/check installs the defaults)");
  std::lock_guard lock(mu_);
  return by_family_.emplace(key, out).first->second;
}

FontSet::Chain& FontSet::resolve_chain(std::string_view role_name, int weight) {
  auto key = std::make_pair(std::string(role_name), weight);
  {
    std::lock_guard lock(mu_);
    if (auto it = chains_.find(key); it != chains_.end()) return it->second;
  }
  Chain c;
  auto rit = roles_.roles.find(std::string(role_name));
  if (rit == roles_.roles.end()) {
    std::vector<std::string> names;
    for (const auto& [n, r] : roles_.roles) names.push_back(n);
    const std::string dym = did_you_mean(std::string(role_name), names);
    c.problems.error("font.unknown-role", {}, "unknown font role '" + std::string(role_name) + "'",
                     dym.empty() ? "roles are defined in fonts/roles.toml" : "did you mean '" + dym + "'?");
  } else {
    const FontRole& role = rit->second;
    const int w = nearest_weight(role.weights, weight);
    std::string first_family;  // the family that sets the role's text
    std::vector<std::pair<std::string, Diagnostic>> damaged;
    for (std::size_t i = 0; i < role.chain.size(); ++i) {
      // Fallback families are taken at the nearest weight fontconfig has; only the primary
      // family's weight list is authoritative.
      const FamilyMatch m = resolve_family(role.chain[i], i == 0 ? w : weight, c.problems);
      if (m.face) {
        if (std::find(c.faces.begin(), c.faces.end(), *m.face) == c.faces.end()) c.faces.push_back(*m.face);
        if (first_family.empty()) first_family = role.chain[i];
      }
      for (const Diagnostic& d : m.file_problems) damaged.push_back({role.chain[i], d});
    }
    // A damaged font file is never skipped silently. With another face of the chain the text is
    // still set (in the wrong face): a warning naming the file and the face used instead. With
    // none, an error (and font.no-face where the text is).
    for (auto& [family, d] : damaged) {
      d.message = "role '" + role.name + "' (weight " + std::to_string(weight) + "): family '" + family + "': " + d.message;
      if (!c.faces.empty()) {
        d.severity = Severity::Warning;
        d.hint = "its text is set in '" + first_family + "' instead; " + (d.hint.empty() ? "replace the file" : d.hint);
      }
      c.problems.add(std::move(d));
    }
    if (c.faces.empty())
      c.problems.error("font.no-face", {}, "no font of role '" + role.name + "' is installed",
                       "install one of: " + [&] { std::string s; for (auto& f : role.chain) s += (s.empty() ? "" : ", ") + f; return s; }());
  }
  std::lock_guard lock(mu_);
  return chains_.emplace(key, std::move(c)).first->second;
}

const std::vector<FaceId>& FontSet::chain(std::string_view role_name, int weight, Diagnostics& diags) {
  Chain& c = resolve_chain(role_name, weight);
  std::lock_guard lock(mu_);
  if (!c.reported) {
    diags.append(c.problems);
    c.reported = true;
  }
  return c.faces;
}

const std::vector<FaceId>& FontSet::chain(std::string_view role_name, int weight) {
  return resolve_chain(role_name, weight).faces;
}

}  // namespace paiban
