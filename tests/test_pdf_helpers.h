// Shared by tests/test_pdf*.cpp: pages made from real shaped text, and reading written PDFs back
// with independent tools (qpdf JSON, poppler, Ghostscript).
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
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

}  // namespace paiban::pdftest
