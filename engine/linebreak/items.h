// Internal to linebreak/: the width-independent item list of a prepared paragraph (rule book §9
// item model). A paragraph is a sequence of atoms (one shaped cluster each: a Han character, a
// Latin letter, the ink half of a trimmable mark) with a gap between consecutive atoms. A gap
// holds glue — the blanks of punctuation (§3), kanjiskip / CJK–Latin autospace / word spaces
// (§4, §5), tracking — and the break opportunity (§2). When a line breaks at a gap its glue is
// discarded except what the trimming profile keeps (`tail` for the line before, `head` for the
// line after), so line-edge trimming (§3.4) is measured while building every candidate line.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/analyze/analyze.h"
#include "engine/linebreak/linebreak.h"

namespace paiban {
namespace lb {  // internal names kept out of paiban:: (other stages have their own Slot, Gap…)

// Shrink priorities (rule book §4.2; lower shrinks first).
enum ShrinkPriority : std::uint8_t {
  kShrinkNone = 0,
  kShrinkLineEnd = 1,     // line-end mark under line_end_trim=allow-end
  kShrinkWordSpace = 2,   // Latin word spaces (≥ 0.25 em)
  kShrinkMiddleDot = 3,   // centred middle dots (TW/JP)
  kShrinkBracket = 4,     // blanks of OPEN / CLOSE brackets
  kShrinkComma = 5,       // blanks of ，、；：
  kShrinkAutospace = 6,   // CJK–Latin autospace (≥ 0.125 em)
  kShrinkStop = 7,        // blanks of 。？！．
  kShrinkLevels = 8,
};
// Stretch priorities (rule book §4.3; lower stretches first).
enum StretchPriority : std::uint8_t {
  kStretchNone = 0,
  kStretchWordSpace = 1,  // Latin word spaces (≤ 0.5 em soft, 1 em hard)
  kStretchAutospace = 2,  // CJK–Latin autospace (≤ 0.5 em)
  kStretchInterChar = 3,  // every other legal inter-character gap (0.125 em soft, 0.5 em hard)
};

// Totals of a stretch of items: what the breaker needs in O(1) from prefix sums.
struct Sums {
  Sp natural = 0;
  Sp shrink = 0;        // total shrinkability
  Sp stretch = 0;       // total soft stretch limit (badness reference, §9)
  Sp stretch_hard = 0;  // total hard stretch limit (§4.4)
  Sums& operator+=(const Sums& o) {
    natural += o.natural; shrink += o.shrink; stretch += o.stretch; stretch_hard += o.stretch_hard;
    return *this;
  }
  Sums& operator-=(const Sums& o) {
    natural -= o.natural; shrink -= o.shrink; stretch -= o.stretch; stretch_hard -= o.stretch_hard;
    return *this;
  }
  friend Sums operator+(Sums a, const Sums& b) { return a += b; }
  friend Sums operator-(Sums a, const Sums& b) { return a -= b; }
};

struct Glue {
  Sp natural = 0;
  Sp shrink = 0;        // natural − floor
  Sp stretch = 0;       // soft limit
  Sp stretch_hard = 0;  // hard limit (≥ stretch)
  std::uint8_t shrink_prio = kShrinkNone;
  std::uint8_t stretch_prio = kStretchNone;
  Sums sums() const { return {natural, shrink, stretch, stretch_hard}; }
  bool empty() const { return natural == 0 && shrink == 0 && stretch_hard == 0; }
  bool operator==(const Glue&) const = default;
};

struct Atom {
  std::uint32_t text_begin = 0, text_end = 0;    // code points
  std::uint32_t glyph_begin = 0, glyph_end = 0;  // shaped glyphs
  Sp width = 0;  // set width without adjustable blanks (a trimmable mark: its ink half)
  Sp pen = 0;    // glyph origin relative to the left edge of that box (−½ em for an opening mark)
  CharClass cls = CharClass::Han;
  Side side = Side::Cjk;
  PunctGlyph punct;            // how the glyph sits in its em box (§1 rule 2)
  Sp blank_left = 0;           // adjustable blank before the box (OPEN-type), after style rules
  Sp blank_right = 0;          // adjustable blank after the box (CLOSE-type)
  std::uint8_t shrink_prio = kShrinkNone;  // priority of this mark's blanks (§4.2)
  std::uint8_t unit = 0;       // 1 if a unit starts here (§0 orphan_min: Han/kana, Latin segment)
  std::uint8_t latin_alnum = 0;  // Latin-side atom whose unbreakable segment holds a letter/digit
};

struct Gap {  // between atom k−1 and atom k (k ≥ 1); gap 0 holds leading spaces only
  // Mid-line glue, in visual order: [lb][skip + track][rb].
  Glue lb;    // blank owned by the previous atom (after §3.3 collapsing)
  Glue skip;  // kanjiskip / autospace / word space
  Sp track = 0;
  Glue rb;    // blank owned by the next atom
  // At a break here: glue the line before keeps (line_end_trim allow-end / none) and the line
  // after keeps (line_start_trim space-all).
  Glue tail, head;
  BreakKind brk = BreakKind::Prohibited;
  BreakRule rule = BreakRule::IcuProhibited;
  std::int16_t penalty = 0;
  bool emergency_ok = false;  // a break here is possible as an emergency (inside a unit)
  enum class Skip : std::uint8_t { None, InterChar, Autospace, WordSpace, Letterspace } skip_kind = Skip::None;
  Sums mid() const {
    Sums s = lb.sums() + skip.sums() + rb.sums();
    s.natural += track;
    return s;
  }
  bool operator==(const Gap&) const = default;
};

// The space glyphs of a gap (between its atoms), [begin, end) in ShapedText::glyphs.
struct GapSpaces {
  std::uint32_t begin = 0, end = 0;
  bool empty() const { return begin == end; }
};

}  // namespace lb

struct PreparedParagraphData {
  using Atom = lb::Atom;
  using Gap = lb::Gap;
  using Glue = lb::Glue;
  using Sums = lb::Sums;
  using GapSpaces = lb::GapSpaces;

