#include "engine/base/toml_error.h"

#include <algorithm>
#include <vector>

namespace paiban {

int codepoint_column(std::string_view line, std::uint_least32_t byte_column) {
  const std::size_t n = std::min<std::size_t>(byte_column > 0 ? byte_column - 1 : 0, line.size());
  int col = 1;
  for (std::size_t i = 0; i < n; ++i)
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++col;
  return col;
}

namespace {

// " 12 | text": the length of " 12 | " and the line number, or 0.
std::size_t source_prefix(std::string_view l, int* number) {
  std::size_t i = 0;
  while (i < l.size() && l[i] == ' ') ++i;
  std::size_t d = i;
  while (d < l.size() && l[d] >= '0' && l[d] <= '9') ++d;
  if (i == 0 || d == i || d - i > 9 || l.substr(d, 3) != " | ") return 0;
  *number = std::stoi(std::string(l.substr(i, d - i)));
  return d + 3;
}

// "[error] toml::parse_key_value_pair: what" → "what".
std::string bare_message(std::string m) {
  auto after_spaces = [&](std::size_t at) {
    while (at < m.size() && m[at] == ' ') ++at;
    return at;
  };
  if (m.rfind("[error]", 0) == 0) m.erase(0, after_spaces(7));
  if (m.rfind("toml::", 0) == 0) {
    std::size_t end = 6;  // the function's name: [a-z_:]+, up to its last colon
    while (end < m.size() && ((m[end] >= 'a' && m[end] <= 'z') || m[end] == '_' || m[end] == ':')) ++end;
    const std::size_t colon = m.find_last_of(':', end - 1);
    if (colon != std::string::npos && colon > 6) m.erase(0, after_spaces(colon + 1));
  }
  return m;
}

}  // namespace

TomlSyntaxError describe_toml_syntax_error(std::string_view what, int line, std::string_view line_str,
                                           std::uint_least32_t byte_column) {
  std::vector<std::string_view> ls;
  for (std::size_t at = 0; at < what.size();) {
    const std::size_t nl = std::min(what.find('\n', at), what.size());
    ls.push_back(what.substr(at, nl - at));
    at = nl + 1;
  }
  TomlSyntaxError out;
  out.message = ls.empty() ? "invalid TOML" : bare_message(std::string(ls[0]));
  out.line = line;
  out.column = codepoint_column(line_str, byte_column);
  std::string_view note;
  int carets = 0;
  for (std::size_t i = 0; i + 1 < ls.size(); ++i) {
    int number = 0;
    const std::size_t prefix = source_prefix(ls[i], &number);
    if (prefix == 0) continue;
    const std::string_view under = ls[i + 1];
    if (under.size() <= prefix || under.substr(prefix - 3, 3) != " | ") continue;
    const std::size_t mark = under.find_first_not_of(' ', prefix);
    if (mark == std::string_view::npos || (under[mark] != '^' && under[mark] != '~')) continue;
    out.line = number;
    out.column = codepoint_column(ls[i].substr(prefix), static_cast<std::uint_least32_t>(mark - prefix + 1));
    ++carets;
    const std::size_t sp = under.find(' ', mark);
    note = sp == std::string_view::npos ? std::string_view() : under.substr(sp + 1);
  }
  if (carets == 1 && !note.empty() && note != "here" && out.message.find(note) == std::string::npos)
    out.message += ": " + std::string(note);
  return out;
}

}  // namespace paiban
