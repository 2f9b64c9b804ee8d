#include "engine/pdf/content.h"

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

#include "engine/base/text.h"

namespace paiban::pdf {

std::string fixed3(std::int64_t v) {
  // Hand-formatted (no snprintf): a page has thousands of these numbers.
  char buf[32];
  char* end = buf + sizeof buf;
  char* p = end;
  const bool negative = v < 0;
  std::uint64_t u = negative ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  int frac = static_cast<int>(u % 1000);
  u /= 1000;
  if (frac != 0) {
    int digits = 3;
    while (frac % 10 == 0) {  // trailing zeros dropped: 1.5, not 1.500
      frac /= 10;
      --digits;
    }
    for (int i = 0; i < digits; ++i, frac /= 10) *--p = static_cast<char>('0' + frac % 10);
    *--p = '.';
  }
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (negative) *--p = '-';
  return std::string(p, end);
}

namespace {

// a / b rounded half away from zero; b > 0.
std::int64_t div_round(std::int64_t a, std::int64_t b) { return a >= 0 ? (a + b / 2) / b : -((-a + b / 2) / b); }

std::string pt(Sp sp) { return fixed3(scale_sp(sp, 1000, kSpPerPt)); }

// 1e-6 pt in the pen's unit (1e-6 sp): 1 pt = 65536 sp.
constexpr std::int64_t kMicroSpPerMicroPt = kSpPerPt;

// v / 1e6 as the shortest decimal (at most 6 places).
std::string fixed6(std::int64_t v) {
  const bool negative = v < 0;
  const std::uint64_t u = negative ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  std::string s = negative ? "-" : "";
  s += std::to_string(u / 1000000);
  std::uint64_t frac = u % 1000000;
  if (frac != 0) {
    int digits = 6;
    while (frac % 10 == 0) {
      frac /= 10;
      --digits;
    }
    std::string f = std::to_string(frac);
    s += '.';
    s.append(static_cast<std::size_t>(digits) - f.size(), '0');
    s += f;
  }
  return s;
}

// The gap (1e-6 pt) between consecutive glyphs of the run that occurs most often beyond their
// advances, when it occurs at least twice; else 0. Ties go to the smaller gap (deterministic).
std::int64_t character_spacing(const GlyphRunItem& run, const std::vector<std::pair<std::uint16_t, int>>& metrics) {
  if (run.glyphs.size() < 3) return 0;
  std::vector<std::int64_t> gaps;
  gaps.reserve(run.glyphs.size() - 1);
  for (std::size_t i = 0; i + 1 < run.glyphs.size(); ++i) {
    const std::int64_t natural = static_cast<std::int64_t>(metrics[i].second) * run.size * 1000;  // 1e-6 sp
    const std::int64_t gap = (static_cast<std::int64_t>(run.glyphs[i + 1].x) - run.glyphs[i].x) * 1000000 - natural;
    gaps.push_back(div_round(gap, kMicroSpPerMicroPt));
  }
  std::sort(gaps.begin(), gaps.end());
  std::int64_t best = 0;
  std::size_t best_count = 1;
  for (std::size_t i = 0; i < gaps.size();) {
    std::size_t j = i;
    while (j < gaps.size() && gaps[j] == gaps[i]) ++j;
    if (j - i > best_count) {
      best = gaps[i];
      best_count = j - i;
    }
    i = j;
  }
  return best;
}

// Ink values are per mille (base/geometry.h); PDF wants 0‥1.
std::string ink(int permille) { return fixed3(std::clamp(permille, 0, 1000)); }

std::string utf16_hex(std::u32string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string s = "<FEFF";
  auto unit = [&](std::uint32_t v) {
    for (int sh = 12; sh >= 0; sh -= 4) s += hex[(v >> sh) & 0xF];
  };
  for (char32_t c : text) {
    if (c >= 0x10000) {
      unit(0xD800 + ((c - 0x10000) >> 10));
      unit(0xDC00 + ((c - 0x10000) & 0x3FF));
    } else {
      unit(c);
    }
  }
  return s + ">";
}

void hex4(std::string& s, std::uint16_t v) {
  static const char* hex = "0123456789ABCDEF";
  for (int sh = 12; sh >= 0; sh -= 4) s += hex[(v >> sh) & 0xF];
}

class PageWriter {
 public:
  PageWriter(const Page& page, ContentResources& res, Diagnostics& diags) : page_(page), res_(res), diags_(diags) {}

