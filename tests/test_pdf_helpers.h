// Shared by tests/test_pdf*.cpp: pages made from real shaped text, and reading written PDFs back
// with independent tools (qpdf JSON, poppler, Ghostscript).
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "engine/base/text.h"
#include "engine/pdf/pdf.h"
#include "engine/shape/shape.h"
#include "support/test_support.h"

namespace paiban::pdftest {

using nlohmann::json;

inline FontSet& fonts() {
  static FontSet* f = [] {
    Diagnostics d;
    return new FontSet(FontRoles::load(test::source_dir() + "/fonts/roles.toml", d));
  }();
  return *f;
}

// The ICC profile Ghostscript ships in Debian (libgs-common): a CMYK printer profile, ICC v2.
inline std::string cmyk_profile() {
  static const std::string path = [] {
    auto r = test::run("dpkg -L libgs-common ghostscript 2>/dev/null | grep -i 'cmyk.*icc$'");
    std::istringstream in(r.out);
    std::string line, best;
    while (std::getline(in, line))
      if (line.find("default_cmyk.icc") != std::string::npos || best.empty()) best = line;
    return best;
  }();
  return path;
}

inline PdfOptions plate_options() {
  PdfOptions o;
  o.title = "测试版 A1";
  o.source_date_epoch = 1718323200;  // 2024-06-14, as CTest sets SOURCE_DATE_EPOCH
  o.output_profile = cmyk_profile();
  return o;
}

inline Page empty_page(const std::string& label = "A1") {
  Page p;
  p.label = label;
  p.trim_width = sp_from_mm(390);
  p.trim_height = sp_from_mm(540);
  p.bleed = sp_from_mm(3);
  return p;
}

// Lays `text` out as the composer would: paragraphs (split at '\n') shaped once, glyphs set
// along lines of `measure`, one GlyphRunItem per line and face. Each cluster's first glyph
// carries the cluster's characters (page.h), the others none.
struct Setting {
  std::string role = "song";
  int weight = 400;
  Sp size = sp_from_pt(9);
  Sp measure = sp_from_mm(350);
  Point at{sp_from_mm(20), sp_from_mm(30)};
  Cmyk colour = Cmyk::black();
};

inline Sp set_text(Page& page, const std::u32string& text, const Setting& s, Diagnostics& diags) {
  const Sp pitch = s.size * 3 / 2;
  Sp y = s.at.y + s.size;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(U'\n', start);
    if (end == std::u32string::npos) end = text.size();
    const std::u32string para = text.substr(start, end - start);
    start = end + 1;
    if (para.empty()) continue;
    TextStyle style;
    style.role = s.role;
    style.weight = s.weight;
    style.size = s.size;
    const ShapedText sh = shape(fonts(), para, style, diags);
    Sp pen = 0;
    GlyphRunItem* run = nullptr;
    for (std::size_t i = 0; i < sh.glyphs.size(); ++i) {
      const ShapedGlyph& g = sh.glyphs[i];
      const FaceId face = sh.run_of_glyph(static_cast<std::uint32_t>(i)).face;
      if (pen + g.advance > s.measure) {
        y += pitch;
        pen = 0;
        run = nullptr;
      }
      if (!run || run->face != face) {
        GlyphRunItem r;
        r.face = face;
        r.size = s.size;
        r.origin = {s.at.x + pen, y};
        r.colour = s.colour;
        page.items.push_back(r);
        run = &std::get<GlyphRunItem>(page.items.back());
      }
      PlacedGlyph pg;
      pg.gid = g.gid;
      pg.x = s.at.x + pen - run->origin.x + g.x_offset;
      pg.y = -g.y_offset;
      pg.advance = g.advance;
      const bool first = i == 0 || sh.glyphs[i - 1].cluster != g.cluster;
      if (first) {
        std::uint32_t next = static_cast<std::uint32_t>(para.size());
        for (std::size_t k = i + 1; k < sh.glyphs.size(); ++k)
          if (sh.glyphs[k].cluster != g.cluster) {
            next = sh.glyphs[k].cluster;
            break;
          }
        pg.text = para.substr(g.cluster, next - g.cluster);
      }
      run->glyphs.push_back(pg);
      pen += g.advance;
    }
    y += pitch;
  }
  return y;
}

inline std::u32string read_text(const std::string& path) {
  auto u = decode_utf8(test::read_file(path));
  return u ? *u : std::u32string();
}

