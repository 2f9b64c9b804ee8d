// Compose (pipeline stage 8): an edition's pages from its descriptor and articles. Stories thread
// through their frame chains (flow/ fills each frame column), headline blocks, boxes, images,
// rules, text blocks and column rules are placed, jump lines are generated after pagination, and
// the result is one Page display list per page plus a ComposeReport. Nothing after this stage
// knows articles or descriptors.
//
// Invariants checked on every run (docs/architecture.md, "invariant verifiers"):
//  - text conservation: per story, the text of its placed glyphs (PlacedGlyph::text, in order)
//    plus the overset remainder equals the article's paragraphs concatenated; otherwise an
//    internal error `compose.text-lost`;
//  - overset is never silent: `compose.overset`, an error at the article paragraph where the
//    overset text starts, with the characters and lines left and the last page and frame (the
//    CLI fails the run unless told to allow overset);
//  - underset (empty lines after a story's end in its last frame) is counted in the report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/article/article.h"
#include "engine/base/diagnostics.h"
#include "engine/compose/page.h"
#include "engine/descriptor/descriptor.h"
#include "engine/fonts/fonts.h"

namespace paiban {

struct MissingGlyph {
  std::string where;       // story id, or the placed object ("box:guide", "headline:lead")
  char32_t ch = 0;
  std::size_t paragraph = 0;  // 0-based paragraph of the story (0 for other objects)
  std::uint32_t index = 0;    // code point index inside that paragraph
};

struct StoryOnPage {
  std::string story;
  int lines = 0;                // text lines (body and subhead lines) of the story on this page
  std::size_t characters = 0;   // code points of the story's article text placed on this page
};

struct PageReport {
  std::string label;
  std::vector<StoryOnPage> stories;  // in order of first placement
  int lines = 0;                     // story lines on the page
  std::vector<MissingGlyph> missing;
};

struct StoryReport {
  std::string story;
  std::size_t characters = 0;         // the article's paragraph text, in code points
  std::size_t placed_characters = 0;
  int lines = 0;                      // text lines placed (body and subhead lines)
  std::vector<std::string> pages;     // labels of the pages it was placed on, in chain order
  bool overset = false;
  std::size_t overset_characters = 0;
  int overset_lines = 0;              // lines the rest needs at the last column's measure
  std::string stopped_page;           // where the text stopped: last page and frame with text
  std::string stopped_frame;          // frame id, or "#n" (1-based on its page)
  int underset_lines = 0;             // empty usable lines after the end in its last frame
  int unused_frames = 0;              // frames of the chain after the one where it ended
  std::vector<std::string> jumps;     // "A1→A2" for every jump line pair printed
};

struct ComposeReport {
  std::vector<PageReport> pages;      // edition order
  std::vector<StoryReport> stories;   // descriptor order
  // Stable text form: one `page` block per page, one `story` line per story.
  void dump(std::ostream& os) const;
};

struct ComposedEdition {
  std::vector<Page> pages;  // edition order
  ComposeReport report;
};

struct ComposeHooks {
  // Called once, on the calling thread, when the fixed objects (headlines, boxes, text blocks,
  // furniture) are set and every story's text and jump lines are shaped, before any story is
  // flowed. The glyphs named are those the pages will use, except what print marks add and what
  // re-shaping at a break may change (rare): they let the caller start work that needs the
  // edition's glyphs — the PDF font subsets — while the stories are flowed on this thread.
  std::function<void(GlyphsByFace)> glyphs_shaped;
};

// `articles_by_story` maps StorySpec::id to its parsed article. Problems go to `diags`; the
// result is always complete (missing pieces are reported, never silently dropped).
ComposedEdition compose(const Edition& edition, const std::map<std::string, Article>& articles_by_story,
                        FontSet& fonts, Diagnostics& diags, const ComposeHooks& hooks = {});

// Jump line texts (after pagination). Lettered section labels print as Chinese papers do for
// them, （下转A2版）/（上接A1版）; purely numeric labels as （下转第2版）/（上接第1版）.
std::u32string jump_to_text(const std::string& next_page_label);
std::u32string jump_from_text(const std::string& previous_page_label);

// Image headers, read without decoding (PNG IHDR/pHYs, JPEG SOFn/JFIF density).
struct ImageInfo {
  int width = 0, height = 0;  // pixels
  double dpi_x = 0, dpi_y = 0;  // 0 when the file does not say
};
std::optional<ImageInfo> read_image_info(const std::string& path);
// Where the whole image is drawn for a frame: Fit = inside, centred; Fill = covers, centred
// (clipped to the frame); Crop = natural size at the file's resolution (72 dpi when unstated),
// centred and clipped.
Rect image_placement(const Rect& frame, const ImageInfo& info, ImageSpec::Fit fit);

}  // namespace paiban