  std::string run() {
    for (const auto& item : page_.items) {
      std::visit(
          [&](const auto& it) {
            using T = std::decay_t<decltype(it)>;
            if constexpr (std::is_same_v<T, GlyphRunItem>) glyphs(it);
            else if constexpr (std::is_same_v<T, RuleItem>) rule(it);
            else if constexpr (std::is_same_v<T, BoxItem>) box(it);
            else if constexpr (std::is_same_v<T, CircleItem>) circle(it);
            else image(it);
          },
          item);
    }
    return std::move(out_);
  }

 private:
  // Page coordinates → PDF user space (MediaBox origin = the sheet's corner: the bleed corner,
  // or with marks the slug's, y up). The boxes in pdf.cpp use the same offsets.
  std::string X(Sp x) const { return pt(page_.slug + page_.bleed + x); }
  std::string Y(Sp y) const { return pt(page_.slug + page_.bleed + page_.trim_height - y); }

  void bad(const std::string& what) {
    diags_.error("pdf.bad-item", SourceLoc::on_page(page_.label), what);
  }

  // Checklist C05: black text and black lines overprint (/OP /op true with /OPM 1, so the zero
  // C, M and Y of the black do not knock out what lies beneath); everything else knocks out.
  void set_overprint(bool on) {
    if (on == overprint_) return;
    out_ += '/';
    out_ += res_.overprint_state(on);
    out_ += " gs\n";
    overprint_ = on;
  }

  std::string colour_op(const Cmyk& c, bool stroke) {
    if (!c.spot.empty()) {
      const std::string cs = res_.separation(c);
      return "/" + cs + (stroke ? " CS " : " cs ") + ink(c.tint) + (stroke ? " SCN" : " scn");
    }
    return ink(c.c) + " " + ink(c.m) + " " + ink(c.y) + " " + ink(c.k) + (stroke ? " K" : " k");
  }

  void set_fill(const Cmyk& c) {
    std::string op = colour_op(c, false);
    if (op != fill_) {
      out_ += op + "\n";
      fill_ = std::move(op);
    }
  }

  void set_stroke(const Cmyk& c) {
    std::string op = colour_op(c, true);
    if (op != stroke_) {
      out_ += op + "\n";
      stroke_ = std::move(op);
    }
  }

  void set_line_width(Sp w) {
    if (w == line_width_) return;
    out_ += pt(w) + " w\n";
    line_width_ = w;
  }

