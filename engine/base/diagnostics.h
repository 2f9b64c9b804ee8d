// One diagnostic type for the whole engine (issue: robustness §1). Every stage reports
// problems into a Diagnostics sink instead of throwing or printing: the CLI decides the exit code
// and the report.json entry from the collected list.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace paiban {

enum class Severity { Note, Warning, Error };

// Where a problem is: an input file position (1-based line/column, byte offset), or a place on a
// page of the output (page label + position in pt), or nothing (global).
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
