// linebreak(): total-fit (Knuth–Plass) breaking over the prepared item list (rule book §9) and
// justification by priority (§4). No shaping and no analysis happens here.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <ostream>
#include <sstream>

#include "engine/base/text.h"
#include "engine/linebreak/items.h"
#include "engine/linebreak/linebreak.h"

namespace paiban {
using namespace lb;
namespace {

// Tuning constants (rule book §9 unless said otherwise).
// κ: stretch badness counts double, so push-in (挤进) beats push-out (推出) whenever push-in is
// possible (§2 "先挤进，后推出"; worked example T2-2: 100 vs 2·149).
constexpr double kStretchBadnessFactor = 2.0;
// TeX's inf_bad: badness cap for lines the relaxed pass accepts beyond the hard limits.
constexpr double kInfBad = 10000.0;
// A 孤字 last line, accepted only by the relaxed passes: the upper end of §9's 500–1000
// (LuaTeX-ja jcharwidowpenalty 500); the normal pass forbids it outright (§7).
constexpr double kOrphanPenalty = 1000.0;
// A break inside a unit (Latin word, number, ——): more than the worst capped loose line
// (κ·inf_bad), so it is taken only where no legal break fits at all.
constexpr double kEmergencyPenalty = 50000.0;
// The final pass keeps an overfull line rather than losing the paragraph (TeX's
// artificial_demerits): any real solution is cheaper.
constexpr double kOverfullDemerits = 1e15;
// Ragged (Start/Center/End) lines: the unfilled space counts as stretch of 2 em, plain TeX's
// \raggedright (\rightskip 0pt plus 2em), so breaking still balances headline lines.
constexpr Sp kRaggedStretchEms = 2;

enum NodeFlag : std::uint8_t {
  kFlagEmergency = 1,  // the line ending here breaks inside a unit
  kFlagOverfull = 2,
  kFlagLoose = 4,      // beyond the hard stretch limits, or cannot be filled
  kFlagOrphan = 8,     // last line shorter than orphan_min units
  kFlagHang = 16,      // the line's last mark hangs past the measure (§7 hanging)
};

struct Node {
  Sums base;               // prefix sums at the start of the line starting here, head glue included
  Sp avail = 0;            // available width of that line
  std::uint32_t pos = 0;   // atom index where the next line starts (m = end)
  std::int32_t line = 0;   // index of the line starting at pos
  double total = 0;        // total demerits from the paragraph start
  std::int32_t prev = -1;  // node the line ending here starts from
  double ratio = 0;
  std::uint8_t flags = 0;
};

std::string preview(const PreparedParagraphData& d, std::size_t pos) {
  // A few characters on either side of the break at atom `pos`, for traces.
  const std::uint32_t at = d.text_pos(pos);
  const std::uint32_t from = at >= 6 ? at - 6 : 0;
  const std::uint32_t to = std::min<std::uint32_t>(static_cast<std::uint32_t>(d.text.size()), at + 2);
  const std::u32string_view t(d.text);
  return encode_utf8(t.substr(from, at - from)) + "|" + encode_utf8(t.substr(at, to - at));
}

std::string fmt_double(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

class Breaker {
 public:
  Breaker(const PreparedParagraphData& d, const LineWidths& widths, BreakTrace* trace)
      : d_(d), m_(d.atoms.size()), trace_(trace), text_(trace && trace->record_text) {
    // Widths of every line a solution can have (at most one atom per line), so that nodes past
    // the last line whose width differs from the next are merged by position (TeX's
    // easy_line): this keeps the active list bounded (§9 complexity).
    const std::size_t lines = m_ + 1;
    raw_.reserve(lines + 1);
    avail_.reserve(lines + 1);
    for (std::size_t l = 0; l <= lines; ++l) {
      const Sp w = widths ? widths(static_cast<int>(l)) : 0;
      raw_.push_back(w);
      avail_.push_back(l == 0 ? w - d.style.first_indent : w);
    }
    orphan_min_ = static_cast<std::uint32_t>(std::max(0, d.style.orphan_min));
    // With hanging on, a line may end up to one mark's ink half past the measure, so a node is
    // dropped only when even that cannot make a later line fit.
    hang_max_ = d.style.hanging ? d.em / 2 + d.em / 100 : 0;
    last_special_ = -1;
    for (std::size_t l = 0; l + 1 < avail_.size(); ++l)
      if (avail_[l] != avail_[l + 1]) last_special_ = static_cast<int>(l);
  }

  Sp avail(int line) const { return avail_[std::min<std::size_t>(static_cast<std::size_t>(line), avail_.size() - 1)]; }
  Sp raw_width(int line) const { return raw_[std::min<std::size_t>(static_cast<std::size_t>(line), raw_.size() - 1)]; }

  // Runs one pass; returns the final node index or -1 when no feasible path exists.
  int run(int pass) {
    nodes_.clear();
    nodes_.reserve(m_ + 1);
    active_.clear();
    {
      Node start;
      start.base = d_.line_base[0];
      start.avail = avail(0);
      nodes_.push_back(start);
    }
    active_.push_back(0);
    std::size_t candidates = 0;
    if (text_) {
      out_ += "@pass " + std::to_string(pass) +
              (pass == 1   ? " (legal breaks, hard stretch limits, no 孤字)\n"
               : pass == 2 ? " (relaxed: loose lines and 孤字 allowed at a cost)\n"
                           : " (emergency: breaks inside units, overfull lines allowed)\n");
    }
    struct Best {
      std::int32_t line_key;  // -1: merged "easy" lines
      double total;
      std::int32_t from;
      double ratio;
      std::uint8_t flags;
    };
    std::vector<Best> best;
    std::vector<std::uint32_t> keep;
    for (std::size_t e = 1; e <= m_; ++e) {
      const PreparedParagraphData::BreakPoint& bp = d_.points[e];
      const bool emergency = bp.kind == BreakKind::Prohibited;
      if (emergency && !(pass == 3 && bp.emergency_ok)) continue;
      ++candidates;
      const bool last = e == m_;
      const bool forced = bp.kind == BreakKind::Mandatory;
      best.clear();
      keep.clear();
      std::int32_t rescue = -1;  // best node dropped here (final-pass overfull rescue)
      const Sums& pre = d_.prefix[e];
      const Sums& tail = d_.line_tail[e];
      evaluations_ += active_.size();
      for (std::uint32_t idx : active_) {
        const Node& a = nodes_[idx];
        const Sp av = a.avail;
        const Sums in = pre - a.base;
        if (in.natural - in.shrink - hang_max_ > av) {
          // No later break can fit either: widths only grow (no negative items).
          if (rescue < 0 || nodes_[static_cast<std::size_t>(rescue)].total > a.total) rescue = static_cast<std::int32_t>(idx);
          continue;
        }
        keep.push_back(idx);
        Sums t = in + tail;
        double b = 0, r = 0;
        std::uint8_t flags = emergency ? kFlagEmergency : 0;
        if (bp.hang && t.natural - t.shrink > av && t.natural - bp.hang - t.shrink <= av) {
          t.natural -= bp.hang;  // allow-end: hang only what would not fit otherwise (§7)
          flags |= kFlagHang;
        }
        if (t.natural > av) {
          const Sp excess = t.natural - av;
          if (t.shrink < excess) continue;  // overfull only because of the kept line-end blank
          r = -static_cast<double>(excess) / static_cast<double>(t.shrink);
          b = 100.0 * std::fabs(r * r * r);
        } else if (d_.style.align != Align::Justify) {
          if (!forced) {
            r = static_cast<double>(av - t.natural) / static_cast<double>(kRaggedStretchEms * d_.em);
            b = std::min(kInfBad, 100.0 * r * r * r);
          }
        } else if (!forced) {
          const Sp deficit = av - t.natural;
          if (deficit > 0) {
            if (t.stretch > 0 && deficit <= t.stretch_hard) {
              r = static_cast<double>(deficit) / static_cast<double>(t.stretch);
              b = kStretchBadnessFactor * 100.0 * r * r * r;
            } else {
              if (pass == 1) continue;  // beyond the hard limits of §4.4
              r = t.stretch > 0 ? static_cast<double>(deficit) / static_cast<double>(t.stretch) : kInfBad;
              b = kStretchBadnessFactor * std::min(kInfBad, 100.0 * r * r * r);
              flags |= kFlagLoose;
            }
          }
        }
        double p = 0;
        if (!forced) p += bp.penalty;
        if (emergency) p += kEmergencyPenalty;
        if (last && a.pos > 0 && d_.units[m_] >= orphan_min_ && last_line_units(a.pos) < orphan_min_) {
          if (pass == 1) continue;  // 孤字 (§7)
          p += kOrphanPenalty;
          flags |= kFlagOrphan;
        }
        const double dem = (1.0 + b + p) * (1.0 + b + p);
        const double total = a.total + dem;
        const std::int32_t key = a.line + 1 > last_special_ ? -1 : a.line + 1;
        auto it = std::find_if(best.begin(), best.end(), [&](const Best& x) { return x.line_key == key; });
        if (text_) {
          out_ += "@ " + std::to_string(d_.text_pos(e)) + " " + preview(d_, e) + " via @@" + std::to_string(idx) +
                  " line " + std::to_string(a.line + 1) + fmt_double(" r=%+.3f", r) + fmt_double(" b=%.0f", b) +
                  fmt_double(" p=%.0f", p) + fmt_double(" d=%.0f", dem) + ((flags & kFlagLoose) ? " loose" : "") +
                  ((flags & kFlagOrphan) ? " orphan" : "") + ((flags & kFlagEmergency) ? " emergency" : "") + "\n";
        }
        if (it == best.end()) best.push_back({key, total, static_cast<std::int32_t>(idx), r, flags});
        else if (total < it->total) *it = {key, total, static_cast<std::int32_t>(idx), r, flags};
      }
      if (forced) {
        for (std::uint32_t idx : keep)
          if (rescue < 0 || nodes_[static_cast<std::size_t>(rescue)].total > nodes_[idx].total) rescue = static_cast<std::int32_t>(idx);
        keep.clear();  // every line must end here
      }
      if (best.empty() && keep.empty() && pass == 3 && rescue >= 0) {
        // Final pass and nothing fits: keep the paragraph, overfull, reported (never lose text).
        const Node& a = nodes_[static_cast<std::size_t>(rescue)];
        const std::int32_t key = a.line + 1 > last_special_ ? -1 : a.line + 1;
        best.push_back({key, a.total + kOverfullDemerits, rescue, -1.0,
                        static_cast<std::uint8_t>(kFlagOverfull | (emergency ? kFlagEmergency : 0))});
        if (text_)
          out_ += "@ " + std::to_string(d_.text_pos(e)) + " " + preview(d_, e) + " via @@" + std::to_string(rescue) +
                  " overfull (rescue)\n";
      }
      active_.swap(keep);
      const Sums& base_e = d_.line_base[e];
      for (const Best& b : best) {
        Node nn;
        nn.base = base_e;
        nn.pos = static_cast<std::uint32_t>(e);
        nn.line = nodes_[static_cast<std::size_t>(b.from)].line + 1;
        nn.total = b.total;
        nn.prev = b.from;
        nn.ratio = b.ratio;
        nn.flags = b.flags;
        nn.avail = avail(nn.line);
        nodes_.push_back(nn);
        active_.push_back(static_cast<std::uint32_t>(nodes_.size() - 1));
        if (text_)
          out_ += "@@" + std::to_string(nodes_.size() - 1) + ": line " + std::to_string(nn.line) +
                  fmt_double(" t=%.0f", nn.total) + " -> @@" + std::to_string(b.from) + "\n";
      }
      max_active_ = std::max(max_active_, active_.size());
      if (active_.empty()) {
        if (text_)
          out_ += "@ no feasible line reaches " + std::to_string(d_.text_pos(e)) + " " + preview(d_, e) + "; pass " +
                  std::to_string(pass) + " fails\n";
        if (trace_) trace_->candidates = candidates;
        return -1;
      }
    }
    if (trace_) trace_->candidates = candidates;
    int final_node = -1;
    for (std::uint32_t idx : active_)
      if (nodes_[idx].pos == m_ && (final_node < 0 || nodes_[idx].total < nodes_[static_cast<std::size_t>(final_node)].total))
        final_node = static_cast<int>(idx);
    return final_node;
  }

  // Units (§0 orphan_min) on a last line starting at atom s; the tail of a unit split by an
  // emergency break counts as one.
  std::uint32_t last_line_units(std::size_t s) const {
    const Atom& a = d_.atoms[s];
    return d_.units[m_] - d_.units[s] + (a.side == Side::Latin && !a.unit ? 1u : 0u);
  }

  const std::vector<Node>& nodes() const { return nodes_; }
  std::size_t max_active() const { return max_active_; }
  std::size_t evaluations() const { return evaluations_; }
  const std::string& trace_text() const { return out_; }

 private:
  const PreparedParagraphData& d_;
  std::size_t m_;
  BreakTrace* trace_;
  bool text_;
  std::vector<Sp> raw_, avail_;
  int last_special_ = -1;
  std::uint32_t orphan_min_ = 0;
  Sp hang_max_ = 0;
  std::vector<Node> nodes_;
  std::vector<std::uint32_t> active_;
  std::size_t max_active_ = 0;
  std::size_t evaluations_ = 0;
  std::string out_;
};

// ---------------------------------------------------------------------------------------------
// Justification (§4): distribute a line's adjustment over its glue by priority, in integer sp,
// so that a justified line's last glyph ends exactly on the measure.

struct Piece {
  const Glue* glue = nullptr;
  Sp extra = 0;  // adjustment: negative = shrink, positive = stretch
};

class LineSetter {
 public:
  explicit LineSetter(const PreparedParagraphData& d) : d_(d) {}

  void set(const Node& from, const Node& to, Sp width, Sp avail, Line& out);

 private:
  // Gives `amount` to the slots equally, each at most its cap (water filling). Remainders of one
  // sp go to the first slots in logical order, so the sum is exact and the result deterministic.
  void fill_equally(Sp amount, Sp sign);
  // Collects the pieces of priority `prio` (0 = any) with room left under their limit.
  Sp collect_stretch(std::uint8_t prio, bool hard, bool uncapped, Sp need);

  const PreparedParagraphData& d_;
  struct Slot { Piece lb, skip, rb; };
  std::vector<Slot> slots_;  // slots_[k − s] = glue before atom k; slots_[e − s].lb = tail
  std::vector<Piece*> all_;
  std::vector<Sp*> fill_slot_;
  std::vector<Sp> fill_cap_;
  std::vector<std::size_t> order_;
  std::vector<char> done_;
};

void LineSetter::fill_equally(Sp amount, Sp sign) {
  const std::size_t k = fill_slot_.size();
  if (k == 0 || amount <= 0) return;
  order_.resize(k);
  for (std::size_t i = 0; i < k; ++i) order_[i] = i;
  std::stable_sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) { return fill_cap_[a] < fill_cap_[b]; });
  done_.assign(k, 0);
  Sp remaining = amount;
  std::size_t left = k;
  for (std::size_t i = 0; i < k; ++i) {
    const std::size_t j = order_[i];
    const Sp share = remaining / static_cast<Sp>(left);
    if (fill_cap_[j] > share) break;
    *fill_slot_[j] += sign * fill_cap_[j];
    remaining -= fill_cap_[j];
    done_[j] = 1;
    --left;
  }
  if (left == 0) return;
  const Sp base = remaining / static_cast<Sp>(left);
  Sp extra = remaining % static_cast<Sp>(left);
  for (std::size_t j = 0; j < k; ++j) {
    if (done_[j]) continue;
    Sp give = base;
    if (extra > 0) { ++give; --extra; }
    *fill_slot_[j] += sign * give;
  }
}

Sp LineSetter::collect_stretch(std::uint8_t prio, bool hard, bool uncapped, Sp need) {
  fill_slot_.clear();
  fill_cap_.clear();
  Sp cap_sum = 0;
  for (Piece* p : all_) {
    const Glue& g = *p->glue;
    if (g.stretch_hard <= 0 || (prio && g.stretch_prio != prio)) continue;
    const Sp limit = uncapped ? need + p->extra : (hard ? g.stretch_hard : g.stretch);
    const Sp cap = limit - p->extra;
    if (cap <= 0) continue;
    fill_slot_.push_back(&p->extra);
    fill_cap_.push_back(cap);
    cap_sum += cap;
  }
  return cap_sum;
}

void LineSetter::set(const Node& from, const Node& to, Sp width, Sp avail, Line& out) {
  const PreparedParagraphData& d = d_;
  const std::size_t s = from.pos, e = to.pos, m = d.atoms.size();
  const Align align = d.style.align;
  const bool forced_end = e == m || d.gap(e).brk == BreakKind::Mandatory;
  const bool justify = align == Align::Justify && !forced_end;
  const Sp indent = from.line == 0 ? d.style.first_indent : 0;

  // Pieces in visual order: [head] A_s { [lb] [skip] [rb] A_k } [tail]
  slots_.assign(e - s + 1, Slot{});
  slots_[0].rb.glue = &d.head(s);
  for (std::size_t k = s + 1; k < e; ++k) {
    const Gap& g = d.gap(k);
    slots_[k - s] = {{&g.lb, 0}, {&g.skip, 0}, {&g.rb, 0}};
  }
  slots_[e - s].lb.glue = &d.tail(e);
  // A hanging mark (§7) is set after the measure: the rest of the line is justified without it.
  const Sp hang = (to.flags & kFlagHang) ? d.atoms[e - 1].width : 0;
  Sp natural = -hang;
  for (std::size_t k = s; k < e; ++k) natural += d.atoms[k].width;
  for (std::size_t k = s + 1; k < e; ++k) natural += d.gap(k).track;
  all_.clear();
  for (Slot& sl : slots_)
    for (Piece* p : {&sl.lb, &sl.skip, &sl.rb})
      if (p->glue) { natural += p->glue->natural; all_.push_back(p); }

  const Sp amount = avail - natural;
  double ratio = 0;
  bool loose = false;
  if (amount < 0) {
    // Shrink (push-in) by priority, §4.2: each level is exhausted before the next is touched.
    Sp need = -amount, total_shrink = 0, taken = 0;
    for (Piece* p : all_) total_shrink += p->glue->shrink;
    for (int prio = 1; prio < kShrinkLevels && need > 0; ++prio) {
      fill_slot_.clear();
      fill_cap_.clear();
      Sp cap_sum = 0;
      for (Piece* p : all_)
        if (p->glue->shrink_prio == prio && p->glue->shrink > 0) {
          fill_slot_.push_back(&p->extra);
          fill_cap_.push_back(p->glue->shrink);
          cap_sum += p->glue->shrink;
        }
      const Sp take = std::min(need, cap_sum);
      fill_equally(take, -1);
      need -= take;
      taken += take;
    }
    ratio = total_shrink > 0 ? -static_cast<double>(taken) / static_cast<double>(total_shrink) : 0.0;
  } else if (amount > 0 && justify) {
    // Stretch (push-out) by priority, §4.3.
    Sp need = amount, soft = 0;
    for (Piece* p : all_) soft += p->glue->stretch;
    auto step = [&](std::uint8_t prio, bool hard, bool uncapped) {
      if (need <= 0) return;
      const Sp cap_sum = collect_stretch(prio, hard, uncapped, need);
      const Sp take = std::min(need, cap_sum);
      fill_equally(take, +1);
      need -= take;
    };
    step(kStretchWordSpace, false, false);  // 1. Latin word spaces to 0.5 em
    step(kStretchAutospace, true, false);   // 2. CJK–Latin autospace to 0.5 em
    step(kStretchInterChar, true, false);   // 3. every other legal gap, equally, to 0.5 em
    step(kStretchWordSpace, true, false);   //    then word spaces to 1 em
    if (need > 0) {
      loose = true;
      step(0, true, true);  // beyond the hard limits: only the relaxed passes produce this (reported)
    }
    if (need > 0 && e - s > 1) {
      // No adjustable gap at all: letter-space the line rather than leave it short (reported).
      fill_slot_.clear();
      fill_cap_.clear();
      for (std::size_t k = s + 1; k < e; ++k) {
        fill_slot_.push_back(&slots_[k - s].skip.extra);
        fill_cap_.push_back(need);
      }
      fill_equally(need, +1);
      need = 0;
    }
    ratio = soft > 0 ? static_cast<double>(amount - need) / static_cast<double>(soft) : 0.0;
    if (need > 0) loose = true;
  }
  Sp content = natural;
  for (Piece* p : all_) content += p->extra;  // letter-spacing extras sit on the skip pieces too

  Sp x = indent;
  if (align == Align::Center && content < avail) x += (avail - content) / 2;
  if (align == Align::End && content < avail) x += avail - content;

  const ShapedText& sh = d.shaped;
  auto width_of = [](const Piece& p) { return (p.glue ? p.glue->natural : 0) + p.extra; };
  out.glyphs.clear();
  const std::uint32_t g_first = s == 0 ? d.spaces[0].begin : d.atoms[s].glyph_begin;
  const std::uint32_t g_last = d.spaces[e].end;
  out.glyphs.reserve(g_last > g_first ? g_last - g_first : 0);
  auto put_spaces = [&](const GapSpaces& g, Sp at) {
    for (std::uint32_t gi = g.begin; gi < g.end; ++gi) out.glyphs.push_back({gi, at, at, 0});
  };
  // An atom's set box (its owned blanks included, rule book notation X[w]) goes to its first
  // glyph; further glyphs of the atom (marks, ligature parts) get empty boxes at its left edge.
  std::size_t box_glyph = 0;
  bool box_open = false;
  Sp box_left = 0;
  auto close_box = [&](Sp right) {
    if (!box_open) return;
    out.glyphs[box_glyph].set_x = box_left;
    out.glyphs[box_glyph].set_width = right - box_left;
    box_open = false;
  };
  if (s == 0) put_spaces(d.spaces[0], x);  // leading spaces of the paragraph
  for (std::size_t k = s; k < e; ++k) {
    const Atom& a = d.atoms[k];
    if (k > s) {
      x += width_of(slots_[k - s].lb);
      close_box(x);
      put_spaces(d.spaces[k], x);
      x += width_of(slots_[k - s].skip) + d.gap(k).track;
    }
    const Sp left = x;
    x += width_of(slots_[k - s].rb);
    Sp pen = x + a.pen;
    box_glyph = out.glyphs.size();
    box_open = a.glyph_end > a.glyph_begin;
    box_left = left;
    for (std::uint32_t gi = a.glyph_begin; gi < a.glyph_end; ++gi) {
      out.glyphs.push_back({gi, pen, left, 0});
      pen += sh.glyphs[gi].advance;
    }
    x += a.width;
  }
  x += width_of(slots_[e - s].lb);
  close_box(x);
  put_spaces(d.spaces[e], x);  // spaces at the break (or the paragraph's trailing spaces)

  out.begin = s == 0 ? 0 : d.atoms[s].text_begin;
  out.end = e == m ? static_cast<std::uint32_t>(d.text.size()) : d.atoms[e].text_begin;
  out.width = width;
  out.natural = indent + natural + hang;
  out.hanging = hang > 0;
  out.ratio = ratio;
  out.last = e == m;
  out.hard_break = e < m && d.gap(e).brk == BreakKind::Mandatory;
  out.emergency = (to.flags & kFlagEmergency) != 0;
  out.loose = loose || (to.flags & kFlagLoose) != 0;
  out.overfull = content > avail;
}

}  // namespace