  void glyphs(const GlyphRunItem& run) {
    if (run.glyphs.empty()) return;
    const ContentFont* font = res_.font(run.face);
    if (!font) {
      bad("glyph run with face " + std::to_string(run.face) + " that has no embedded font");
      return;
    }
    if (run.size <= 0) {
      bad("glyph run with size " + pt(run.size) + " pt");
      return;
    }
    // Codes and widths looked up once per glyph, before anything of the run is written.
    metrics_.clear();
    for (const auto& g : run.glyphs) {
      const std::int32_t c = g.gid < font->code->size() ? (*font->code)[g.gid] : -1;
      const std::int32_t w = g.gid < font->width->size() ? (*font->width)[g.gid] : ContentFont::kNoWidth;
      if (c < 0 || w == ContentFont::kNoWidth) {
        bad("glyph " + std::to_string(g.gid) + " of face " + std::to_string(run.face) + " is not in its subset");
        return;
      }
      metrics_.emplace_back(static_cast<std::uint16_t>(c), w);
    }
    set_overprint(run.colour.is_pure_black());
    set_fill(run.colour);
    out_ += "BT\n";
    if (font->resource != font_ || run.size != font_size_) {
      out_ += "/" + font->resource + " " + pt(run.size) + " Tf\n";
      font_ = font->resource;
      font_size_ = run.size;
    }
    out_ += "1 0 0 1 " + X(run.origin.x) + " " + Y(run.origin.y) + " Tm\n";

    // Character spacing (Tc, PDF 32000-1 §9.3.2) carries the gap that recurs most along the run —
    // a justified CJK line spreads its glue evenly between characters — so TJ numbers remain
    // only where a gap differs (punctuation, CJK–Latin space). That halves the tokens of a
    // newspaper page: less to write, deflate, preflight and extract. Tc is in text space units
    // (points here: Tm is unscaled), printed to 1e-6 pt, i.e. 65536 units of the pen below.
    const std::int64_t tc = character_spacing(run, metrics_);
    if (tc != tc_) {
      out_ += fixed6(tc) + " Tc\n";
      tc_ = tc;
    }

    // TJ arithmetic in exact integers, in units of 1e-6 sp: a glyph of width w (1/1000 em)
    // moves the pen w·size·1000; a TJ number n/1000 (thousandths of an em) moves it −n·size.
    // Each adjustment is computed against the pen as a reader will compute it from the printed
    // numbers, so rounding never accumulates along the line.
    const std::int64_t size = run.size;
    constexpr std::int64_t kTolerance = 64 * 1000000;
    std::int64_t pen = 0;
    std::string arr;
    bool last_hex = false;
    auto flush = [&] {
      if (!arr.empty()) out_ += "[" + arr + "] TJ\n";
      arr.clear();
      last_hex = false;
    };
    for (std::size_t i = 0; i < run.glyphs.size(); ++i) {
      const auto& g = run.glyphs[i];
      const auto [code, w] = metrics_[i];
      const auto known = font->text->find(g.gid);
      const std::u32string* canon = known != font->text->end() ? known->second : nullptr;
      const bool actual = canon ? *canon != g.text : !g.text.empty();
      const Sp rise = -g.y;  // y down in the display list; Ts raises
      if (rise != rise_) {
        flush();
        out_ += pt(rise) + " Ts\n";
        rise_ = rise;
      }
      // The ToUnicode map has one text per glyph; an occurrence standing for other text (or for
      // none: the 2nd glyph of a cluster) carries its own as /ActualText (PDF 32000-1 §14.9.4).
      if (actual) {
        flush();
        out_ += "/Span<</ActualText " + utf16_hex(g.text) + ">>BDC\n";
      }
      const std::int64_t delta = static_cast<std::int64_t>(g.x) * 1000000 - pen;
      // Differences below 1/1000 pt (64 sp) are width rounding (/W is in 1/1000 em, shaping in
      // sp): left alone, since the pen is re-checked against the absolute target every glyph.
      const std::int64_t n = (delta > -kTolerance && delta < kTolerance) ? 0 : div_round(-delta, size);
      if (n != 0) {
        arr += fixed3(n);
        pen += -n * size;
        last_hex = false;
      }
      if (last_hex) {
        arr.pop_back();
        hex4(arr, code);
        arr += '>';
      } else {
        arr += '<';
        hex4(arr, code);
        arr += '>';
        last_hex = true;
      }
      pen += static_cast<std::int64_t>(w) * size * 1000 + tc * kMicroSpPerMicroPt;
      if (actual) {
        flush();
        out_ += "EMC\n";
      }
    }
    flush();
    out_ += "ET\n";
  }

  void rule(const RuleItem& r) {
    if (r.thickness <= 0) {
      bad("rule with thickness " + pt(r.thickness) + " pt (a zero-width line prints as a device hairline)");
      return;
    }
    set_overprint(r.colour.is_pure_black());
    set_stroke(r.colour);
    set_line_width(r.thickness);
    out_ += X(r.from.x) + " " + Y(r.from.y) + " m " + X(r.to.x) + " " + Y(r.to.y) + " l S\n";
  }

