// Galley proofs: an article set in one column, page after page — the quickest way to see the
// line breaker's decisions (`paiban galley`). No frames, no furniture.
#pragma once

#include <vector>

#include "engine/article/article.h"
#include "engine/compose/page.h"
#include "engine/linebreak/linebreak.h"

namespace paiban {

struct GalleyOptions {
  ParagraphStyle body;               // role, size, indent, kinsoku…
  Sp measure = 0;                    // line width
  Sp line_pitch = 0;                 // 0: 1.5 × size (rule book §6 house default)
  Sp margin = sp_from_mm(15);
  Sp page_height = sp_from_mm(297);  // pages are measure + 2 margins wide
  bool trace = false;                // collect BreakTrace per paragraph
};

struct GalleyLine {
  int paragraph = 0;  // 0-based
  int line = 0;       // 0-based within the paragraph
  const Line* data = nullptr;
  const PreparedParagraph* para = nullptr;
};

struct Galley {
  std::vector<Page> pages;
  std::vector<PreparedParagraph> paragraphs;
  std::vector<LineSet> line_sets;  // one per paragraph
  std::vector<std::string> traces; // one per paragraph when options.trace
  std::vector<GalleyLine> lines() const;
};

Galley compose_galley(const Article& article, FontSet& fonts, const GalleyOptions& options, Diagnostics& diags);

}  // namespace paiban
