// Flow (pipeline stage 7): put the lines of a story on the baseline grid of one frame column,
// resumable from a break token (LayoutNG's fragment + break token):
//
//   BreakToken t;                                   // story start
//   for (const FrameGeometry& column : chain) {
//     FlowResult r = flow(story, column, t, diags); // r.fragment: placed lines of this column
//     t = r.token;                                   // where the next column resumes
//   }
//   if (!t.finished(story)) … overset
//
// Rules applied here (docs/cjk-layout-rules.md):
//  - §6 grid: every line's em box sits on a grid slot (page grid top + k·pitch); a subhead takes a
//    whole number of slots, block height (k−1)·pitch + em, its content centred in the block.
//  - §7 孤行: no paragraph's last line alone at a column top, no first line alone at a column
//    bottom, where avoidable; the remedy is moving a line across (the column ends one line short).
//  - §7 背题: a subhead never ends a column; it keeps ≥ keep_lines body lines directly after it
//    in its column (not resumed below an obstacle), else it moves on.
//  - Wrap: a slot whose em band meets an obstacle is shortened on the obstacle's side, or skipped
//    when the remainder is narrower than min_width. Line widths therefore depend on where a
//    paragraph lands: paragraphs are prepared once (compose) and broken per placement here.
//
// Re-breaking keeps placed lines fixed. A paragraph split across columns carries its LineSet and
// the widths it was broken with in the token. The next column recomputes the widths of the
// remaining lines; if they are unchanged the carried lines are used as they are (so a story gives
// the same lines in one tall frame and in two halves); otherwise the paragraph is re-broken with
// the placed lines' widths kept, and if total fit then moves an already placed break, the tail is
// re-prepared from the first unplaced character (FlowInput::prepare_tail) and broken alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <vector>

#include "engine/base/diagnostics.h"
#include "engine/base/geometry.h"
#include "engine/base/units.h"
#include "engine/linebreak/linebreak.h"