  std::string rect(const Rect& r) const {
    return X(r.x) + " " + Y(r.y + r.h) + " " + pt(r.w) + " " + pt(r.h) + " re";
  }

  void box(const BoxItem& b) {
    if (b.rect.empty()) {
      bad("box of size " + pt(b.rect.w) + "x" + pt(b.rect.h) + " pt");
      return;
    }
    if (b.fill) {
      set_overprint(false);  // areas knock out: an overprinted black fill would show what is beneath
      set_fill(*b.fill);
      out_ += rect(b.rect) + " f\n";
    }
    if (b.stroke) {
      if (b.stroke_width <= 0) {
        bad("box stroke width " + pt(b.stroke_width) + " pt");
        return;
      }
      set_overprint(b.stroke->is_pure_black());
      set_stroke(*b.stroke);
      set_line_width(b.stroke_width);
      out_ += rect(b.rect) + " S\n";
    }
  }

  // Four Bézier quarter arcs, control points at 0.5523 r (the standard cubic approximation,
  // radial error 0.03 %); the arc stays inside the square of side 2r, as preflight's path bbox
  // assumes.
  void circle(const CircleItem& c) {
    if (c.radius <= 0 || c.thickness <= 0) {
      bad("circle of radius " + pt(c.radius) + " pt, line width " + pt(c.thickness) + " pt");
      return;
    }
    set_overprint(c.colour.is_pure_black());
    set_stroke(c.colour);
    set_line_width(c.thickness);
    const Sp r = c.radius, k = scale_sp(c.radius, 5523, 10000);
    const Sp x = c.centre.x, y = c.centre.y;
    auto P = [&](Sp px, Sp py) { return X(px) + " " + Y(py); };
    out_ += P(x + r, y) + " m\n";
    out_ += P(x + r, y - k) + " " + P(x + k, y - r) + " " + P(x, y - r) + " c\n";
    out_ += P(x - k, y - r) + " " + P(x - r, y - k) + " " + P(x - r, y) + " c\n";
    out_ += P(x - r, y + k) + " " + P(x - k, y + r) + " " + P(x, y + r) + " c\n";
    out_ += P(x + k, y + r) + " " + P(x + r, y + k) + " " + P(x + r, y) + " c\nh S\n";
  }

  void image(const ImageItem& im) {
    const ContentImage* img = res_.image(im);
    if (!img) return;  // reported by the resource side
    if (im.frame.empty() || im.placement.empty()) {
      bad("image " + im.path + " with an empty frame or placement");
      return;
    }
    set_overprint(false);
    // Clip to the frame, then map the unit square onto the placement (PDF 32000-1 §8.9.4).
    out_ += "q\n" + rect(im.frame) + " W n\n" + pt(im.placement.w) + " 0 0 " + pt(im.placement.h) + " " +
            X(im.placement.x) + " " + Y(im.placement.y + im.placement.h) + " cm\n/" + img->resource + " Do\nQ\n";
  }

  const Page& page_;
  ContentResources& res_;
  Diagnostics& diags_;
  std::string out_;
  bool overprint_ = false;  // the initial graphics state knocks out
  // Colour operators in force; empty at the start so the first item always sets DeviceCMYK (the
  // initial state is DeviceGray, checklist C01).
  std::string fill_, stroke_;
  Sp line_width_ = -1;
  std::string font_;
  Sp font_size_ = -1;
  Sp rise_ = 0;
  std::int64_t tc_ = 0;  // character spacing in force, 1e-6 pt (Tc is graphics state: it persists)
  std::vector<std::pair<std::uint16_t, int>> metrics_;  // per glyph of the run being written: code, width
};

}  // namespace

std::string page_content(const Page& page, ContentResources& res, Diagnostics& diags) {
  return PageWriter(page, res, diags).run();
}

}  // namespace paiban::pdf
