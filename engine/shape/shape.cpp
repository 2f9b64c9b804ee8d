#include "engine/shape/shape.h"

#include <hb.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <cstdio>
#include <memory>
#include <ostream>

#include "engine/base/text.h"

namespace paiban {
namespace {

struct HbBufferDel { void operator()(hb_buffer_t* b) const { hb_buffer_destroy(b); } };
using HbBufferPtr = std::unique_ptr<hb_buffer_t, HbBufferDel>;

// CJK Unified Ideographs (U+4E00..U+9FFF), ~85 % of a Chinese text: script Han, general category
// Lo, not default-ignorable (Scripts.txt, DerivedCoreProperties.txt), so the ICU lookups below
// are skipped for them.
bool is_uro_ideograph(char32_t c) { return c >= 0x4E00 && c <= 0x9FFF; }

// Characters that take the face of their neighbours instead of choosing one: combining marks,
// joiners, variation selectors, spaces. They never force a fallback switch.
bool follows_neighbour(char32_t c) {
  if (is_uro_ideograph(c)) return false;
  const auto gc = static_cast<UCharCategory>(u_charType(static_cast<UChar32>(c)));
  if (gc == U_NON_SPACING_MARK || gc == U_ENCLOSING_MARK || gc == U_COMBINING_SPACING_MARK) return true;
  return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
         (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
}

// ICU's script code → HarfBuzz's, by the ISO 15924 name; the last conversion is remembered
// (neighbouring characters share their script).
class ScriptOf {
 public:
  hb_script_t operator()(char32_t c) {
    if (is_uro_ideograph(c)) return HB_SCRIPT_HAN;
    UErrorCode st = U_ZERO_ERROR;
    const UScriptCode sc = uscript_getScript(static_cast<UChar32>(c), &st);
    if (U_FAILURE(st) || sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED || sc == USCRIPT_UNKNOWN)
      return HB_SCRIPT_COMMON;
    if (sc != last_icu_) {
      last_icu_ = sc;
      last_hb_ = hb_script_from_string(uscript_getShortName(sc), -1);
    }
    return last_hb_;
  }

 private:
  UScriptCode last_icu_ = USCRIPT_INVALID_CODE;
  hb_script_t last_hb_ = HB_SCRIPT_INVALID;
};

}  // namespace

const ShapedRun& ShapedText::run_of_glyph(std::uint32_t g) const {
  for (const auto& r : runs)
    if (g >= r.glyph_begin && g < r.glyph_end) return r;
  return runs.back();
}

void ShapedText::dump(std::ostream& os) const {
  for (const auto& r : runs) {
    os << "face=" << r.face << " size=" << fmt_pt(r.size) << " ["
       << encode_utf8(std::u32string_view(text).substr(r.text_begin, r.text_end - r.text_begin)) << "]";
    for (std::uint32_t g = r.glyph_begin; g < r.glyph_end; ++g) {
      const auto& gl = glyphs[g];
      os << (g == r.glyph_begin ? " " : "|") << "gid" << gl.gid << '=' << gl.cluster;
      if (gl.x_offset || gl.y_offset) os << '@' << fmt_pt(gl.x_offset) << ',' << fmt_pt(gl.y_offset);
      os << '+' << fmt_pt(gl.advance);
      if (gl.unsafe_to_break) os << '#';
    }
    os << '\n';
  }
  for (const auto& m : missing) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(m.ch));
    os << "missing " << buf << " at " << m.index << '\n';
  }
}

