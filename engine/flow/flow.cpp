#include "engine/flow/flow.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <ostream>
#include <string>

#include "engine/base/text.h"

namespace paiban {
namespace {

// House rule: beside an obstacle, a line shorter than 4 em reads as a stammer of two or three
// characters; such a slot is skipped instead (newspaper practice for runarounds).
constexpr int kMinWrapEms = 4;

// Floor division for possibly negative numerators (slot index of a frame above the grid top).
Sp floor_div(Sp a, Sp b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
Sp ceil_div(Sp a, Sp b) { return -floor_div(-a, b); }

struct Interval {
  Sp a = 0, b = 0;
};

// Free horizontal stretch of one slot after obstacles: the widest piece, its edges moved onto the
// column's character grid (rule book §6: glyph origins on grid columns) where an obstacle cut it.
std::optional<Interval> free_interval(const FrameGeometry& f, Sp band_top, Sp band_bottom, bool* cut) {
  std::vector<Interval> free{{f.area.x, f.area.right()}};
  *cut = false;
  for (const Rect& ob : f.obstacles) {
    if (ob.empty()) continue;
    if (!(ob.y < band_bottom && band_top < ob.bottom())) continue;
    if (ob.right() <= f.area.x || ob.x >= f.area.right()) continue;
    *cut = true;
    std::vector<Interval> next;
    for (const Interval& iv : free) {
      if (ob.right() <= iv.a || ob.x >= iv.b) {
        next.push_back(iv);
        continue;
      }
      if (ob.x > iv.a) next.push_back({iv.a, ob.x});
      if (ob.right() < iv.b) next.push_back({ob.right(), iv.b});
    }
    free.swap(next);
  }
  if (!*cut) return free.front();
  std::optional<Interval> best;
  for (Interval iv : free) {
    if (iv.a > f.area.x) iv.a = f.area.x + ceil_div(iv.a - f.area.x, f.em) * f.em;
    if (iv.b < f.area.right()) iv.b = f.area.x + floor_div(iv.b - f.area.x, f.em) * f.em;
    if (iv.b - iv.a <= 0) continue;
    if (!best || iv.b - iv.a > best->b - best->a) best = iv;  // ties: the leftmost
  }
  return best;
}

// Widths of the lines of a paragraph that starts (or resumes) at slot `from`: the usable slots of
// this column, then the continuation columns.
struct SlotWidths {
  std::vector<Sp> here;
  const FrameGeometry* frame = nullptr;
  Sp operator()(int k) const {
    if (k < 0) k = 0;
    if (static_cast<std::size_t>(k) < here.size()) return here[k];
    const int after = k - static_cast<int>(here.size());
    if (frame->continuation) return frame->continuation(after);
    return frame->area.w;
  }
};

SlotWidths widths_from(const std::vector<Slot>& slots, std::size_t from, const FrameGeometry& frame) {
  SlotWidths w;
  w.frame = &frame;
  for (std::size_t s = from; s < slots.size(); ++s)
    if (slots[s].usable) w.here.push_back(slots[s].width);
  return w;
}

std::optional<std::size_t> next_usable(const std::vector<Slot>& slots, std::size_t from) {
  for (std::size_t s = from; s < slots.size(); ++s)
    if (slots[s].usable) return s;
  return std::nullopt;
}

bool same_breaks(const Line& a, const Line& b) { return a.begin == b.begin && a.end == b.end; }

// Slots a block of `content` height needs: the smallest k with (k−1)·pitch + em ≥ content
// (rule book §6: block height k·size + (k−1)·gap).
int block_slots(Sp content, const FrameGeometry& f) {
  if (content <= f.em) return 1;
  return static_cast<int>(ceil_div(content - f.em, f.pitch)) + 1;
}

class ColumnFlow {
 public:
  ColumnFlow(const FlowInput& in, const FrameGeometry& frame, Diagnostics& diags)
      : in_(in), frame_(frame), diags_(diags), slots_(column_slots(frame)) {}

  FlowResult run(BreakToken token) {
    FlowResult out;
    std::size_t s = 0;  // next slot to consider
    while (!token.finished(in_)) {
      const FlowParagraph& para = in_.paragraphs[token.paragraph];
      if (token.paragraph_line() == 0 && para.prepared.text().empty()) {  // nothing to set
        token = BreakToken{token.paragraph + 1, 0, nullptr};
        continue;
      }
      if (para.kind == FlowParagraph::Kind::Subhead) {
        if (!place_subhead(token.paragraph, para, s, out.fragment)) break;
        token = BreakToken{token.paragraph + 1, 0, nullptr};
        continue;
      }
      const auto first = next_usable(slots_, s);
      if (!first) break;
      auto carried = lines_for(token, *first);
      int j = token.line;
      const int n = static_cast<int>(carried->lines.lines.size());
      while (j < n) {
        const auto u = next_usable(slots_, s);
        if (!u) break;
        place_body_line(token.paragraph, *carried, j, *u, out.fragment);
        s = *u + 1;
        ++j;
      }
      if (j >= n) {
        token = BreakToken{token.paragraph + 1, 0, nullptr};
        continue;
      }
      token = BreakToken{token.paragraph, j, carried};
      break;  // column full inside a paragraph
    }
    if (!token.finished(in_)) {
      if (in_.widow_orphan) fix_widow_orphan(token, out.fragment);
      while (fix_stranded_subhead(token, out.fragment)) {
      }
    }
    finish(out.fragment);
    out.token = std::move(token);
    return out;
  }

 private:
  // The line set for the paragraph at `token`, resuming at slot `at` (see flow.h on re-breaking).
  std::shared_ptr<const CarriedLines> lines_for(BreakToken& token, std::size_t at) {
    const FlowParagraph& para = in_.paragraphs[token.paragraph];
    const SlotWidths fresh = widths_from(slots_, at, frame_);
    if (!token.carried) {
      auto c = std::make_shared<CarriedLines>();
      c->prepared = para.prepared;
      c->lines = linebreak(para.prepared, [&](int n) { return fresh(n); }, diags_);
      for (std::size_t n = 0; n < c->lines.lines.size(); ++n) c->widths.push_back(fresh(static_cast<int>(n)));
      return c;
    }
    const CarriedLines& old = *token.carried;
    const int i = token.line;
    const int n_old = static_cast<int>(old.lines.lines.size());
    bool same = true;
    for (int n = i; n < n_old && same; ++n) same = old.widths[n] == fresh(n - i);
    if (same) return token.carried;

    // Widths changed: re-break with the placed lines' widths kept.
    auto widths = [&](int n) { return n < i ? old.widths[n] : fresh(n - i); };
    LineSet set = linebreak(old.prepared, widths, diags_);
    bool prefix_kept = static_cast<int>(set.lines.size()) > i;
    for (int n = 0; n < i && prefix_kept; ++n) prefix_kept = same_breaks(set.lines[n], old.lines.lines[n]);
    if (prefix_kept) {
      auto c = std::make_shared<CarriedLines>();
      c->prepared = old.prepared;
      c->text_offset = old.text_offset;
      c->first_line = old.first_line;
      c->lines = std::move(set);
      for (std::size_t n = 0; n < c->lines.lines.size(); ++n) c->widths.push_back(widths(static_cast<int>(n)));
      return c;
    }
    if (in_.prepare_tail && i > 0) {
      const std::uint32_t from = old.text_offset + old.lines.lines[i].begin;
      auto c = std::make_shared<CarriedLines>();
      c->prepared = in_.prepare_tail(token.paragraph, from);
      c->text_offset = from;
      c->first_line = old.first_line + i;
      c->lines = linebreak(c->prepared, [&](int n) { return fresh(n); }, diags_);
      for (std::size_t n = 0; n < c->lines.lines.size(); ++n) c->widths.push_back(fresh(static_cast<int>(n)));
      token.line = 0;
      return c;
    }
    diags_.warning("flow.rebreak-moved-break", {},
                   "paragraph " + std::to_string(token.paragraph + 1) +
                       " continues where lines have other widths, and re-breaking would move a line already "
                       "placed; its remaining lines keep their old widths",
                   "give the composer a tail preparer (FlowInput::prepare_tail)");
    return token.carried;
  }

  void place_body_line(std::size_t paragraph, const CarriedLines& c, int j, std::size_t slot, ColumnFragment& frag) {
    const Slot& sl = slots_[slot];
    PlacedLine pl;
    pl.paragraph = paragraph;
    pl.line = c.first_line + j;
    pl.prepared = c.prepared;
    pl.text_offset = c.text_offset;
    pl.line_data = c.lines.lines[j];
    pl.origin = {sl.x, sl.top + frame_.ascent};
    pl.em_top = sl.top;
    pl.size = frame_.em;
    pl.slot = static_cast<int>(slot);
    frag.lines.push_back(std::move(pl));
  }

  // A subhead block: whole slots, content centred (rule book §6), on consecutive usable slots.
  bool place_subhead(std::size_t paragraph, const FlowParagraph& para, std::size_t& s, ColumnFragment& frag) {
    std::size_t u = s;
    while (true) {
      const auto start = next_usable(slots_, u);
      if (!start) return false;
      Sp width = slots_[*start].width;
      Sp x = slots_[*start].x;
      LineSet set;
      int k = 0;
      bool blocked = false;
      std::size_t blocked_at = 0;
      // Width and block size depend on each other when an obstacle narrows part of the block; a
      // few rounds settle it (each round only narrows the width).
      for (int round = 0; round < 4; ++round) {
        set = linebreak(para.prepared, [width](int) { return width; }, diags_);
        const int n = static_cast<int>(set.lines.size());
        const Sp content = n > 0 ? (n - 1) * para.leading + para.size : 0;
        k = std::max(block_slots(content, frame_), para.min_lines);
        if (*start + k > slots_.size()) return false;
        Sp left = slots_[*start].x, right = slots_[*start].x + slots_[*start].width;
        blocked = false;
        for (std::size_t t = *start; t < *start + k; ++t) {
          if (!slots_[t].usable) {
            blocked = true;
            blocked_at = t;
            break;
          }
          left = std::max(left, slots_[t].x);
          right = std::min(right, slots_[t].x + slots_[t].width);
        }
        if (blocked) break;
        if (right - left >= width) break;
        width = right - left;
        x = left;
        if (width <= 0) {
          blocked = true;
          blocked_at = *start;
          break;
        }
      }
      // 背题 beside an obstacle: the body lines that must follow the subhead have to follow it
      // directly, not resume after a picture; otherwise the block goes below the obstacle.
      if (!blocked) {
        for (std::size_t t = *start + k; t < *start + k + std::max(0, para.keep_lines) && t < slots_.size(); ++t) {
          const bool past_limit = frame_.limit >= 0 && t >= static_cast<std::size_t>(frame_.limit);
          if (!slots_[t].usable && !slots_[t].reserved && !past_limit) {
            blocked = true;
            blocked_at = t;
            break;
          }
        }
      }
      if (blocked) {
        u = blocked_at + 1;
        continue;
      }
      const int n = static_cast<int>(set.lines.size());
      const Sp content = n > 0 ? (n - 1) * para.leading + para.size : 0;
      const Sp block_height = (k - 1) * frame_.pitch + frame_.em;
      const Sp top = slots_[*start].top + (block_height - content) / 2;
      for (int j = 0; j < n; ++j) {
        PlacedLine pl;
        pl.paragraph = paragraph;
        pl.line = j;
        pl.subhead = true;
        pl.prepared = para.prepared;
        pl.line_data = set.lines[j];
        pl.em_top = top + j * para.leading;
        pl.origin = {x, pl.em_top + para.ascent};
        pl.size = para.size;
        pl.slot = static_cast<int>(*start);
        pl.slots = k;
        frag.lines.push_back(std::move(pl));
      }
      s = *start + k;
      return true;
    }
  }

  // Rule book §7 孤行: the column ended inside paragraph `token.paragraph`. Move a line across
  // when the paragraph's last line would open the next column alone (widow) or its first line
  // would close this one alone (orphan), unless the paragraph is all this column holds.
  void fix_widow_orphan(BreakToken& token, ColumnFragment& frag) {
    if (!token.carried || token.paragraph_line() == 0) return;
    const CarriedLines& c = *token.carried;
    const int total = c.first_line + static_cast<int>(c.lines.lines.size());
    const int remaining = total - token.paragraph_line();
    int here = 0;
    std::size_t first_pos = frag.lines.size();
    for (std::size_t k = frag.lines.size(); k-- > 0;) {
      if (frag.lines[k].paragraph != token.paragraph || frag.lines[k].subhead) break;
      ++here;
      first_pos = k;
    }
    if (here == 0) return;
    const int first_here = frag.lines[first_pos].line;
    const bool only_content = first_pos == 0;
    int move = 0;
    if (remaining == 1) {
      if (here >= 2) {
        move = 1;
        if (here - move == 1 && first_here == 0 && !only_content) move = here;  // would leave an orphan
      } else if (first_here == 0 && !only_content) {
        move = 1;  // a two-line paragraph split 1 | 1: both lines go
      }
    } else if (remaining >= 2 && here == 1 && first_here == 0 && !only_content) {
      move = 1;
    }
    if (move == 0) return;
    // Lines can only go back to where the carried set starts; a re-prepared tail never reaches
    // back across its own start.
    move = std::min(move, token.line);
    if (move == 0) return;
    frag.lines.resize(frag.lines.size() - move);
    token.line -= move;
  }

  // Rule book §7 背题: a subhead keeps keep_lines body lines after it in its column, unless the
  // section after it is shorter or the subhead already opens the column.
  // Returns true when it cut the column (the subhead before may now be stranded in turn).
  bool fix_stranded_subhead(BreakToken& token, ColumnFragment& frag) {
    std::optional<std::size_t> pos;
    for (std::size_t k = frag.lines.size(); k-- > 0;) {
      if (frag.lines[k].subhead) {
        pos = k;
        while (*pos > 0 && frag.lines[*pos - 1].subhead && frag.lines[*pos - 1].paragraph == frag.lines[k].paragraph)
          --*pos;
        break;
      }
    }
    if (!pos || *pos == 0) return false;
    const std::size_t q = frag.lines[*pos].paragraph;
    int body_after = 0;
    for (std::size_t k = *pos; k < frag.lines.size(); ++k)
      if (!frag.lines[k].subhead) ++body_after;
    const bool section_complete = token.paragraph_line() == 0 && !token.finished(in_) &&
                                  in_.paragraphs[token.paragraph].kind == FlowParagraph::Kind::Subhead &&
                                  token.paragraph > q;
    if (body_after >= in_.paragraphs[q].keep_lines || section_complete) return false;
    frag.lines.resize(*pos);
    token = BreakToken{q, 0, nullptr};
    return true;
  }

  void finish(ColumnFragment& frag) const {
    frag.usable = 0;
    for (const Slot& s : slots_) frag.usable += s.usable ? 1 : 0;
    frag.depth = 0;
    for (const PlacedLine& l : frag.lines) frag.depth = std::max(frag.depth, l.slot + l.slots);
    frag.empty_after = 0;
    for (std::size_t s = static_cast<std::size_t>(frag.depth); s < slots_.size(); ++s)
      frag.empty_after += slots_[s].usable ? 1 : 0;
  }

  const FlowInput& in_;
  const FrameGeometry& frame_;
  Diagnostics& diags_;
  std::vector<Slot> slots_;
};

}  // namespace

std::vector<Slot> column_slots(const FrameGeometry& f) {
  std::vector<Slot> out;
  if (f.pitch <= 0 || f.em <= 0 || f.area.w <= 0) return out;
  const Sp min_width = f.min_width > 0 ? f.min_width : kMinWrapEms * f.em;
  for (Sp g = ceil_div(f.area.y - f.grid_top, f.pitch);; ++g) {
    const Sp top = f.grid_top + g * f.pitch;
    if (top + f.em > f.area.bottom()) break;
    Slot s;
    s.grid = static_cast<int>(g);
    s.top = top;
    bool cut = false;
    const auto iv = free_interval(f, top, top + f.em, &cut);
    if (iv && (!cut || iv->b - iv->a >= min_width)) {
      s.x = iv->a;
      s.width = iv->b - iv->a;
      s.usable = true;
    } else {
      s.x = f.area.x;
    }
    out.push_back(s);
  }
  int top_left = f.reserve_top;
  for (Slot& s : out) {
    if (top_left <= 0) break;
    if (s.usable) {
      s.usable = false;
      s.reserved = true;
      --top_left;
    }
  }
  int bottom_left = f.reserve_bottom;
  for (auto it = out.rbegin(); it != out.rend() && bottom_left > 0; ++it) {
    if (it->usable) {
      it->usable = false;
      it->reserved = true;
      --bottom_left;
    }
  }
  if (f.limit >= 0)
    for (std::size_t s = static_cast<std::size_t>(f.limit); s < out.size(); ++s) out[s].usable = false;
  return out;
}

std::uint32_t BreakToken::text_position() const {
  if (!carried) return 0;
  const auto& lines = carried->lines.lines;
  if (line >= 0 && static_cast<std::size_t>(line) < lines.size()) return carried->text_offset + lines[line].begin;
  return carried->text_offset + static_cast<std::uint32_t>(carried->prepared.text().size());
}

void ColumnFragment::dump(std::ostream& os) const {
  os << "column usable=" << usable << " depth=" << depth << " empty_after=" << empty_after << '\n';
  for (const PlacedLine& l : lines) {
    const auto& t = l.prepared.text();
    const std::uint32_t b = std::min<std::uint32_t>(l.line_data.begin, static_cast<std::uint32_t>(t.size()));
    const std::uint32_t e = std::min<std::uint32_t>(l.line_data.end, static_cast<std::uint32_t>(t.size()));
    char head[32];
    std::snprintf(head, sizeof head, "s%02d p%zu l%d", l.slot, l.paragraph, l.line);
    os << head << (l.subhead ? " H" : "") << " x=" << fmt_pt(l.origin.x) << " y=" << fmt_pt(l.origin.y)
       << " w=" << fmt_pt(l.line_data.width) << " [" << (b + l.text_offset) << ".." << (e + l.text_offset) << ") |"
       << encode_utf8(std::u32string_view(t).substr(b, e - b)) << "|\n";
  }
}

FlowResult flow(const FlowInput& story, const FrameGeometry& frame, BreakToken token, Diagnostics& diags) {
  return ColumnFlow(story, frame, diags).run(std::move(token));
}

namespace {
BalancedResult flow_columns(const FlowInput& story, const std::vector<FrameGeometry>& columns, BreakToken token,
                            Diagnostics& diags) {
  BalancedResult out;
  for (const FrameGeometry& col : columns) {
    FlowResult r = flow(story, col, std::move(token), diags);
    out.columns.push_back(std::move(r.fragment));
    token = std::move(r.token);
  }
  out.token = std::move(token);
  return out;
}
}  // namespace

namespace {

int spread(const BalancedResult& r) {
  int lo = 0, hi = 0;
  for (std::size_t c = 0; c < r.columns.size(); ++c) {
    lo = c == 0 ? r.columns[c].depth : std::min(lo, r.columns[c].depth);
    hi = std::max(hi, r.columns[c].depth);
  }
  return hi - lo;
}

// Capacities in increasing order: the first k columns end by slot h, the others by h − 1. The
// first capacity that holds the rest of the story gives depths within one line of each other
// (a smaller capacity did not fit, so the last column is at most a line short) unless a keep
// rule (widow, orphan, subhead) moved lines.
std::optional<BalancedResult> balance_search(const FlowInput& story, const std::vector<FrameGeometry>& columns,
                                             const BreakToken& token, int total_depth, Diagnostics& diags) {
  int most_slots = 0;
  for (const FrameGeometry& c : columns) most_slots = std::max(most_slots, static_cast<int>(column_slots(c).size()));
  const int cols = static_cast<int>(columns.size());
  for (int h = std::max(1, total_depth / cols - 1); h <= most_slots; ++h) {
    for (int k = 1; k <= cols; ++k) {
      std::vector<FrameGeometry> limited = columns;
      for (int c = 0; c < cols; ++c) {
        const int cap = c < k ? h : h - 1;
        limited[c].limit = limited[c].limit >= 0 ? std::min(limited[c].limit, cap) : cap;
      }
      Diagnostics trial_diags;
      BalancedResult trial = flow_columns(story, limited, token, trial_diags);
      if (trial.token.finished(story)) {
        diags.append(trial_diags);
        trial.balanced = true;
        return trial;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

BalancedResult flow_balanced(const FlowInput& story, const std::vector<FrameGeometry>& columns, BreakToken token,
                             Diagnostics& diags) {
  Diagnostics natural_diags;
  BalancedResult natural = flow_columns(story, columns, token, natural_diags);
  if (columns.size() < 2 || !natural.token.finished(story)) {
    diags.append(natural_diags);
    return natural;
  }
  int total = 0;
  for (const ColumnFragment& c : natural.columns) total += c.depth;
  Diagnostics best_diags;
  std::optional<BalancedResult> best = balance_search(story, columns, token, total, best_diags);
  // Short paragraphs can make widow and orphan control and even column bottoms exclusive (a
  // three-line paragraph cannot be split without one). Newspapers keep column bottoms aligned
  // (rule book §7), so balancing wins there, and the choice is reported.
  if (best && spread(*best) > 1 && story.widow_orphan) {
    FlowInput relaxed = story;
    relaxed.widow_orphan = false;
    Diagnostics relaxed_diags;
    std::optional<BalancedResult> alt = balance_search(relaxed, columns, token, total, relaxed_diags);
    if (alt && spread(*alt) < spread(*best)) {
      best = std::move(alt);
      best_diags = std::move(relaxed_diags);
      best_diags.note("flow.balance-over-widow", {},
                      "balanced columns could only be reached by leaving a widow or orphan line",
                      "edit a paragraph a line longer or shorter to avoid it");
    }
  }
  if (!best) {
    diags.append(natural_diags);
    return natural;
  }
  diags.append(best_diags);
  return std::move(*best);
}

Remainder remainder(const FlowInput& story, const FrameGeometry& frame, const BreakToken& token) {
  Diagnostics diags;  // the remainder is only counted; its lines are reported as overset, not set
  Remainder r;
  if (token.finished(story)) return r;
  std::size_t p = token.paragraph;
  if (token.carried) {
    const auto& c = *token.carried;
    r.lines += static_cast<int>(c.lines.lines.size()) - token.line;
    r.characters += c.prepared.text().size() - (token.text_position() - c.text_offset);
    ++p;
  }
  const Sp width = frame.area.w;
  for (; p < story.paragraphs.size(); ++p) {
    const FlowParagraph& para = story.paragraphs[p];
    r.characters += para.prepared.text().size();
    LineSet set = linebreak(para.prepared, [width](int) { return width; }, diags);
    const int n = static_cast<int>(set.lines.size());
    if (para.kind == FlowParagraph::Kind::Subhead) {
      const Sp content = n > 0 ? (n - 1) * para.leading + para.size : 0;
      r.lines += std::max(block_slots(content, frame), para.min_lines);
    } else {
      r.lines += n;
    }
  }
  return r;
}

}  // namespace paiban
