#include "engine/pdf/font_embed.h"

#include <hb-ot.h>
#include <hb.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

namespace paiban::pdf {
namespace {

struct TableBlobDel { void operator()(hb_blob_t* p) const { hb_blob_destroy(p); } };
using TableBlob = std::unique_ptr<hb_blob_t, TableBlobDel>;

void hex4(std::string& s, std::uint32_t v) {
  static const char* hex = "0123456789ABCDEF";
  for (int sh = 12; sh >= 0; sh -= 4) s += hex[(v >> sh) & 0xF];
}

std::string utf16be_hex(std::u32string_view text) {
  std::string s;
  for (char32_t c : text) {
    if (c >= 0x10000) {
      hex4(s, 0xD800 + ((c - 0x10000) >> 10));
      hex4(s, 0xDC00 + ((c - 0x10000) & 0x3FF));
    } else {
      hex4(s, c);
    }
  }
  return s;
}

struct Metrics {
  int bbox[4] = {0, -120, 1000, 880};
  int ascent = 880, descent = -120, cap_height = 700, stem_v = 80, italic_angle = 0;
};

int to1000(std::int64_t v, int upem) {
  const std::int64_t n = v * 1000;
  return static_cast<int>(n >= 0 ? (n + upem / 2) / upem : -((-n + upem / 2) / upem));
}

Metrics metrics(const Face& face) {
  Metrics m;
  const int upem = face.info().units_per_em > 0 ? face.info().units_per_em : 1000;
  TableBlob head(hb_face_reference_table(face.hb_face(), HB_TAG('h', 'e', 'a', 'd')));
  unsigned len = 0;
  const char* d = hb_blob_get_data(head.get(), &len);
  if (d && len >= 54) {
    auto s16 = [&](unsigned off) {
      return static_cast<std::int16_t>((static_cast<std::uint8_t>(d[off]) << 8) | static_cast<std::uint8_t>(d[off + 1]));
    };
    for (int i = 0; i < 4; ++i) m.bbox[i] = to1000(s16(36 + 2 * static_cast<unsigned>(i)), upem);
  }
  hb_font_t* font = face.hb_font_at(upem);  // scale = upem: metrics arrive in font units
  hb_position_t v = 0;
  if (hb_ot_metrics_get_position(font, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &v)) m.ascent = to1000(v, upem);
  if (hb_ot_metrics_get_position(font, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &v)) m.descent = to1000(v, upem);
  if (hb_ot_metrics_get_position(font, HB_OT_METRICS_TAG_CAP_HEIGHT, &v) && v > 0) m.cap_height = to1000(v, upem);
  else m.cap_height = m.ascent;
  // No outline-derived stem width is at hand; StemV ≈ 50 + (weight/65)², the usual estimate from
  // the OS/2 weight class (Regular → 88, Bold → 166). Viewers use it only to synthesise a
  // substitute, which never happens for an embedded font.
  const double w = face.info().weight > 0 ? face.info().weight : 400;
  m.stem_v = static_cast<int>(std::lround(50 + (w / 65) * (w / 65)));
  m.italic_angle = static_cast<int>(std::lround(hb_style_get_value(font, HB_STYLE_TAG_SLANT_ANGLE)));
  return m;
}

}  // namespace

std::string to_unicode_cmap(const std::vector<std::pair<std::uint16_t, const std::u32string*>>& text_of_code) {
  std::string s =
      "/CIDInit /ProcSet findresource begin\n"
      "12 dict begin\n"
      "begincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n"
      "/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
  std::vector<std::pair<std::uint16_t, const std::u32string*>> entries;
  for (const auto& [code, text] : text_of_code)
    if (!text->empty()) entries.push_back({code, text});
  // At most 100 entries per bfchar block (PDF 32000-1 §9.10.3, after Adobe TN #5411).
  for (std::size_t i = 0; i < entries.size(); i += 100) {
    const std::size_t n = std::min<std::size_t>(100, entries.size() - i);
    s += std::to_string(n) + " beginbfchar\n";
    for (std::size_t k = i; k < i + n; ++k) {
      s += "<";
      hex4(s, entries[k].first);
      s += "> <" + utf16be_hex(*entries[k].second) + ">\n";
    }
    s += "endbfchar\n";
  }
  s += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
  return s;
}

HPDF_Dict embed_font(Document& doc, const Face& face, const FontSubset& subset,
                     const std::set<std::uint32_t>& gids, const std::vector<std::int32_t>& width,
                     const GlyphTexts& text,
                     std::string_view deflated_program, HPDF_Dict into) {
  const std::string base = subset.base_font();
  const bool cff = subset.format == FontFormat::Cff;
  const Metrics m = metrics(face);

  // Font program.
  HPDF_Dict program = doc.prefiltered_stream(subset.program, deflated_program);
  if (cff) {
    doc.add_name(program, "Subtype", "CIDFontType0C");
  } else {
    doc.add_int(program, "Length1", static_cast<std::int32_t>(subset.program.size()));
  }

  HPDF_Dict fd = doc.indirect_dict();
  doc.add_name(fd, "Type", "FontDescriptor");
  doc.add_name(fd, "FontName", base.c_str());
  // Symbolic (bit 3): glyphs are selected by CID, not by a standard Latin encoding.
  doc.add_int(fd, "Flags", 4 | (m.italic_angle != 0 ? 64 : 0));
  doc.add(fd, "FontBBox", doc.numbers({m.bbox[0], m.bbox[1], m.bbox[2], m.bbox[3]}));
  doc.add_int(fd, "ItalicAngle", m.italic_angle);
  doc.add_int(fd, "Ascent", m.ascent);
  doc.add_int(fd, "Descent", m.descent);
  doc.add_int(fd, "CapHeight", m.cap_height);
  doc.add_int(fd, "StemV", m.stem_v);
  doc.add(fd, cff ? "FontFile3" : "FontFile2", program);

  // Widths by code. /DW is the commonest width (1000 for CJK), /W lists the others as
  // `first [w1 w2 …]` runs of consecutive codes.
  // `gids`: the glyphs the file shows; `width` and `text` are by glyph id.
  auto code_of = [&](std::size_t gid) { return gid < subset.code_of.size() ? subset.code_of[gid] : -1; };
  // Sorted vectors, not maps: a file shows ≈ 2,500 glyphs, and a node per glyph per file was a
  // third of this function's time.
  std::vector<std::pair<std::uint16_t, int>> w_of_code;
  w_of_code.reserve(gids.size());
  for (std::uint32_t gid : gids)
    if (const std::int32_t c = code_of(gid); gid < width.size() && width[gid] >= 0 && c >= 0)
      w_of_code.emplace_back(static_cast<std::uint16_t>(c), width[gid]);
  std::sort(w_of_code.begin(), w_of_code.end());  // codes are unique: one per glyph
  std::map<int, int> freq;
  for (const auto& [c, w] : w_of_code) ++freq[w];
  int dw = 1000;
  int best = -1;
  for (const auto& [w, n] : freq)
    if (n > best) {
      best = n;
      dw = w;
    }
  HPDF_Array warr = doc.array();
  HPDF_Array run = nullptr;
  int prev = -2;
  for (const auto& [c, w] : w_of_code) {
    if (w == dw) {
      prev = -2;
      continue;
    }
    if (c != prev + 1 || !run) {
      doc.push_int(warr, c);
      run = doc.array();
      doc.push(warr, run);
    }
    doc.push_int(run, w);
    prev = c;
  }

  HPDF_Dict cid = doc.indirect_dict();
  doc.add_name(cid, "Type", "Font");
  doc.add_name(cid, "Subtype", cff ? "CIDFontType0" : "CIDFontType2");
  doc.add_name(cid, "BaseFont", base.c_str());
  HPDF_Dict sysinfo = doc.dict();
  doc.add(sysinfo, "Registry", doc.ascii("Adobe"));
  doc.add(sysinfo, "Ordering", doc.ascii("Identity"));
  doc.add_int(sysinfo, "Supplement", 0);
  doc.add(cid, "CIDSystemInfo", sysinfo);
  doc.add(cid, "FontDescriptor", fd);
  doc.add_int(cid, "DW", dw);
  doc.add(cid, "W", warr);
  if (!cff) {
    HPDF_Dict c2g = doc.prefiltered_stream(subset.cid_to_gid_bytes, subset.cid_to_gid_deflated);
    doc.add(cid, "CIDToGIDMap", c2g);
  }

  std::vector<std::pair<std::uint16_t, const std::u32string*>> text_of_code;
  text_of_code.reserve(gids.size());
  for (std::uint32_t gid : gids)
    if (const std::int32_t c = code_of(gid); c >= 0)
      if (const auto t = text.find(gid); t != text.end() && t->second)
        text_of_code.emplace_back(static_cast<std::uint16_t>(c), t->second);
  std::sort(text_of_code.begin(), text_of_code.end());
  HPDF_Dict tu = doc.fast_stream(to_unicode_cmap(text_of_code));

  HPDF_Dict type0 = into ? into : doc.indirect_dict();
  doc.add_name(type0, "Type", "Font");
  doc.add_name(type0, "Subtype", "Type0");
  doc.add_name(type0, "BaseFont", base.c_str());
  doc.add_name(type0, "Encoding", "Identity-H");
  HPDF_Array desc = doc.array();
  doc.push(desc, cid);
  doc.add(type0, "DescendantFonts", desc);
  doc.add(type0, "ToUnicode", tu);
  return type0;
}

}  // namespace paiban::pdf
