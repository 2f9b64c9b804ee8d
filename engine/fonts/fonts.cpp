#include "engine/fonts/fonts.h"

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

}  // namespace

Face::Face(FaceInfo info, hb_face_t* face, hb_font_t* font) : info_(std::move(info)), face_(face), font_(font) {}

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

bool Face::has_char(char32_t c) const { return glyph_for(c) != 0; }

std::uint32_t Face::glyph_for(char32_t c) const {
  hb_codepoint_t g = 0;
  return hb_font_get_nominal_glyph(font_, c, &g) ? g : 0;
}

std::uint32_t Face::glyph_count() const { return hb_face_get_glyph_count(face_); }

int Face::advance_units(std::uint32_t gid) const { return hb_font_get_glyph_h_advance(font_, gid); }

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

std::optional<FaceId> FontSet::resolve_family(const std::string& family, int weight, Diagnostics& diags) {
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
  std::optional<FaceId> out;
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
      out = load_file(reinterpret_cast<char*>(file), index, diags);
    }
  }
  if (!out)
    diags.warning("font.unresolved-family", {}, "fontconfig has no font family '" + family + "'",
                  "install the package that provides it (tools/check installs the defaults)");
  std::lock_guard lock(mu_);
  by_family_.emplace(key, out);
  return out;
}

const std::vector<FaceId>& FontSet::chain(std::string_view role_name, int weight, Diagnostics& diags) {
  auto key = std::make_pair(std::string(role_name), weight);
  {
    std::lock_guard lock(mu_);
    if (auto it = chains_.find(key); it != chains_.end()) return it->second;
  }
  std::vector<FaceId> ids;
  auto rit = roles_.roles.find(std::string(role_name));
  if (rit == roles_.roles.end()) {
    std::vector<std::string> names;
    for (const auto& [n, r] : roles_.roles) names.push_back(n);
    const std::string dym = did_you_mean(std::string(role_name), names);
    diags.error("font.unknown-role", {}, "unknown font role '" + std::string(role_name) + "'",
                dym.empty() ? "roles are defined in fonts/roles.toml" : "did you mean '" + dym + "'?");
  } else {
    const FontRole& role = rit->second;
    const int w = nearest_weight(role.weights, weight);
    for (std::size_t i = 0; i < role.chain.size(); ++i) {
      // Fallback families are taken at the nearest weight fontconfig has; only the primary
      // family's weight list is authoritative.
      if (auto id = resolve_family(role.chain[i], i == 0 ? w : weight, diags))
        if (std::find(ids.begin(), ids.end(), *id) == ids.end()) ids.push_back(*id);
    }
    if (ids.empty())
      diags.error("font.no-face", {}, "no font of role '" + role.name + "' is installed",
                  "install one of: " + [&] { std::string s; for (auto& f : role.chain) s += (s.empty() ? "" : ", ") + f; return s; }());
  }
  std::lock_guard lock(mu_);
  return chains_.emplace(key, std::move(ids)).first->second;
}

}  // namespace paiban
