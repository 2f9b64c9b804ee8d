// Layout descriptors (issue 4/5): TOML edition files → a resolved, validated Edition model.
// Everything here is resolved: lengths in sp, grid placements turned into page rectangles
// (origin top-left of the trim box, y down), templates and includes merged, styles looked up,
// article paths made absolute. The composer consumes this and never sees TOML.
//
// CONTRACT used by compose/ and the CLI: names and fields are stable; the implementation may add.
#pragma once

#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/diagnostics.h"
#include "engine/base/geometry.h"
#include "engine/base/units.h"

namespace paiban {

enum class TextAlign { Justify, Start, Center, End };

struct Style {
  std::string name;
  std::string font_role = "song";
  int weight = 400;
  Sp size = sp_from_pt(9);       // the em of the style
  Sp leading = sp_from_pt(13.5);  // line pitch, baseline to baseline
  Sp tracking = 0;               // extra space after each character (headlines)
  Cmyk colour = Cmyk::black();
  TextAlign align = TextAlign::Justify;
  Sp first_indent = 0;           // body: 2 em (rule book §7)
  std::string kinsoku = "gb";    // none|basic|gb|strict|loose (rule book §2)
  std::string language = "zh-Hans";
  SourceLoc loc;
};

// Text in frames underneath a wrap obstacle flows around its rectangle grown by `offset`, on the
// line grid (a line is either clear of the obstacle or shortened on the obstacle's side).
struct Wrap {
  bool enabled = false;
  Sp offset = 0;
};

// Common to every placed object.
struct Placed {
  std::string id;     // optional designer name, used in diagnostics
  Rect rect;          // page coordinates
  Wrap wrap;
  SourceLoc loc;      // where the object is declared
  // The grid placement it was given, if any (0-based first column/line and spans), for the
  // composer's column arithmetic; -1 when placed in absolute units. Each axis on its own: an
  // object may have col/span from the grid and y/h in lengths (then line = -1, lines = 0).
  int col = -1, span = 0, line = -1, lines = 0;
};

struct FrameSpec : Placed {
  std::string story;   // story id
  int columns = 1;     // text columns inside the frame (a frame spanning 3 grid columns may hold 3)
  Sp gutter = 0;       // between those columns
  bool balance = false;  // balance the columns of this frame when the story ends in it
  // Added: position of this frame in its story's chain (0-based; StorySpec::chain lists them).
  int order = 0;
};

struct HeadlineSpec : Placed {
  std::string story;   // text comes from the story's article front matter
  std::string kicker_style = "kicker", headline_style = "headline", subtitle_style = "subtitle",
              deck_style = "deck", byline_style = "byline";
  TextAlign align = TextAlign::Center;
};

struct BoxSpec : Placed {
  std::optional<Cmyk> border;
  Sp border_width = sp_from_pt(0.5);
  std::optional<Cmyk> tint;   // background fill
  Sp inset = 0;
  std::u32string title;       // e.g. 导读
  std::string title_style = "box-title";
  enum class Content { Plain, Guide, Text, Promo } content = Content::Plain;
  std::u32string text;        // Content::Text; for Promo: items separated by '\n'
  std::string text_style = "box-text";
  std::string image;          // Content::Promo with an image (absolute path) instead of text
};

struct ImageSpec : Placed {
  std::string path;  // absolute
  enum class Fit { Fit, Fill, Crop } fit = Fit::Fit;
  std::u32string caption;
  std::string caption_style = "caption";
};

struct RuleSpec {
  Point from, to;
  Sp thickness = sp_from_pt(0.5);
  Cmyk colour = Cmyk::black();
  SourceLoc loc;
};

struct TextBlockSpec : Placed {
  std::u32string text;  // paragraphs separated by '\n'
  std::string style = "body";
};

// Newspaper furniture (issue 5). Text comes from EditionMeta; styles are named.
struct MastheadSpec : Placed {
  std::string name_style = "masthead-name";
  std::string logo;  // absolute path of a logo image; empty: the paper's name set in name_style
  std::string slogan_style = "masthead-slogan";
  std::string small_style = "masthead-small";  // frequency, hotline
  Rect calendar;     // calendar block (year-month, big day, weekday, lunar date); empty: none
  std::string day_style = "calendar-day", calendar_style = "calendar-text";
};
struct EditionLineSpec : Placed { std::string style = "edition-line"; };
struct ColophonSpec : Placed { std::string style = "colophon"; };
struct PageHeaderSpec : Placed { std::string style = "page-header"; Sp rule = sp_from_pt(0.5); };
struct FolioSpec : Placed { std::string style = "folio"; };

struct GridSpec {
  Rect type_area;         // trim minus margins
  int columns = 8;
  Sp gutter = 0;
  Sp line_pitch = 0;      // of the body style: fixes the baseline grid
  Sp body_size = 0;       // em of the body style (first baseline = type top + body ascent)
  int lines = 0;          // body lines that fit the type area
  std::string body_style = "body";
  bool column_rules = false;
  Sp column_rule_width = sp_from_pt(0.3);
  Sp column_width() const { return columns > 0 ? (type_area.w - gutter * (columns - 1)) / columns : 0; }
  // Rectangle of columns [col, col+span) and lines [line, line+lines) (0-based).
  // Added note: its height holds exactly `lines` body lines, lines·body_size + (lines−1)·gap
  // (rule book §6), i.e. lines·line_pitch − line_gap(); line k's em box top is y + k·line_pitch.
  // A span reaching the last column ends exactly at the type area's right edge.
  Rect cell(int col, int span, int line, int lines) const;
  // Added: the space between two body lines (pitch − size).
  Sp line_gap() const { return line_pitch - body_size; }
  // Added: how many body lines a block of this height holds, floor((h + gap) / pitch).
  int lines_in(Sp height) const {
    return line_pitch > 0 && height + line_gap() >= line_pitch ? static_cast<int>((height + line_gap()) / line_pitch) : 0;
  }
};

struct PageSpec {
  std::string label;      // "A1"
  std::string section;    // 要闻, 综合…
  std::string editor;     // 责编
  std::string template_name;
  Sp trim_width = 0, trim_height = 0, bleed = 0;
  Sp margin_top = 0, margin_bottom = 0, margin_inside = 0, margin_outside = 0;
  GridSpec grid;
  std::vector<FrameSpec> frames;          // in declaration order
  std::vector<HeadlineSpec> headlines;
  std::vector<BoxSpec> boxes;
  std::vector<ImageSpec> images;
  std::vector<RuleSpec> rules;
  std::vector<TextBlockSpec> text_blocks;
  std::optional<MastheadSpec> masthead;
  std::optional<EditionLineSpec> edition_line;
  std::optional<ColophonSpec> colophon;
  std::optional<PageHeaderSpec> page_header;
  std::optional<FolioSpec> folio;
  SourceLoc loc;
  // Added: 1-based position in the edition, and which side of the spread the page is on (odd
  // pages are right-hand pages unless the descriptor says `side`); the inside margin is on the
  // spine side, so grid.type_area.x = recto ? margin_inside : margin_outside.
  int number = 0;
  bool recto = true;
  Rect trim_rect() const { return {0, 0, trim_width, trim_height}; }
  Rect bleed_rect() const { return trim_rect().inflated(bleed); }
};

struct StorySpec {
  std::string id;
  std::string article;       // absolute path of the article file
  std::string body_style = "body";
  std::string subhead_style = "subhead";
  bool guide = false;        // listed in the 导读 box (or the article's front matter says so)
  SourceLoc loc;
  // Added: the frames the story threads through, in order (declaration order across pages, or
  // the frames' `order` keys): indices into Edition::pages and that page's frames.
  struct FrameRef {
    int page = 0;
    int frame = 0;
    bool operator==(const FrameRef&) const = default;
  };
  std::vector<FrameRef> chain;
};

struct EditionMeta {
  std::string paper;          // 山西科技报
  int year = 0, month = 0, day = 0;
  int issue_number = 0;       // 总第N期
  std::string serial;         // 国内统一连续出版物号 CN14-0009
  std::string postal_code;    // 邮发代号 21-1016
  std::string hotline;        // 新闻热线
  std::string frequency;      // 周刊
  std::string slogan;
  std::string subtitle;       // small words near the name (立媒 科经)
  // Colophon fields in printing order: (label, value), e.g. ("主管", "山西省科学技术协会").
  std::vector<std::pair<std::string, std::string>> colophon;
};

struct OutputSpec {
  std::string standard = "PDF/X-1a:2003";  // or "PDF/X-4", "none"
  std::string profile;                     // ICC output profile path (absolute), may be empty
  std::string output_condition = "CGATS TR 001";
  int ink_limit = 240;                     // percent
  bool marks = false;
  bool proofs = false;
};

struct Edition {
  std::string path;  // the edition.toml
  EditionMeta meta;
  std::map<std::string, Style> styles;
  std::vector<StorySpec> stories;
  std::vector<PageSpec> pages;
  OutputSpec output;
  // Added: named colours of the [colours] table (spot colours carry their CMYK alternate).
  std::map<std::string, Cmyk> colours;
  SizeTable size_table = SizeTable::Traditional;

  const Style* style(const std::string& name) const;
  const StorySpec* story(const std::string& id) const;
  const PageSpec* page(const std::string& label) const;  // added
  // Stable text form of the whole resolved model (golden tests).
  void dump(std::ostream& os) const;
};

// Loads and validates an edition. On any error returns nullopt; every problem is reported with
// file:line:column, what is wrong and what is allowed (did-you-mean for unknown keys).
std::optional<Edition> load_edition(const std::string& path, Diagnostics& diags);

}  // namespace paiban
