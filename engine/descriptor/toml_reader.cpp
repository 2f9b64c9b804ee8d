#include "engine/descriptor/toml_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "engine/base/text.h"

namespace paiban::desc {

SourceLoc loc_of(const TValue& v) {
  const toml::source_location l = v.location();
  return SourceLoc(l.file_name(), static_cast<int>(l.line()), codepoint_column(l.line_str(), l.column()));
}

namespace {
bool bare_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}
}  // namespace

SourceLoc key_loc(const TValue& v, std::string_view key) {
  const toml::source_location l = v.location();
  SourceLoc out = loc_of(v);
  const std::string& line = l.line_str();
  if (key.empty() || l.column() < 1) return out;
  std::size_t end = std::min<std::size_t>(l.column() - 1, line.size());
  // The nearest whole-word occurrence of the key before the value on the same line.
  std::size_t pos = line.rfind(key, end);
  while (pos != std::string::npos) {
    const bool left_ok = pos == 0 || !bare_key_char(line[pos - 1]);
    const bool right_ok = pos + key.size() >= line.size() || !bare_key_char(line[pos + key.size()]);
    if (left_ok && right_ok) {
      out.column = codepoint_column(line, static_cast<std::uint_least32_t>(pos + 1));
      return out;
    }
    if (pos == 0) break;
    pos = line.rfind(key, pos - 1);
  }
  return out;
}

std::string type_name(const TValue& v) {
  switch (v.type()) {
    case toml::value_t::boolean: return "a boolean";
    case toml::value_t::integer: return "an integer";
    case toml::value_t::floating: return "a number";
    case toml::value_t::string: return "a string";
    case toml::value_t::offset_datetime:
    case toml::value_t::local_datetime: return "a date-time";
    case toml::value_t::local_date: return "a date";
    case toml::value_t::local_time: return "a time";
    case toml::value_t::array: return "an array";
    case toml::value_t::table: return "a table";
    default: return "nothing";
  }
}

std::vector<std::string> by_position(const TValue& table) {
  std::vector<std::pair<std::pair<unsigned, unsigned>, std::string>> keyed;
  for (const auto& [k, v] : table.as_table()) {
    const auto l = v.location();
    keyed.push_back({{static_cast<unsigned>(l.line()), static_cast<unsigned>(l.column())}, k});
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& k : keyed) out.push_back(std::move(k.second));
  return out;
}

void Reader::check_keys(const TValue& table, const std::vector<std::string>& known, const std::string& what,
                        const std::map<std::string, std::string>& hints) {
  if (!table.is_table()) return;
  for (const auto& key : by_position(table)) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string hint;
    if (auto h = hints.find(key); h != hints.end()) {
      hint = h->second;
    } else if (auto s = did_you_mean(key, known); !s.empty()) {
      hint = "did you mean '" + s + "'?";
    } else {
      hint = "allowed keys: ";
      for (std::size_t i = 0; i < known.size(); ++i) hint += (i ? ", " : "") + known[i];
    }
    error(code::kUnknownKey, key_loc(table.as_table().at(key), key), "unknown key '" + key + "' in " + what,
          std::move(hint));
  }
}

bool Reader::type_error(const TValue& v, std::string_view key, const char* expected) {
  error(code::kBadType, loc_of(v), "'" + std::string(key) + "' must be " + expected + ", not " + type_name(v));
  return false;
}

bool Reader::expect_table(const TValue& v, std::string_view key) {
  return v.is_table() || type_error(v, key, "a table");
}

std::optional<std::string> Reader::string(const TValue& v, std::string_view key) {
  if (!v.is_string()) return type_error(v, key, "a string"), std::nullopt;
  return v.as_string().str;
}

std::optional<std::u32string> Reader::text(const TValue& v, std::string_view key) {
  auto s = string(v, key);
  if (!s) return std::nullopt;
  auto u = decode_utf8(*s);
  if (!u) {
    error(code::kBadValue, loc_of(v), "'" + std::string(key) + "' is not valid UTF-8");
    return std::nullopt;
  }
  return nfc(*u);
}

std::optional<bool> Reader::boolean(const TValue& v, std::string_view key) {
  if (!v.is_boolean()) return type_error(v, key, "true or false"), std::nullopt;
  return v.as_boolean();
}

