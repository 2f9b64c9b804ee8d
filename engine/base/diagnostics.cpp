#include "engine/base/diagnostics.h"

#include <algorithm>
#include <ostream>

namespace paiban {

std::string Diagnostic::format() const {
  std::string s;
  if (!loc.file.empty()) {
    s += loc.file;
    if (loc.line > 0) {
      s += ':' + std::to_string(loc.line);
      if (loc.column > 0) s += ':' + std::to_string(loc.column);
    } else if (loc.byte_offset >= 0) {
      s += ": byte " + std::to_string(loc.byte_offset);
    }
    s += ": ";
  }
  if (!loc.page.empty()) s += "page " + loc.page + ": ";
  s += severity == Severity::Error ? "error" : severity == Severity::Warning ? "warning" : "note";
  s += '[' + code + "]: " + message;
  if (!hint.empty()) s += " (" + hint + ")";
  return s;
}

SourceLoc SourceLoc::at(std::size_t i) const {
  SourceLoc out(file, line, column, byte_offset);
  out.page = page;
  if (chars && !chars->empty()) {
    // Past the end (the end of a line range) counts as the last character.
    const SourcePos& p = (*chars)[std::min(first + i, chars->size() - 1)];
    out.line = p.line;
    out.column = p.column;
    out.byte_offset = p.byte_offset;
  } else if (i > 0) {
    if (out.column > 0) out.column += static_cast<int>(i);
    out.byte_offset = -1;  // unknown without the text's encoding
  }
  return out;
}

SourceLoc SourceLoc::from(std::size_t i) const {
  SourceLoc out = at(i);
  if (chars) {
    out.chars = chars;
    out.first = std::min(first + i, chars->size());
  }
  return out;
}

void Diagnostics::place_errors_on_page(std::size_t since, const std::string& label) {
  for (std::size_t i = since; i < list_.size(); ++i)
    if (list_[i].severity == Severity::Error && list_[i].loc.page.empty()) list_[i].loc.page = label;
}

bool Diagnostics::has_errors() const { return count(Severity::Error) > 0; }

std::size_t Diagnostics::count(Severity sev) const {
  return static_cast<std::size_t>(
      std::count_if(list_.begin(), list_.end(), [&](const Diagnostic& d) { return d.severity == sev; }));
}

std::size_t Diagnostics::count_code(const std::string& code) const {
  return static_cast<std::size_t>(
      std::count_if(list_.begin(), list_.end(), [&](const Diagnostic& d) { return d.code == code; }));
}

void Diagnostics::dump(std::ostream& os) const {
  for (const auto& d : list_) os << d.format() << '\n';
}

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  return best;
}

}  // namespace paiban