inline std::string sh(const std::string& s) { return test::shell_quote(s); }

// qpdf's JSON (version 2) of the whole file: {"obj:N 0 R": {"value"|"stream": …}, "trailer": …}.
inline json qpdf_objects(const std::string& pdf) {
  auto r = test::run("qpdf --json=2 --json-key=qpdf " + sh(pdf));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out, nullptr, false);
  if (j.is_discarded() || !j.contains("qpdf")) return json::object();
  return j["qpdf"][1];
}

// The object behind a value: follows "N 0 R" references.
inline json deref(const json& objs, const json& v) {
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s.size() > 4 && s.compare(s.size() - 4, 4, " 0 R") == 0) {
      auto it = objs.find("obj:" + s);
      if (it == objs.end()) return json();
      const json& o = *it;
      if (o.contains("value")) return o["value"];
      if (o.contains("stream")) return o["stream"]["dict"];
    }
  }
  return v;
}

inline int objnum(const json& ref) { return std::stoi(ref.get<std::string>()); }

inline std::string stream_data(const std::string& pdf, int num) {
  return test::run("qpdf --show-object=" + std::to_string(num) + " --filtered-stream-data " + sh(pdf)).out;
}

inline std::vector<json> objects_where(const json& objs, const std::string& key, const std::string& value) {
  std::vector<json> out;
  for (auto it = objs.begin(); it != objs.end(); ++it) {
    const json& o = it.value();
    const json* d = o.contains("value") ? &o["value"] : (o.contains("stream") ? &o["stream"]["dict"] : nullptr);
    if (d && d->is_object() && d->contains(key) && (*d)[key] == value) out.push_back(*d);
  }
  return out;
}

inline std::vector<std::string> object_ids_where(const json& objs, const std::string& key, const std::string& value) {
  std::vector<std::string> out;
  for (auto it = objs.begin(); it != objs.end(); ++it) {
    const json& o = it.value();
    const json* d = o.contains("value") ? &o["value"] : (o.contains("stream") ? &o["stream"]["dict"] : nullptr);
    if (d && d->is_object() && d->contains(key) && (*d)[key] == value) out.push_back(it.key().substr(4));
  }
  return out;
}

// Decoded content streams of all pages, in page order.
inline std::vector<std::string> page_contents(const std::string& pdf) {
  const json objs = qpdf_objects(pdf);
  std::vector<std::string> out;
  const json trailer = objs["trailer"]["value"];
  const json root = deref(objs, trailer["/Root"]);
  const json pages = deref(objs, root["/Pages"]);
  for (const auto& kid : pages["/Kids"]) {
    const json page = deref(objs, kid);
    out.push_back(stream_data(pdf, objnum(page["/Contents"])));
  }
  return out;
}

