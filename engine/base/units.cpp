#include "engine/base/units.h"

#include <array>
#include <charconv>
#include <cstdio>

namespace paiban {
namespace {

struct SizeName {
  std::string_view name;
  double traditional_pt;
  double wps_pt;
};
// Rule book §6 table: traditional/CLREQ row (小六 and 八号 derived from the halving series) and
// the Word/WPS row. 小三 has no traditional value; it uses the WPS one in both tables.
constexpr std::array<SizeName, 17> kSizes{{
    {"初号", 42, 42}, {"小初", 36, 36}, {"一号", 27.5, 26}, {"小一", 24, 24}, {"二号", 21, 22},
    {"小二", 18, 18}, {"三号", 15.75, 16}, {"小三", 15, 15}, {"四号", 13.75, 14}, {"小四", 12, 12},
    {"五号", 10.5, 10.5}, {"小五", 9, 9}, {"六号", 7.875, 7.5}, {"小六", 6.875, 6.5},
    {"七号", 5.25, 5.5}, {"八号", 4.5, 5},
    {"特号", 54, 54},  // larger than 初号; used for mastheads in metal-type practice
}};

std::optional<double> parse_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  // std::from_chars for double is available in g++ 12.
  double v = 0;
  const char* b = s.data();
  if (*b == '+') ++b;
  auto [p, ec] = std::from_chars(b, s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

bool ends_with(std::string_view s, std::string_view suf) {
  return s.size() >= suf.size() && s.substr(s.size() - suf.size()) == suf;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<Sp> chinese_size(std::string_view name, SizeTable table) {
  for (const auto& s : kSizes)
    if (s.name == name) return sp_from_pt(table == SizeTable::Wps ? s.wps_pt : s.traditional_pt);
  return std::nullopt;
}

std::optional<Sp> parse_absolute_length(std::string_view text, SizeTable table) {
  text = trim(text);
  if (auto cs = chinese_size(text, table)) return cs;
  struct Unit { std::string_view suffix; double pt_per_unit; };
  static constexpr Unit kUnits[] = {{"pt", 1.0}, {"mm", 72.0 / 25.4}, {"cm", 720.0 / 25.4},
                                    {"in", 72.0}, {"bp", 1.0}, {"q", 72.0 / 25.4 / 4}};
  for (const auto& u : kUnits) {
    if (ends_with(text, u.suffix)) {
      auto v = parse_number(trim(text.substr(0, text.size() - u.suffix.size())));
      if (!v) return std::nullopt;
      return sp_from_pt(*v * u.pt_per_unit);
    }
  }
  return std::nullopt;
}

std::optional<LengthSpec> parse_length(std::string_view text, SizeTable table) {
  text = trim(text);
  if (auto abs = parse_absolute_length(text, table)) return LengthSpec{LengthSpec::Unit::Sp, 0, *abs};
  if (ends_with(text, "em")) {
    if (auto v = parse_number(trim(text.substr(0, text.size() - 2))))
      return LengthSpec{LengthSpec::Unit::Em, *v, 0};
  } else if (ends_with(text, "l")) {
    if (auto v = parse_number(trim(text.substr(0, text.size() - 1))))
      return LengthSpec{LengthSpec::Unit::Lines, *v, 0};
  }
  return std::nullopt;
}

std::string fmt_pt(Sp sp, int decimals) {
  char buf[64];
  double v = pt_from_sp(sp);
  // Avoid "-0.000" so dumps are stable across tiny negative rounding.
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s(buf);
  if (s.find_first_not_of("-0.") == std::string::npos && s[0] == '-') s.erase(0, 1);
  return s;
}

}  // namespace paiban
