// prepare_paragraph: analysis (§1, §2) + shaping, then the width-independent item list (§3–§5,
// §9 item model). Everything here runs once per paragraph; linebreak() only reads the result.
#include <hb.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <map>
#include <ostream>
#include <unordered_map>

#include "engine/base/text.h"
#include "engine/linebreak/items.h"
#include "engine/linebreak/linebreak.h"

namespace paiban {
using namespace lb;
namespace {

struct GapHash {
  static std::size_t mix(std::size_t h, std::uint64_t v) { return (h ^ v) * 0x100000001B3ull; }  // FNV-1a step
  static std::size_t glue(std::size_t h, const Glue& g) {
    h = mix(h, static_cast<std::uint64_t>(g.natural));
    h = mix(h, static_cast<std::uint64_t>(g.shrink));
    h = mix(h, static_cast<std::uint64_t>(g.stretch));
    h = mix(h, static_cast<std::uint64_t>(g.stretch_hard));
    return mix(h, static_cast<std::uint64_t>(g.shrink_prio) << 8 | g.stretch_prio);
  }
  std::size_t operator()(const Gap& g) const {
    std::size_t h = 0xCBF29CE484222325ull;
    for (const Glue* x : {&g.lb, &g.skip, &g.rb, &g.tail, &g.head}) h = glue(h, *x);
    h = mix(h, static_cast<std::uint64_t>(g.track));
    return mix(h, static_cast<std::uint64_t>(g.brk) << 32 | static_cast<std::uint64_t>(g.rule) << 24 |
                      static_cast<std::uint64_t>(static_cast<std::uint16_t>(g.penalty)) << 8 |
                      static_cast<std::uint64_t>(g.emergency_ok) << 4 | static_cast<std::uint64_t>(g.skip_kind));
  }
};

using C = CharClass;

std::uint8_t blank_priority(CharClass c) {
  switch (c) {
    case C::Open:
    case C::Close: return kShrinkBracket;
    case C::Comma:
    case C::Colon: return kShrinkComma;
    case C::Stop:
    case C::Excl: return kShrinkStop;
    default: return kShrinkNone;
  }
}

bool is_space_like(CharClass c) { return c == C::Space || c == C::Control; }

// MIDDLE-type of §3.3: centred marks, U+3000, the CJK middle dot.
bool middle_type(const Atom& a) {
  return a.punct.fit == PunctFit::Centred || a.cls == C::IdeoSpace || (a.cls == C::MiddleDot && a.side == Side::Cjk);
}
bool open_type(const Atom& a) { return a.punct.fit == PunctFit::BlankLeft; }
bool close_type(const Atom& a) { return a.punct.fit == PunctFit::BlankRight; }

}  // namespace

PreparedParagraph prepare_paragraph(FontSet& fonts, std::u32string_view text, const ParagraphStyle& style,
                                    Diagnostics& diags, const SourceLoc& where) {
  auto d = std::make_shared<PreparedParagraphData>();
  d->text.assign(text);
  d->style = style;
  d->where = where;
  const Sp em = style.text.size > 0 ? style.text.size : sp_from_pt(9);
  d->em = em;
  const std::size_t n = text.size();

  // 1. Classes from code points and context (§1), shaping once (shape/).
  d->chars = classify(text, style.text.language);
  d->shaped = shape(fonts, text, style.text, diags, where);
  const ShapedText& sh = d->shaped;

  // 2. Group glyphs into clusters (clusters are monotone code point indices).
  struct Cluster { std::uint32_t tb, te, gb, ge; };
  std::vector<Cluster> clusters;
  if (!sh.glyphs.empty()) {
    for (std::uint32_t g = 0; g < sh.glyphs.size();) {
      std::uint32_t h = g + 1;
      while (h < sh.glyphs.size() && sh.glyphs[h].cluster == sh.glyphs[g].cluster) ++h;
      clusters.push_back({sh.glyphs[g].cluster, 0, g, h});
      g = h;
    }
    clusters.front().tb = 0;  // code points before the first cluster (cannot happen) join it
    for (std::size_t k = 0; k < clusters.size(); ++k)
      clusters[k].te = k + 1 < clusters.size() ? clusters[k + 1].tb : static_cast<std::uint32_t>(n);
  } else {
    // No font at all (reported by fonts/shape): one em-wide placeholder per code point, so no
    // text is lost and breaking still works.
    for (std::uint32_t i = 0; i < n; ++i) clusters.push_back({i, i + 1, 0, 0});
  }

  // 3. §1 rule 1, second half: an ambiguous mark set as CJK must have a full-width glyph.
  auto advance_of = [&](const Cluster& c) {
    if (c.gb == c.ge) return em;
    Sp a = 0;
    for (std::uint32_t g = c.gb; g < c.ge; ++g) a += sh.glyphs[g].advance;
    return a;
  };
  const Sp tol = em / 100;  // 1 em ± 1 % (rule book §1 rule 1)
  for (const Cluster& c : clusters) {
    CharInfo& ci = d->chars[c.tb];
    if (ci.ambiguous && ci.side == Side::Cjk && c.te == c.tb + 1) {
      const Sp adv = advance_of(c);
      if (adv < em - tol || adv > em + tol) demote_to_latin(ci);
    }
  }
  // 4. Break opportunities with the final classes (§2).
  {
    LineAnalyzer analyzer(style.kinsoku);
    d->breaks = analyzer.find_breaks(text, d->chars);
  }

  // 5. Atoms (non-space clusters) and the spaces between them. At most one atom per cluster:
  // reserved, so the paragraph's largest arrays are written once, not regrown and copied.
  d->atoms.reserve(clusters.size());
  d->spaces.reserve(clusters.size() + 1);
  d->spaces.emplace_back();
  std::uint32_t pending_space_gb = clusters.empty() ? 0 : clusters.front().gb, pending_space_ge = pending_space_gb;
  bool pending_spaces = false;
  for (const Cluster& c : clusters) {
    const CharInfo& ci = d->chars[c.tb];
    if (is_space_like(ci.cls)) {
      if (!pending_spaces) pending_space_gb = c.gb;
      pending_space_ge = c.ge;
      pending_spaces = true;
      continue;
    }
    if (ci.cls == C::Combining && !pending_spaces && !d->atoms.empty()) {
      // A combining mark, joiner or selector stays in its base's box: never broken from it,
      // never spaced (HarfBuzz gives it its own cluster at the monotone-characters level).
      Atom& base = d->atoms.back();
      base.text_end = c.te;
      base.glyph_end = c.ge;
      base.width += advance_of(c);
      continue;
    }
    GapSpaces& before = d->spaces.back();
    if (pending_spaces) {
      before = {pending_space_gb, pending_space_ge};
    } else {
      before = {c.gb, c.gb};
    }
    pending_spaces = false;
    Atom a;
    a.text_begin = c.tb;
    a.text_end = c.te;
    a.glyph_begin = c.gb;
    a.glyph_end = c.ge;
    a.cls = ci.cls;
    a.side = ci.side;
    const Sp adv = advance_of(c);
    a.width = adv;
    if (a.side == Side::Cjk && (a.cls == C::Open || is_close_type(a.cls)) && c.ge == c.gb + 1 &&
        style.punct != PunctStyle::Cns) {
      const ShapedGlyph& g = sh.glyphs[c.gb];
      const ShapedRun& run = sh.run_of_glyph(c.gb);
      auto [il, ir] = fonts.face(run.face).ink_extent(run.size, g.gid);
      a.punct = classify_punct_glyph(a.cls, adv, il + g.x_offset, ir + g.x_offset, em);
      if (a.punct.fit == PunctFit::BlankLeft || a.punct.fit == PunctFit::BlankRight) {
        // The box is the ink half; the blank half becomes adjustable glue (§9 item model).
        a.width = adv - a.punct.blank_left - a.punct.blank_right;
        a.pen = -a.punct.blank_left;
        a.blank_left = a.punct.blank_left;
        a.blank_right = a.punct.blank_right;
        a.shrink_prio = blank_priority(a.cls);
        // 开明式: only sentence-final 。？！． keep a full em (§3.2).
        if (style.punct == PunctStyle::Kaiming && a.cls != C::Stop && a.cls != C::Excl) a.blank_left = a.blank_right = 0;
      }
      // Centred marks stay whole 1 em boxes: never trimmed (§3.4), not compressed (§3.1 TW).
    } else if (a.cls == C::MiddleDot && a.side == Side::Cjk && adv < em / 2) {
      // GB: the 间隔号 takes half a character, centred (§3.1), whatever the font's advance.
      a.width = em / 2;
      a.pen = (em / 2 - adv) / 2;
    }
    d->atoms.push_back(a);
    d->spaces.emplace_back();
  }
  // Trailing spaces after the last atom live in the last gap.
  {
    GapSpaces& last = d->spaces.back();
    if (pending_spaces) {
      last = {pending_space_gb, pending_space_ge};
    } else {
      const auto end = static_cast<std::uint32_t>(sh.glyphs.size());
      last = {end, end};
    }
  }
  std::vector<Atom>& atoms = d->atoms;
  const std::vector<GapSpaces>& spaces = d->spaces;
  const std::size_t m = atoms.size();

  // 6. GB/T 15834 §5.1.2 (§3.3 exception): ？！ runs — two marks take 1 em together, three 2 em.
  if (style.punct != PunctStyle::Cns) {
    for (std::size_t k = 0; k < m;) {
      std::size_t j = k;
      while (j < m && atoms[j].cls == C::Excl && close_type(atoms[j]) &&
             (j == k || spaces[j].empty()))
        ++j;
      const std::size_t run = j - k;
      if (run >= 2) {
        const std::size_t keep = run == 2 ? run : run - 1;  // marks that lose their blank
        for (std::size_t t = k; t < k + keep; ++t) atoms[t].blank_right = 0;
      }
      k = j > k ? j : k + 1;
    }
  }

  // 7. Latin segments: a maximal run of Latin-side atoms without a space is one unbreakable unit
  // (§5); it takes autospace next to Han only if it holds a letter or digit.
  for (std::size_t k = 0; k < m;) {
    if (atoms[k].side != Side::Latin) {
      if (is_han_like(atoms[k].cls) || atoms[k].cls == C::Fullwidth) atoms[k].unit = 1;
      ++k;
      continue;
    }
    std::size_t j = k;
    bool alnum = false;
    while (j < m && atoms[j].side == Side::Latin && (j == k || spaces[j].empty())) {
      for (std::uint32_t t = atoms[j].text_begin; t < atoms[j].text_end; ++t)
        alnum = alnum || u_isalnum(static_cast<UChar32>(text[t]));
      ++j;
    }
    atoms[k].unit = 1;
    for (std::size_t t = k; t < j; ++t) atoms[t].latin_alnum = alnum ? 1 : 0;
    k = j;
  }

  // 8. Gap glue and breaks.
  auto space_width = [&](const GapSpaces& g) {
    Sp w = 0;
    for (std::uint32_t i = g.begin; i < g.end; ++i) w += sh.glyphs[i].advance;
    return w;
  };
  const bool collapse = style.punct == PunctStyle::Quanjiao || style.punct == PunctStyle::Kaiming;
  auto autospace_glue = [&]() {
    Glue g;
    switch (style.autospace) {
      case Autospace::Quarter:  // ¼ em, shrink to ⅛, stretch to ½ (§5, Typst/LuaTeX-ja/JLREQ)
        g.natural = em / 4;
        g.shrink = em / 8;
        g.stretch = g.stretch_hard = em / 4;
        g.shrink_prio = kShrinkAutospace;
        g.stretch_prio = kStretchAutospace;
        break;
      case Autospace::Eighth: g.natural = em / 8; break;  // CSS text-autospace, fixed
      case Autospace::Off: break;
    }
    return g;
  };
  auto kept_blank = [&](Sp blank, bool line_end) {
    // What survives of a blank at a line edge (§3.4).
    Glue g;
    if (blank == 0) return g;
    if (line_end) {
      if (style.line_end_trim == LineEndTrim::None) g.natural = blank;
      else if (style.line_end_trim == LineEndTrim::AllowEnd) {
        g.natural = g.shrink = blank;  // trimmed only if the line needs it, first of all (§4.2 step 1)
        g.shrink_prio = kShrinkLineEnd;
      }
    } else {
      if (style.line_start_trim == LineStartTrim::SpaceAll) g.natural = blank;
    }
    return g;
  };
  // Each gap is interned as soon as it is made (PreparedParagraphData::gap_table: equal gaps share
  // one entry, in order of first use; gap 0 and gap m hold no glue), never stored per position.
  std::unordered_map<Gap, std::uint32_t, GapHash> gap_index;
  auto intern = [&](const Gap& g) {
    auto [it, fresh] = gap_index.try_emplace(g, static_cast<std::uint32_t>(d->gap_table.size()));
    if (fresh) d->gap_table.push_back(g);
    return it->second;
  };
  d->gap_of.assign(m + 1, intern(Gap{}));
  for (std::size_t k = 1; k < m; ++k) {
    const Atom& a = atoms[k - 1];
    const Atom& b = atoms[k];
    Gap g;
    const bool spaced = !spaces[k].empty() ||
                         b.text_begin > a.text_end;  // a space cluster with no glyph
    // Blanks (§3.3 collapsing; marks with a space between them are not adjacent).
    Sp lb = a.blank_right, rb = b.blank_left;
    if (collapse && !spaced) {
      if (open_type(b) && (open_type(a) || middle_type(a) || close_type(a))) rb = 0;
      if (close_type(a) && (close_type(b) || middle_type(b))) lb = 0;
    }
    if (lb) {
      g.lb.natural = g.lb.shrink = lb;  // may shrink to 0 (§4.2 steps 4, 5, 7)
      g.lb.shrink_prio = a.shrink_prio;
    }
    if (rb) {
      g.rb.natural = g.rb.shrink = rb;
      g.rb.shrink_prio = b.shrink_prio;
    }
    // Skip glue (§4.3, §5).
    const bool han_latin = (is_han_like(a.cls) && b.side == Side::Latin && b.latin_alnum) ||
                           (a.side == Side::Latin && a.latin_alnum && is_han_like(b.cls));
    if (spaced) {
      const Sp sw = space_width(spaces[k]);
      if (han_latin && style.autospace != Autospace::Off) {
        g.skip = autospace_glue();  // one gap, never two (§5 [choice])
        g.skip_kind = Gap::Skip::Autospace;
      } else {
        g.skip.natural = sw;  // Latin word space: ≥ 0.25 em, soft 0.5 em, hard 1 em (§4.4)
        g.skip.shrink = std::max<Sp>(0, sw - em / 4);
        g.skip.stretch = std::max<Sp>(0, em / 2 - sw);
        g.skip.stretch_hard = std::max<Sp>(0, em - sw);
        g.skip.shrink_prio = kShrinkWordSpace;
        g.skip.stretch_prio = kStretchWordSpace;
        g.skip_kind = Gap::Skip::WordSpace;
      }
    } else if (a.cls == C::Combining || b.cls == C::Combining || (a.side == Side::Latin && b.side == Side::Latin)) {
      // inside a cluster sequence or a Latin word / number: never adjusted (§4.1)
    } else if (han_latin) {
      if (style.autospace != Autospace::Off) {
        g.skip = autospace_glue();
        g.skip_kind = Gap::Skip::Autospace;
      }
    } else {
      // §4.1: no space after an opening mark, before a closing one, inside ——/……; avoid
      // expanding next to connectors and solidi (CLREQ).
      const bool forbidden = a.cls == C::Open || is_close_type(b.cls) || a.cls == C::Connect ||
                             b.cls == C::Connect || a.cls == C::Solidus || b.cls == C::Solidus ||
                             (a.cls == C::Dash && b.cls == C::Dash) || (a.cls == C::Ellipsis && b.cls == C::Ellipsis);
      if (!forbidden) {
        // kanjiskip: 0 + 0.125 em soft, 0.5 em hard (§4.4 Han–Han)
        g.skip.stretch = em / 8;
        g.skip.stretch_hard = em / 2;
        g.skip.stretch_prio = kStretchInterChar;
        g.skip_kind = Gap::Skip::InterChar;
      }
    }
    g.track = style.tracking;
    // Line-edge remains (§3.4) from the blanks before collapsing.
    g.tail = kept_blank(a.blank_right, true);
    g.head = kept_blank(b.blank_left, false);
    // Break opportunity: the strongest between the two atoms (spaces sit in between).
    const BreakOpportunity* chosen = &d->breaks[b.text_begin];
    for (std::uint32_t q = a.text_end; q <= b.text_begin; ++q) {
      const BreakOpportunity& o = d->breaks[q];
      if (o.kind == BreakKind::Mandatory ||
          (o.kind == BreakKind::Allowed && chosen->kind == BreakKind::Prohibited))
        chosen = &o;
    }
    g.brk = chosen->kind;
    g.rule = chosen->rule;
    g.penalty = chosen->penalty;
    g.emergency_ok = g.brk == BreakKind::Prohibited && b.cls != C::Combining;
    d->gap_of[k] = intern(g);
  }
  // Paragraph edges (§3.4): after the indent an opening mark keeps its blank under space-first.
  if (m > 0) {
    const Atom& first = atoms.front();
    if (first.blank_left && style.line_start_trim != LineStartTrim::TrimStart) d->start_head.natural = first.blank_left;
    d->end_tail = kept_blank(atoms.back().blank_right, true);
  }

  // 9. Prefix sums for O(1) line measurement (§9 complexity).
  d->prefix.assign(m + 1, Sums{});
  d->units.assign(m + 1, 0);
  for (std::size_t k = 0; k < m; ++k) {
    Sums s = d->prefix[k];
    if (k > 0) s += d->gap(k).mid();
    s.natural += atoms[k].width;
    d->prefix[k + 1] = s;
    d->units[k + 1] = d->units[k] + atoms[k].unit;
  }
  d->points.assign(m + 1, {});
  d->line_base.assign(m + 1, Sums{});
  d->line_tail.assign(m + 1, Sums{});
  for (std::size_t k = 0; k <= m; ++k) {
    if (k > 0 && k < m) {
      const Gap& g = d->gap(k);
      d->points[k] = {g.brk, g.emergency_ok, g.penalty, 0};
    }
    if (k == m) d->points[k] = {BreakKind::Mandatory, false, 0, 0};
    if (style.hanging && k > 0 && k < m && d->points[k].kind == BreakKind::Allowed) {
      // §7: only 、，。． hang, one per line, never when two marks are adjacent.
      const Atom& mark = atoms[k - 1];
      const bool hangable = (mark.cls == C::Comma || mark.cls == C::Stop) && close_type(mark) &&
                            mark.text_end == mark.text_begin + 1;
      const bool after_mark = k >= 2 && (atoms[k - 2].punct.fit != PunctFit::Fixed ||
                                         atoms[k - 2].cls == C::MiddleDot || atoms[k - 2].cls == C::Dash ||
                                         atoms[k - 2].cls == C::Ellipsis);
      if (hangable && !after_mark) d->points[k].hang = static_cast<std::int32_t>(mark.width);
    }
    Sums base = d->prefix[k];
    if (k > 0 && k < m) base += d->gap(k).mid();
    if (k < m) base -= d->head(k).sums();
    d->line_base[k] = base;
    if (k > 0) d->line_tail[k] = d->tail(k).sums();
  }
  return PreparedParagraph{std::move(d)};
}

const std::u32string& PreparedParagraph::text() const { return data->text; }
const ShapedText& PreparedParagraph::shaped() const { return data->shaped; }
const ParagraphStyle& PreparedParagraph::style() const { return data->style; }
const std::vector<CharInfo>& PreparedParagraph::chars() const { return data->chars; }
const std::vector<BreakOpportunity>& PreparedParagraph::breaks() const { return data->breaks; }

PunctGlyph PreparedParagraph::punct_glyph(std::uint32_t index) const {
  for (const Atom& a : data->atoms)
    if (index >= a.text_begin && index < a.text_end) return a.punct;
  return {};
}

void PreparedParagraph::dump(std::ostream& os) const {
  const PreparedParagraphData& d = *data;
  auto glue = [&](const char* name, const Glue& g) {
    if (g.empty()) return;
    os << ' ' << name << '=' << fmt_pt(g.natural);
    if (g.shrink) os << '-' << fmt_pt(g.shrink) << "/p" << int(g.shrink_prio);
    if (g.stretch_hard) os << '+' << fmt_pt(g.stretch) << '<' << fmt_pt(g.stretch_hard) << "/p" << int(g.stretch_prio);
  };
  if (!d.start_head.empty()) { os << "start"; glue("head", d.start_head); os << '\n'; }
  for (std::size_t k = 0; k < d.atoms.size(); ++k) {
    const Atom& a = d.atoms[k];
    if (k > 0) {
      const Gap& g = d.gap(k);
      os << "  gap";
      os << (g.brk == BreakKind::Allowed ? " break" : g.brk == BreakKind::Mandatory ? " forced" : " nobreak") << '('
         << rule_name(g.rule) << ')';
      if (g.penalty) os << " p=" << g.penalty;
      glue("lb", g.lb);
      glue("skip", g.skip);
      if (g.track) os << " track=" << fmt_pt(g.track);
      glue("rb", g.rb);
      glue("tail", g.tail);
      glue("head", g.head);
      os << '\n';
    }
    os << '[' << encode_utf8(std::u32string_view(d.text).substr(a.text_begin, a.text_end - a.text_begin)) << "] "
       << class_name(a.cls) << (a.side == Side::Latin ? " latin" : "") << " w=" << fmt_pt(a.width);
    if (a.pen) os << " pen=" << fmt_pt(a.pen);
    if (a.blank_left) os << " blank_l=" << fmt_pt(a.blank_left);
    if (a.blank_right) os << " blank_r=" << fmt_pt(a.blank_right);
    if (a.unit) os << " unit";
    os << '\n';
  }
  if (!d.end_tail.empty()) { os << "end"; glue("tail", d.end_tail); os << '\n'; }
}

}  // namespace paiban