inline std::string pdftotext(const std::string& pdf) {
  auto r = test::run("pdftotext -enc UTF-8 " + sh(pdf) + " -");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

inline std::string diag_text(const Diagnostics& d) {
  std::ostringstream s;
  d.dump(s);
  return s.str();
}

struct FontRow {
  std::string name, type, encoding, emb, sub, uni;
};

// pdffonts' table, cut at the column boundaries its dashed header line gives.
inline std::vector<FontRow> pdffonts(const std::string& pdf) {
  auto r = test::run("pdffonts " + sh(pdf));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::istringstream in(r.out);
  std::string line, dashes;
  std::getline(in, line);
  std::getline(in, dashes);
  std::vector<std::pair<std::size_t, std::size_t>> cols;
  for (std::size_t i = 0; i < dashes.size();) {
    const std::size_t j = dashes.find(' ', i);
    const std::size_t end = j == std::string::npos ? dashes.size() : j;
    cols.emplace_back(i, end - i);
    i = end + 1;
  }
  std::vector<FontRow> rows;
  auto cut = [](const std::string& l, std::pair<std::size_t, std::size_t> c) {
    std::string s = c.first < l.size() ? l.substr(c.first, c.second) : "";
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
  };
  while (std::getline(in, line))
    if (cols.size() >= 6)
      rows.push_back({cut(line, cols[0]), cut(line, cols[1]), cut(line, cols[2]), cut(line, cols[3]), cut(line, cols[4]),
                      cut(line, cols[5])});
  return rows;
}

// Checklist P01 and F01–F03 on a written plate: qpdf finds nothing, every font is an embedded,
// subset (ABCDEF+), Identity-H CID font with a ToUnicode map, and poppler renders silently.
inline std::vector<FontRow> check_plate(const std::string& pdf, bool has_text = true) {
  auto q = test::run("qpdf --check " + sh(pdf));
  EXPECT_EQ(q.exit_code, 0) << q.out << q.err;
  EXPECT_NE(q.out.find("No syntax or stream encoding errors found"), std::string::npos) << q.out;
  EXPECT_EQ(q.out.find("WARNING"), std::string::npos) << q.out;
  EXPECT_EQ(q.err, "");
  const auto rows = pdffonts(pdf);
  EXPECT_EQ(rows.empty(), !has_text);
  for (const auto& f : rows) {
    EXPECT_TRUE(std::regex_match(f.name, std::regex("[A-Z]{6}\\+[A-Za-z0-9-]+"))) << f.name;
    EXPECT_TRUE(f.type == "CID Type 0C" || f.type == "CID TrueType") << f.type;
    EXPECT_EQ(f.encoding, "Identity-H");
    EXPECT_EQ(f.emb, "yes");
    EXPECT_EQ(f.sub, "yes");
    EXPECT_EQ(f.uni, "yes");
  }
  auto r = test::run("pdftoppm -r 50 " + sh(pdf) + " " + sh(pdf + ".render"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "") << "poppler complained";
  auto gs = test::run("gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=nullpage " + sh(pdf) + " 2>&1");
  EXPECT_EQ(gs.exit_code, 0);
  EXPECT_EQ(gs.out, "") << "Ghostscript complained";
  return rows;
}

inline std::string write_plate(const std::vector<const Page*>& pages, const std::string& name,
                        const PdfOptions& options = plate_options()) {
  Diagnostics d;
  const std::string out = test::temp_dir("pdf") + "/" + name;
  EXPECT_TRUE(write_pdf(pages, fonts(), options, out, d)) << diag_text(d);
  EXPECT_FALSE(d.has_errors()) << diag_text(d);
  return out;
}

// 8-bit CMYK raster from Ghostscript (pamcmyk32), for ink and overprint checks.
struct CmykRaster {
  int width = 0, height = 0;
  std::string data;
  const unsigned char* at(int x, int y) const {
    return reinterpret_cast<const unsigned char*>(data.data()) + (static_cast<std::size_t>(y) * width + x) * 4;
  }
};

inline CmykRaster render_cmyk(const std::string& pdf, int dpi, bool overprint = true) {
  const std::string out = pdf + ".pam";
  auto r = test::run("gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pamcmyk32 -r" + std::to_string(dpi) +
                     (overprint ? " -dOverprint=/enable" : " -dOverprint=/disable") + " -sOutputFile=" + sh(out) +
                     " " + sh(pdf));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string pam = test::read_file(out);
  CmykRaster img;
  const std::size_t end = pam.find("ENDHDR\n");
  if (end == std::string::npos) return img;
  std::smatch m;
  const std::string hdr = pam.substr(0, end);
  if (std::regex_search(hdr, m, std::regex("WIDTH (\\d+)"))) img.width = std::stoi(m[1]);
  if (std::regex_search(hdr, m, std::regex("HEIGHT (\\d+)"))) img.height = std::stoi(m[1]);
  img.data = pam.substr(end + 7);
  EXPECT_EQ(img.data.size(), static_cast<std::size_t>(img.width) * img.height * 4);
  return img;
}

// Grey raster from poppler (PGM), for geometry checks.
struct GreyRaster {
  int width = 0, height = 0;
  std::string data;
  int at(int x, int y) const { return static_cast<unsigned char>(data[static_cast<std::size_t>(y) * width + x]); }
};

inline GreyRaster render_grey(const std::string& pdf, int dpi, const std::string& tag = "g") {
  const std::string base = pdf + "." + tag;
  auto r = test::run("pdftoppm -gray -r " + std::to_string(dpi) + " -singlefile " + sh(pdf) + " " + sh(base));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string pgm = test::read_file(base + ".pgm");
  GreyRaster img;
  std::istringstream in(pgm);
  std::string magic;
  int maxval = 0;
  in >> magic >> img.width >> img.height >> maxval;
  in.get();
  img.data = pgm.substr(static_cast<std::size_t>(in.tellg()));
  return img;
}

inline int px(Sp v, int dpi) { return static_cast<int>(pt_from_sp(v) * dpi / 72.0); }

}  // namespace paiban::pdftest