std::optional<long long> Reader::integer(const TValue& v, std::string_view key, long long min, long long max) {
  if (!v.is_integer()) return type_error(v, key, "an integer"), std::nullopt;
  const long long n = v.as_integer();
  if (n < min || n > max) {
    error(code::kBadValue, loc_of(v), "'" + std::string(key) + "' = " + std::to_string(n) + " is out of range",
          "allowed: " + std::to_string(min) + "‥" + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<double> Reader::number(const TValue& v, std::string_view key, double min, double max) {
  double x;
  if (v.is_integer()) x = static_cast<double>(v.as_integer());
  else if (v.is_floating()) x = v.as_floating();
  else return type_error(v, key, "a number"), std::nullopt;
  if (!(x >= min && x <= max)) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "allowed: %g‥%g", min, max);
    error(code::kBadValue, loc_of(v), "'" + std::string(key) + "' is out of range", buf);
    return std::nullopt;
  }
  return x;
}

std::optional<std::string> Reader::choice(const TValue& v, std::string_view key,
                                          const std::vector<std::string>& choices) {
  auto s = string(v, key);
  if (!s) return std::nullopt;
  if (std::find(choices.begin(), choices.end(), *s) != choices.end()) return s;
  std::string hint;
  if (auto m = did_you_mean(*s, choices); !m.empty()) hint = "did you mean '" + m + "'? ";
  hint += "allowed: ";
  for (std::size_t i = 0; i < choices.size(); ++i) hint += (i ? ", " : "") + choices[i];
  error(code::kBadValue, loc_of(v), "'" + std::string(key) + "' = \"" + *s + "\" is not allowed", hint);
  return std::nullopt;
}

namespace {
constexpr const char* kUnitHint =
    "lengths are strings with a unit: mm, cm, pt, bp, in, q, em (the body size), l (body lines), or a "
    "size name such as 小五 or 一号";

bool is_number(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  double d;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}
}  // namespace

std::optional<LengthSpec> Reader::length(const TValue& v, std::string_view key, Units units) {
  const std::string k(key);
  if (v.is_integer() || v.is_floating()) {
    const std::string n = v.is_integer() ? std::to_string(v.as_integer()) : toml::format(v);
    error(code::kBadUnit, loc_of(v), "'" + k + "' = " + n + " has no unit",
          "write \"" + n + "mm\" or \"" + n + "pt\"; " + kUnitHint);
    return std::nullopt;
  }
  if (!v.is_string()) return type_error(v, key, "a length such as \"12mm\""), std::nullopt;
  const std::string& s = v.as_string().str;
  auto len = parse_length(s, sizes_);
  if (!len) {
    // Tell a missing unit from an unknown one: "12" vs "12px" vs "big".
    std::size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.' || s[i] == '-' ||
                            s[i] == '+' || s[i] == ' '))
      ++i;
    std::string msg;
    if (is_number(s)) msg = "'" + k + "' = \"" + s + "\" has no unit";
    else if (i > 0 && is_number(s.substr(0, i))) msg = "'" + k + "' = \"" + s + "\": unknown unit '" + s.substr(i) + "'";
    else msg = "'" + k + "' = \"" + s + "\" is not a length";
    error(code::kBadUnit, loc_of(v), msg, kUnitHint);
    return std::nullopt;
  }
  if (len->unit == LengthSpec::Unit::Em && !units.em) {
    error(code::kBadUnit, loc_of(v), "'" + k + "' = \"" + s + "\": em is not allowed here",
          "use an absolute length (mm, pt) or a size name");
    return std::nullopt;
  }
  if (len->unit == LengthSpec::Unit::Lines && !units.lines) {
    error(code::kBadUnit, loc_of(v), "'" + k + "' = \"" + s + "\": body lines (l) are not allowed here",
          units.em ? "use mm, pt or em" : "use an absolute length (mm, pt) or a size name");
    return std::nullopt;
  }
  return len;
}

std::optional<Cmyk> Reader::colour(const TValue& v, std::string_view key, const std::map<std::string, Cmyk>& named) {
  const std::string k(key);
  if (v.is_array()) {
    const auto& a = v.as_array();
    if (a.size() != 4) {
      error(code::kBadValue, loc_of(v), "'" + k + "' needs four inks [C, M, Y, K], got " + std::to_string(a.size()),
            "percent of cyan, magenta, yellow, black, e.g. [0, 100, 100, 0]");
      return std::nullopt;
    }
    std::int16_t ink[4];
    for (int i = 0; i < 4; ++i) {
      auto x = number(a[static_cast<std::size_t>(i)], key, 0, 100);
      if (!x) return std::nullopt;
      ink[i] = static_cast<std::int16_t>(std::lround(*x * 10));  // percent → per mille
    }
    return Cmyk{ink[0], ink[1], ink[2], ink[3], {}, 1000};
  }
  if (v.is_string()) {
    const std::string& s = v.as_string().str;
    if (auto it = named.find(s); it != named.end()) return it->second;
    if (s == "black") return Cmyk::black();
    if (s == "white") return Cmyk::white();
    std::vector<std::string> names{"black", "white"};
    for (const auto& [n, c] : named) names.push_back(n);
    std::string hint;
    if (auto m = did_you_mean(s, names); !m.empty()) hint = "did you mean '" + m + "'? ";
    hint += "a colour is [C, M, Y, K] in percent or a name from [colours]";
    error(code::kUnknownReference, loc_of(v), "unknown colour '" + s + "'", hint);
    return std::nullopt;
  }
  type_error(v, key, "[C, M, Y, K] in percent or a colour name");
  return std::nullopt;
}

}  // namespace paiban::desc
