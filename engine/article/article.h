// Article files (issue 4): UTF-8 text, optional TOML front matter between `+++` lines,
// paragraphs separated by blank lines, `## ` subheads, NFC. CONTRACT used by compose/ and the
// CLI; the implementation may add fields.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/diagnostics.h"

namespace paiban {

struct ArticleParagraph {
  enum class Kind { Body, Subhead } kind = Kind::Body;
  std::u32string text;  // NFC, joined lines (no space between CJK, one space between Latin words)
  // file:line:column of the paragraph's first character, with the position of every character
  // (loc.at(i): exact line:column of text[i] in the file, across joined lines and NFC).
  SourceLoc loc;
};

struct Article {
  std::string path;
  // Front matter (all optional).
  std::u32string headline, kicker, subtitle, deck, byline, dateline;
  std::u32string jump_title;  // short title used in continuation lines
  bool guide = false;         // listed in the 导读 box
  std::vector<ArticleParagraph> paragraphs;
};

// Parses article bytes. Invalid UTF-8 → article.invalid-utf8 with the byte offset; other
// problems (bad front matter, control characters) get their own codes. Never throws.
Article parse_article(std::string_view bytes, const std::string& path, Diagnostics& diags);
// Reads and parses a file; a missing file is article.missing-file.
std::optional<Article> read_article(const std::string& path, Diagnostics& diags);

}  // namespace paiban
