// The Edition model: lookups, grid arithmetic and the canonical text dump.
#include "engine/descriptor/descriptor.h"

#include <filesystem>
#include <ostream>

#include "engine/base/text.h"

namespace paiban {

Rect GridSpec::cell(int col, int span, int line, int nlines) const {
  const Sp cw = column_width();
  Rect r;
  r.x = type_area.x + col * (cw + gutter);
  // The last column ends on the type area's edge: column_width() rounds down to whole sp.
  r.w = col + span >= columns ? type_area.right() - r.x : span * cw + (span - 1) * gutter;
  // k lines occupy k·size + (k−1)·gap (rule book §6): the block ends on the last line's em box.
  r.y = type_area.y + line * line_pitch;
  r.h = nlines * line_pitch - line_gap();
  return r;
}

const Style* Edition::style(const std::string& name) const {
  auto it = styles.find(name);
  return it == styles.end() ? nullptr : &it->second;
}

const StorySpec* Edition::story(const std::string& id) const {
  for (const auto& s : stories)
    if (s.id == id) return &s;
  return nullptr;
}

const PageSpec* Edition::page(const std::string& label) const {
  for (const auto& p : pages)
    if (p.label == label) return &p;
  return nullptr;
}

namespace {

std::string q(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') { out += "\\n"; continue; }
    out += c;
  }
  return out + '"';
}
std::string q(const std::u32string& s) { return q(encode_utf8(s)); }

std::string colour(const Cmyk& c) {
  std::string s = "cmyk(" + std::to_string(c.c) + "," + std::to_string(c.m) + "," + std::to_string(c.y) + "," +
                  std::to_string(c.k) + ")";
  if (!c.spot.empty()) s = "spot(" + q(c.spot) + " tint=" + std::to_string(c.tint) + " alt=" + s + ")";
  return s;
}

std::string rect(const Rect& r) {
  return fmt_pt(r.x) + "," + fmt_pt(r.y) + " " + fmt_pt(r.w) + "x" + fmt_pt(r.h);
}

const char* align(TextAlign a) {
  switch (a) {
    case TextAlign::Justify: return "justify";
    case TextAlign::Start: return "start";
    case TextAlign::Center: return "center";
    case TextAlign::End: return "end";
  }
  return "?";
}

void placed(std::ostream& os, const Placed& p) {
  if (!p.id.empty()) os << " id=" << q(p.id);
  os << " rect=" << rect(p.rect);
  if (p.col >= 0) os << " col=" << p.col << "+" << p.span;
  if (p.line >= 0) os << " line=" << p.line << "+" << p.lines;
  if (p.wrap.enabled) os << " wrap=" << fmt_pt(p.wrap.offset);
}

}  // namespace