LineSet linebreak(const PreparedParagraph& p, const LineWidths& widths, Diagnostics& diags, BreakTrace* trace) {
  LineSet out;
  if (!p.data) return out;
  const PreparedParagraphData& d = *p.data;
  if (d.text.empty()) return out;
  const std::size_t m = d.atoms.size();
  if (m == 0) {
    // Only spaces: one empty line keeps the text accounted for.
    Line l;
    l.begin = 0;
    l.end = static_cast<std::uint32_t>(d.text.size());
    l.width = widths ? widths(0) : 0;
    l.last = true;
    for (std::uint32_t g = 0; g < d.shaped.glyphs.size(); ++g) l.glyphs.push_back({g, 0, 0, 0});
    out.lines.push_back(std::move(l));
    return out;
  }
  Breaker br(d, widths, trace);
  int final_node = -1;
  int pass = 1;
  for (; pass <= 3 && final_node < 0; ++pass) final_node = br.run(pass);
  --pass;
  if (trace) {
    trace->passes = pass;
    trace->max_active = br.max_active();
    trace->evaluations = br.evaluations();
  }
  if (final_node < 0) {
    // Cannot happen (the emergency pass always reaches the end); never lose text if it does.
    Line l;
    l.begin = 0;
    l.end = static_cast<std::uint32_t>(d.text.size());
    l.width = br.raw_width(0);
    l.last = l.overfull = true;
    for (std::uint32_t g = 0; g < d.shaped.glyphs.size(); ++g) l.glyphs.push_back({g, 0, 0, 0});
    diags.error("linebreak.failed", d.where, "the paragraph could not be broken into lines", "report this as a bug");
    out.lines.push_back(std::move(l));
    return out;
  }
  const std::vector<Node>& nodes = br.nodes();
  std::vector<std::int32_t> path;
  for (std::int32_t k = final_node; k >= 0; k = nodes[static_cast<std::size_t>(k)].prev) path.push_back(k);
  std::reverse(path.begin(), path.end());
  LineSetter setter(d);
  out.lines.resize(path.empty() ? 0 : path.size() - 1);
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Node& a = nodes[static_cast<std::size_t>(path[i - 1])];
    const Node& b = nodes[static_cast<std::size_t>(path[i])];
    Line& l = out.lines[i - 1];
    setter.set(a, b, br.raw_width(a.line), br.avail(a.line), l);
    const bool orphan = b.pos == m && (b.flags & kFlagOrphan);
    if (!l.emergency && !l.overfull && !l.loose && !orphan) continue;
    // The position of the line's first character in the source (exact across joined lines).
    const SourceLoc loc = d.where.at(l.begin);
    const std::u32string_view t(d.text);
    const std::string what = "line " + std::to_string(i) + " of the paragraph (\"" +
                             encode_utf8(t.substr(l.begin, std::min<std::uint32_t>(l.end - l.begin, 12))) + "…\")";
    if (l.emergency)
      diags.warning("linebreak.emergency", loc,
                    what + ": no legal break fits the measure " + fmt_pt(l.width) + " pt; broken inside a unit",
                    "widen the column or edit the text (a Latin word, number, URL or ——/…… is too long)");
    if (l.overfull)
      diags.warning("linebreak.overfull", loc, what + " is wider than its measure " + fmt_pt(l.width) + " pt",
                    "a single character or unit is wider than the column; widen it");
    if (l.loose && !l.overfull)
      diags.warning("linebreak.loose", loc, what + " is stretched beyond the spacing limits of rule book §4.4",
                    "edit the text or change the measure");
    if (orphan)
      diags.warning("linebreak.orphan", loc,
                    what + " is a 孤字: fewer than " + std::to_string(d.style.orphan_min) +
                        " characters on the last line and no other breaking avoids it",
                    "edit the paragraph (rule book §7)");
  }
  if (trace && trace->record_text) {
    std::string chosen = "@chosen @@0";
    for (std::size_t i = 1; i < path.size(); ++i) chosen += " -> @@" + std::to_string(path[i]);
    trace->text = br.trace_text() + chosen + "\n";
    for (std::size_t i = 1; i < path.size(); ++i) {
      const Node& b = nodes[static_cast<std::size_t>(path[i])];
      trace->text += "@@" + std::to_string(path[i]) + " line " + std::to_string(i) + " ends " + preview(d, b.pos) +
                     fmt_double(" r=%+.3f", b.ratio) + fmt_double(" t=%.0f", b.total) + "\n";
    }
  }
  return out;
}

void LineSet::dump(std::ostream& os, const PreparedParagraph& p) const {
  const std::u32string& t = p.text();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Line& l = lines[i];
    char head[128];
    std::snprintf(head, sizeof head, "L%02zu [%u..%u) w=%s n=%s r=%+.3f |", i, l.begin, l.end, fmt_pt(l.width).c_str(),
                  fmt_pt(l.natural).c_str(), l.ratio);
    os << head << encode_utf8(std::u32string_view(t).substr(l.begin, l.end - l.begin)) << '|';
    if (l.emergency) os << " emergency";
    if (l.overfull) os << " overfull";
    if (l.loose) os << " loose";
    os << '\n';
  }
}

}  // namespace paiban
