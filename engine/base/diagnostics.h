// One diagnostic type for the whole engine (issue: robustness §1). Every stage reports
// problems into a Diagnostics sink instead of throwing or printing: the CLI decides the exit code
// and the report.json entry from the collected list.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace paiban {

enum class Severity { Note, Warning, Error };

// Where one character of a text stands in its source file.
struct SourcePos {
  std::int64_t byte_offset = -1;
  int line = 0;    // 1-based
  int column = 0;  // 1-based, in code points
};

// Where a problem is: an input file position (1-based line/column, byte offset), or a place on a
// page of the output (page label + position in pt), or nothing (global). Both may be set: a
// problem located in the descriptor that belongs to one page's content (that page is not printed).
struct SourceLoc {
  SourceLoc() = default;
  SourceLoc(std::string f, int l = 0, int c = 0, std::int64_t byte = -1)
      : file(std::move(f)), line(l), column(c), byte_offset(byte) {}
  static SourceLoc on_page(std::string label) { SourceLoc s; s.page = std::move(label); return s; }

  std::string file;
  int line = 0;     // 1-based; 0 = unknown
  int column = 0;   // 1-based, in characters (code points); 0 = unknown
  std::int64_t byte_offset = -1;
  std::string page;  // page label (A1…) for layout problems
  bool empty() const { return file.empty() && page.empty(); }

  // For a text assembled from a file, where each of its characters came from. An article
  // paragraph joins source lines, drops layout spaces and control characters and is NFC-composed,
  // so "first column + index" is wrong past its first line. Shared (read-only) by every copy of
  // the location; `first` is the index in it of this location's character 0 (a paragraph's tail).
  std::shared_ptr<const std::vector<SourcePos>> chars;
  std::size_t first = 0;

  // Where character `i` of the text starting here is: exact with `chars`, else column + i (right
  // for text from one source line; the byte offset is then unknown past character 0). The result
  // is a plain position (no map).
  SourceLoc at(std::size_t i) const;
  // The location of the text from character `i` on (keeps the map: a re-prepared paragraph tail).
  SourceLoc from(std::size_t i) const;
};

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string code;     // stable id, e.g. "font.missing-glyph", "descriptor.unknown-key"
  SourceLoc loc;
  std::string message;  // what is wrong
  std::string hint;     // what is allowed / how to fix ("did you mean 'gutter'?")

  // "file:line:col: error[code]: message (hint)" — the form compilers use, so editors jump to it.
  std::string format() const;
};

class Diagnostics {
 public:
  void add(Diagnostic d) { list_.push_back(std::move(d)); }
  void error(std::string code, SourceLoc loc, std::string message, std::string hint = {}) {
    add({Severity::Error, std::move(code), std::move(loc), std::move(message), std::move(hint)});
  }
  void warning(std::string code, SourceLoc loc, std::string message, std::string hint = {}) {
    add({Severity::Warning, std::move(code), std::move(loc), std::move(message), std::move(hint)});
  }
  void note(std::string code, SourceLoc loc, std::string message, std::string hint = {}) {
    add({Severity::Note, std::move(code), std::move(loc), std::move(message), std::move(hint)});
  }
  // Gives every error added since the first `since` diagnostics that has no page the page
  // `label`: an error found while composing a page's content (a headline whose role has no font,
  // located in the descriptor) keeps its file:line:column and also stops that page's plate.
  void place_errors_on_page(std::size_t since, const std::string& label);
  std::size_t size() const { return list_.size(); }
  bool has_errors() const;
  std::size_t count(Severity s) const;
  std::size_t count_code(const std::string& code) const;
  const std::vector<Diagnostic>& all() const { return list_; }
  void append(const Diagnostics& other) { list_.insert(list_.end(), other.list_.begin(), other.list_.end()); }
  void dump(std::ostream& os) const;

 private:
  std::vector<Diagnostic> list_;
};

// Raised only for conditions that make continuing meaningless (a stage's precondition broken by
// a bug, an I/O failure while writing). Carries a diagnostic so the CLI can still report it.
struct FatalError {
  Diagnostic diagnostic;
};

// Edit distance suggestion for "did you mean": the closest candidate within distance 2 (or a
// third of the word), or empty.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace paiban