void Edition::dump(std::ostream& os) const {
  namespace fs = std::filesystem;
  const fs::path base = fs::path(path).parent_path();
  // Paths relative to the edition file, so the dump does not depend on the checkout location.
  auto rel = [&](const std::string& p) { return p.empty() ? std::string() : fs::path(p).lexically_relative(base).string(); };

  os << "edition " << fs::path(path).filename().string()
     << " size_table=" << (size_table == SizeTable::Wps ? "wps" : "traditional") << '\n';
  char date[32];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", meta.year, meta.month, meta.day);
  os << "meta paper=" << q(meta.paper) << " date=" << date << " issue_number=" << meta.issue_number
     << " serial=" << q(meta.serial) << " postal_code=" << q(meta.postal_code) << " hotline=" << q(meta.hotline)
     << " frequency=" << q(meta.frequency) << '\n';
  os << "meta slogan=" << q(meta.slogan) << " subtitle=" << q(meta.subtitle) << '\n';
  for (const auto& [label, value] : meta.colophon) os << "colophon " << q(label) << " " << q(value) << '\n';
  os << "output standard=" << q(output.standard) << " profile=" << q(rel(output.profile))
     << " output_condition=" << q(output.output_condition) << " ink_limit=" << output.ink_limit
     << " marks=" << output.marks << " proofs=" << output.proofs << '\n';
  for (const auto& [name, c] : colours) os << "colour " << name << " " << colour(c) << '\n';
  for (const auto& [name, s] : styles)
    os << "style " << name << " font=" << s.font_role << " weight=" << s.weight << " size=" << fmt_pt(s.size)
       << " leading=" << fmt_pt(s.leading) << " tracking=" << fmt_pt(s.tracking) << " colour=" << colour(s.colour)
       << " align=" << align(s.align) << " indent=" << fmt_pt(s.first_indent) << " kinsoku=" << s.kinsoku
       << " language=" << s.language << '\n';
  for (const auto& s : stories) {
    os << "story " << s.id << " article=" << q(rel(s.article)) << " body_style=" << s.body_style
       << " subhead_style=" << s.subhead_style << " guide=" << s.guide << " chain=";
    for (std::size_t i = 0; i < s.chain.size(); ++i)
      os << (i ? "," : "") << pages[static_cast<std::size_t>(s.chain[i].page)].label << "/" << s.chain[i].frame;
    os << '\n';
  }
  for (const auto& p : pages) {
    os << "page " << p.number << " " << p.label << " template=" << p.template_name << " section=" << q(p.section)
       << " editor=" << q(p.editor) << " side=" << (p.recto ? "right" : "left") << " trim=" << fmt_pt(p.trim_width)
       << "x" << fmt_pt(p.trim_height) << " bleed=" << fmt_pt(p.bleed) << '\n';
    os << "  margins top=" << fmt_pt(p.margin_top) << " bottom=" << fmt_pt(p.margin_bottom)
       << " inside=" << fmt_pt(p.margin_inside) << " outside=" << fmt_pt(p.margin_outside) << '\n';
    const GridSpec& g = p.grid;
    os << "  grid type_area=" << rect(g.type_area) << " columns=" << g.columns << " gutter=" << fmt_pt(g.gutter)
       << " column_width=" << fmt_pt(g.column_width()) << " body_style=" << g.body_style
       << " body_size=" << fmt_pt(g.body_size) << " line_pitch=" << fmt_pt(g.line_pitch) << " lines=" << g.lines
       << " column_rules=" << g.column_rules;
    if (g.column_rules) os << " column_rule_width=" << fmt_pt(g.column_rule_width);
    os << '\n';
    for (const auto& f : p.frames) {
      os << "  frame story=" << f.story << " order=" << f.order;
      placed(os, f);
      os << " columns=" << f.columns << " gutter=" << fmt_pt(f.gutter) << " balance=" << f.balance << '\n';
    }
    for (const auto& h : p.headlines) {
      os << "  headline story=" << h.story;
      placed(os, h);
      os << " align=" << align(h.align) << " styles=" << h.kicker_style << "," << h.headline_style << ","
         << h.subtitle_style << "," << h.deck_style << "," << h.byline_style << '\n';
    }
    for (const auto& b : p.boxes) {
      static const char* kContent[] = {"plain", "guide", "text", "promo"};
      os << "  box content=" << kContent[static_cast<int>(b.content)];
      placed(os, b);
      os << " border=" << (b.border ? colour(*b.border) + "/" + fmt_pt(b.border_width) : "none")
         << " tint=" << (b.tint ? colour(*b.tint) : "none") << " inset=" << fmt_pt(b.inset) << " title=" << q(b.title)
         << " title_style=" << b.title_style << " text_style=" << b.text_style;
      if (!b.text.empty()) os << " text=" << q(b.text);
      if (!b.image.empty()) os << " image=" << q(rel(b.image));
      os << '\n';
    }
    for (const auto& im : p.images) {
      static const char* kFit[] = {"fit", "fill", "crop"};
      os << "  image file=" << q(rel(im.path)) << " fit=" << kFit[static_cast<int>(im.fit)];
      placed(os, im);
      os << " caption=" << q(im.caption) << " caption_style=" << im.caption_style << '\n';
    }
    for (const auto& r : p.rules)
      os << "  rule " << fmt_pt(r.from.x) << "," << fmt_pt(r.from.y) << " -> " << fmt_pt(r.to.x) << ","
         << fmt_pt(r.to.y) << " thickness=" << fmt_pt(r.thickness) << " colour=" << colour(r.colour) << '\n';
    for (const auto& t : p.text_blocks) {
      os << "  text_block style=" << t.style;
      placed(os, t);
      os << " text=" << q(t.text) << '\n';
    }
    if (const auto& m = p.masthead) {
      os << "  masthead";
      placed(os, *m);
      os << " logo=" << q(rel(m->logo)) << " calendar=" << (m->calendar.empty() ? "none" : rect(m->calendar))
         << " styles=" << m->name_style << "," << m->slogan_style << "," << m->small_style << "," << m->day_style << ","
         << m->calendar_style << '\n';
    }
    auto simple = [&](const char* kind, const auto& o) {
      if (!o) return;
      os << "  " << kind << " style=" << o->style;
      placed(os, *o);
      os << '\n';
    };
    simple("edition_line", p.edition_line);
    simple("colophon", p.colophon);
    if (p.page_header) {
      os << "  page_header style=" << p.page_header->style;
      placed(os, *p.page_header);
      os << " rule=" << fmt_pt(p.page_header->rule) << '\n';
    }
    simple("folio", p.folio);
  }
}

}  // namespace paiban