namespace paiban {

struct FlowParagraph {
  enum class Kind { Body, Subhead };
  Kind kind = Kind::Body;
  PreparedParagraph prepared;
  // Subheads only (body lines use the frame's grid metrics):
  Sp size = 0;          // em of the subhead style
  Sp leading = 0;       // baseline to baseline inside a multi-line subhead
  Sp ascent = 0;        // em-box top → baseline at `size`
  int min_lines = 2;    // the block takes at least this many body lines (content centred)
  int keep_lines = 3;   // body lines that must follow in the same column (rule book §7 背题)
};

// Re-prepares paragraph `paragraph` from code point `from` (a line start) as a paragraph of its
// own with no first-line indent. Used only when a re-break would move an already placed break.
using TailPreparer = std::function<PreparedParagraph(std::size_t paragraph, std::uint32_t from)>;

struct FlowInput {
  std::vector<FlowParagraph> paragraphs;  // body paragraphs and subheads, in story order
  TailPreparer prepare_tail;              // optional (see the header comment)
  bool widow_orphan = true;               // rule book §7 孤行 remedies
};

// One column of a frame and what lies around it. All lengths sp, page coordinates (y down).
struct FrameGeometry {
  Rect area;            // the column: x/width of the lines; y/bottom limit the slots
  Sp grid_top = 0;      // page y of grid slot 0's em-box top (the type area top)
  Sp pitch = 0;         // body line pitch (baseline to baseline)
  Sp em = 0;            // body em: a slot's band is [top, top + em); also the grid unit across
  Sp ascent = 0;        // body em-box top → baseline
  std::vector<Rect> obstacles;  // wrap obstacles, already grown by their offsets
  Sp min_width = 0;     // a shortened slot narrower than this is skipped; 0 = 4 em (house rule)
  int reserve_top = 0;     // slots kept empty at the top (jump lines), counted in usable slots
  int reserve_bottom = 0;  // … and at the bottom
  int limit = -1;          // ≥ 0: slots from this index on are not used (column balancing)
  // Widths of the usable slots after this column (k = 0 is the first line after it): lets a
  // paragraph that continues elsewhere be broken for where it will land. Empty: area.w.
  std::function<Sp(int k)> continuation;
};

// One grid slot of a column: a line position.
struct Slot {
  int grid = 0;         // index on the page grid
  Sp top = 0;           // em-box top (page y)
  Sp x = 0, width = 0;  // the line's start and measure (shortened by obstacles)
  bool usable = false;  // false: blocked by an obstacle, reserved, or beyond the limit
  bool reserved = false;  // kept for a jump line (reserve_top/bottom)
};
// The slots of a column in order, top to bottom.
std::vector<Slot> column_slots(const FrameGeometry& frame);

// A paragraph's line set as carried across columns (the re-break state).
struct CarriedLines {
  PreparedParagraph prepared;      // the paragraph, or a re-prepared tail of it
  std::uint32_t text_offset = 0;   // prepared text index + text_offset = paragraph text index
  int first_line = 0;              // paragraph line number of lines.lines[0]
  LineSet lines;
  std::vector<Sp> widths;          // the measure each line was broken for
};

struct BreakToken {
  std::size_t paragraph = 0;  // next paragraph (index into FlowInput::paragraphs)
  int line = 0;               // next line of `carried` (0 with no carried lines)
  std::shared_ptr<const CarriedLines> carried;  // set when a body paragraph is split
  bool finished(const FlowInput& in) const { return paragraph >= in.paragraphs.size(); }
  // Paragraph line number of the next line to place (0 at a paragraph start).
  int paragraph_line() const { return carried ? carried->first_line + line : 0; }
  // Paragraph text index where the next line starts (0 at a paragraph start).
  std::uint32_t text_position() const;
};

struct PlacedLine {
  std::size_t paragraph = 0;  // index into FlowInput::paragraphs
  int line = 0;               // line number inside its paragraph (0 = first)
  bool subhead = false;
  PreparedParagraph prepared;  // whose shaped glyphs line.glyphs index (the tail if re-prepared)
  std::uint32_t text_offset = 0;  // line.begin + text_offset = paragraph text index
  Line line_data;
  Point origin;               // baseline start, page coordinates
  Sp em_top = 0;              // top of the line's em box (page y)
  Sp size = 0;                // em of the line (body em or the subhead size)
  int slot = 0;               // index into the column's slots (first slot of a subhead block)
  int slots = 1;              // slots the line's block occupies (subheads: the whole block)
};

struct ColumnFragment {
  std::vector<PlacedLine> lines;
  int usable = 0;    // usable slots of the column
  int depth = 0;     // slots down to the last one used (index of the last used slot + 1)
  int empty_after = 0;  // usable slots after the last used one
  // One line per placed line: `s03 p2 l5 x=… y=… w=… [b..e) |text|` (rounded pt, stable).
  void dump(std::ostream& os) const;
};

struct FlowResult {
  ColumnFragment fragment;
  BreakToken token;
};

// Fills one column from `token`. Deterministic: the same inputs give the same fragment and token.
FlowResult flow(const FlowInput& story, const FrameGeometry& frame, BreakToken token, Diagnostics& diags);

struct BalancedResult {
  std::vector<ColumnFragment> columns;
  BreakToken token;
  bool balanced = false;  // the story ended in these columns and they were balanced
};
// Flows the columns of one frame in order. When the story ends in them, the columns are balanced:
// the smallest depths (first columns h, later ones h−1) that still hold the rest of the story,
// so the columns end at equal depth ±1 line. Where widow/orphan control makes that impossible
// (short paragraphs), balance wins and a note flow.balance-over-widow says so. When the story
// does not end in these columns this is identical to calling flow() per column.
BalancedResult flow_balanced(const FlowInput& story, const std::vector<FrameGeometry>& columns, BreakToken token,
                             Diagnostics& diags);

// Lines the rest of the story needs from `token` when set in columns of `frame` (overset report):
// body lines plus subhead blocks, counted in grid slots, and the characters left.
struct Remainder {
  int lines = 0;
  std::size_t characters = 0;
};
Remainder remainder(const FlowInput& story, const FrameGeometry& frame, const BreakToken& token);

}  // namespace paiban
