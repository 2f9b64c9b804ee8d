// toml11's syntax errors (descriptor, article front matter) as a message and a place.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace paiban {

// The 1-based column, in code points, of toml11's 1-based byte column on `line`.
int codepoint_column(std::string_view line, std::uint_least32_t byte_column);

// What a toml11 3.7 syntax error says, and where. Its what() reads "[error] toml::parse_x:
// what\n --> file\n 12 | text\n    |    ^--- here"; its location() (line, line_str, byte column)
// is where the parser stopped, often the line's start, and the last caret of the message the
// exact place, which is preferred. With a single caret, what the caret says ("expected newline,
// but got 'm'.") completes the message.
struct TomlSyntaxError {
  std::string message;  // without "[error] toml::parse_x:"
  int line = 0;         // 1-based, in the text parsed
  int column = 1;       // 1-based, in code points
};
TomlSyntaxError describe_toml_syntax_error(std::string_view what, int line, std::string_view line_str,
                                           std::uint_least32_t byte_column);

}  // namespace paiban