ShapedText shape(FontSet& fonts, std::u32string_view text, const TextStyle& style, Diagnostics& diags,
                 const SourceLoc& where) {
  ShapedText out;
  out.text.assign(text);
  out.style = style;
  const std::vector<FaceId>& chain = fonts.chain(style.role, style.weight, diags);
  if (text.empty()) return out;
  if (chain.empty()) {
    // FontSet reports an unusable role once, without a place, and caches the empty chain (the
    // first request may even come with a throw-away sink); this text is not set at all, so it is
    // reported here, where it comes from, with how much is missing: text is never lost silently.
    diags.error("font.no-face", where,
                std::to_string(text.size()) + " characters in role '" + style.role + "' are not set: no font of the role is available",
                "install a family of the role's chain, or change the role in fonts/roles.toml");
    return out;
  }

  // 1. Face per code point: the first face of the chain that has it (fallback, issue 2 §3).
  const std::size_t n = text.size();
  std::vector<FaceId> face_of(n, chain.front());
  std::vector<char> decided(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const char32_t c = text[i];
    if (follows_neighbour(c) || c == U' ') continue;
    bool found = false;
    for (FaceId f : chain) {
      if (fonts.face(f).has_char(c)) { face_of[i] = f; found = true; break; }
    }
    decided[i] = 1;
    if (!found) {
      out.missing.push_back({static_cast<std::uint32_t>(i), c});
      char buf[64];
      std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
      diags.error("font.missing-glyph", where.at(i),
                  std::string("no font of role '") + style.role + "' has " + buf + " (character " +
                      std::to_string(i + 1) + " of the paragraph)",
                  "it is drawn as .notdef; add a font with this character to the role's chain");
    }
  }
  // Undecided characters (marks, spaces, joiners) take the previous decided face (else the next).
  for (std::size_t i = 0; i < n; ++i) {
    if (decided[i]) continue;
    if (i > 0) face_of[i] = face_of[i - 1];
    else {
      for (std::size_t j = 1; j < n; ++j) if (decided[j]) { face_of[0] = face_of[j]; break; }
    }
  }
  // 2. Script per code point, Common/Inherited resolved to the surrounding script.
  std::vector<hb_script_t> script(n);
  hb_script_t last = HB_SCRIPT_COMMON;
  ScriptOf script_of;
  for (std::size_t i = 0; i < n; ++i) {
    script[i] = script_of(text[i]);
    if (script[i] != HB_SCRIPT_COMMON) last = script[i];
    else script[i] = last;
  }
  hb_script_t next = HB_SCRIPT_HAN;
  for (std::size_t i = n; i-- > 0;) {
    if (script[i] == HB_SCRIPT_COMMON) script[i] = next; else next = script[i];
  }
  // Hiragana/Katakana/Bopomofo shape fine with Han's shaper; keep CJK in one run.
  auto norm = [](hb_script_t s) {
    return (s == HB_SCRIPT_HIRAGANA || s == HB_SCRIPT_KATAKANA || s == HB_SCRIPT_BOPOMOFO) ? HB_SCRIPT_HAN : s;
  };

  // 3. Shape each (face, script) run.
  HbBufferPtr buf(hb_buffer_create());
  const hb_language_t lang = hb_language_from_string(style.language.c_str(), -1);
  out.glyphs.reserve(n);
  std::size_t start = 0;
  while (start < n) {
    std::size_t end = start + 1;
    while (end < n && face_of[end] == face_of[start] && norm(script[end]) == norm(script[start])) ++end;
    const Face& face = fonts.face(face_of[start]);
    hb_buffer_clear_contents(buf.get());
    // Whole text as context so shaping at run edges sees its neighbours.
    hb_buffer_add_utf32(buf.get(), reinterpret_cast<const std::uint32_t*>(text.data()), static_cast<int>(n),
                        static_cast<unsigned>(start), static_cast<int>(end - start));
    hb_buffer_set_direction(buf.get(), HB_DIRECTION_LTR);
    hb_buffer_set_script(buf.get(), norm(script[start]));
    hb_buffer_set_language(buf.get(), lang);
    hb_buffer_set_cluster_level(buf.get(), HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
    hb_shape(face.hb_font_at(style.size), buf.get(), nullptr, 0);
    unsigned count = 0;
    const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buf.get(), &count);
    const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buf.get(), &count);
    ShapedRun run;
    run.face = face_of[start];
    run.size = style.size;
    run.text_begin = static_cast<std::uint32_t>(start);
    run.text_end = static_cast<std::uint32_t>(end);
    run.glyph_begin = static_cast<std::uint32_t>(out.glyphs.size());
    for (unsigned g = 0; g < count; ++g) {
      ShapedGlyph sg;
      sg.gid = info[g].codepoint;
      sg.cluster = info[g].cluster;
      sg.advance = pos[g].x_advance;
      sg.x_offset = pos[g].x_offset;
      sg.y_offset = pos[g].y_offset;
      sg.unsafe_to_break = (hb_glyph_info_get_glyph_flags(&info[g]) & HB_GLYPH_FLAG_UNSAFE_TO_BREAK) != 0;
      out.glyphs.push_back(sg);
    }
    run.glyph_end = static_cast<std::uint32_t>(out.glyphs.size());
    out.runs.push_back(run);
    start = end;
  }
  return out;
}

}  // namespace paiban