  std::u32string text;
  ParagraphStyle style;
  SourceLoc where;
  ShapedText shaped;
  std::vector<CharInfo> chars;
  std::vector<BreakOpportunity> breaks;
  std::vector<Atom> atoms;
  // Gap k lies between atoms k−1 and k (gap 0: leading spaces; gap atoms.size(): trailing
  // spaces). A paragraph has few distinct gaps (Han text: kanjiskip between ideographs and a
  // handful of punctuation contexts), so each is stored once in `gap_table` and positions hold
  // its index: 4 bytes per character instead of ~250 (issue 7: memory, page faults).
  std::vector<Gap> gap_table;
  std::vector<std::uint32_t> gap_of;  // size atoms.size() + 1
  std::vector<GapSpaces> spaces;      // size atoms.size() + 1: the space glyphs of gap k
  const Gap& gap(std::size_t k) const { return gap_table[gap_of[k]]; }
  std::vector<Sums> prefix;        // prefix[k+1] = prefix[k] + gap(k).mid() + atoms[k] (gap 0 = 0)
  std::vector<std::uint32_t> units;  // units[k] = units in atoms [0, k)
  // Compact copies for the breaker's inner loop (§9: O(1) per line measurement, cache-friendly):
  // the break at each position, and the sums a line starting / ending there adds.
  struct BreakPoint {
    BreakKind kind = BreakKind::Prohibited;
    bool emergency_ok = false;
    std::int16_t penalty = 0;
    std::int32_t hang = 0;  // width that may hang past the line end at a break here (§7)
  };
  std::vector<BreakPoint> points;  // points[k]: break before atom k (k = atoms.size(): the end)
  std::vector<Sums> line_base;     // line from k to e measures prefix[e] − line_base[k] + line_tail[e]
  std::vector<Sums> line_tail;
  Glue start_head;  // paragraph start: kept blank of an opening mark (space-first, §3.4)
  Glue end_tail;    // paragraph end: kept blank of a closing mark
  Sp em = 0;

  Sums interior(std::size_t s, std::size_t e) const {
    Sums r = prefix[e] - prefix[s];
    if (s > 0) r -= gap(s).mid();
    return r;
  }
  const Glue& head(std::size_t s) const { return s == 0 ? start_head : gap(s).head; }
  const Glue& tail(std::size_t e) const { return e == atoms.size() ? end_tail : gap(e).tail; }
  std::uint32_t text_pos(std::size_t k) const {  // code point where atom k (or the end) begins
    return k < atoms.size() ? atoms[k].text_begin : static_cast<std::uint32_t>(text.size());
  }
};

}  // namespace paiban
