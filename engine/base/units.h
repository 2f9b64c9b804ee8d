// Integer lengths. Inside the engine every length is a count of scaled points (sp),
// 1 sp = 1/65536 pt, as in TeX (The Program §99): sums are exact, so the same input gives the
// same output on every machine. Conversions to mm, pt and Chinese size names (号) happen only at
// the edges: descriptor parsing and PDF writing.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace paiban {

using Sp = std::int64_t;

inline constexpr Sp kSpPerPt = 65536;

// Rounds to the nearest sp; the only place a floating value becomes a length.
constexpr Sp sp_from_pt(double pt) { return static_cast<Sp>(pt * kSpPerPt + (pt >= 0 ? 0.5 : -0.5)); }
constexpr Sp sp_from_mm(double mm) { return sp_from_pt(mm * 72.0 / 25.4); }
constexpr double pt_from_sp(Sp sp) { return static_cast<double>(sp) / kSpPerPt; }
constexpr double mm_from_sp(Sp sp) { return pt_from_sp(sp) * 25.4 / 72.0; }

// a * num / den rounded to nearest, without intermediate overflow for page-sized values.
constexpr Sp scale_sp(Sp a, std::int64_t num, std::int64_t den) {
  const __int128 p = static_cast<__int128>(a) * num;
  const __int128 h = den / 2;
  return static_cast<Sp>(p >= 0 ? (p + h) / den : -((-p + h) / den));
}

// Chinese size names (号). Traditional/CLREQ row of the rule book §6, or the Word/WPS row.
enum class SizeTable { Traditional, Wps };
std::optional<Sp> chinese_size(std::string_view name, SizeTable table = SizeTable::Traditional);

// Parses "12pt", "4.2mm", "五号", "小五", "1.5in" into sp. `em` and line units need context and
// are handled by the caller (see LengthSpec). Returns nullopt when the text is not a length.
std::optional<Sp> parse_absolute_length(std::string_view text, SizeTable table = SizeTable::Traditional);

// A length whose unit may need context: em (body size) or lines (body line pitch).
struct LengthSpec {
  enum class Unit { Sp, Em, Lines } unit = Unit::Sp;
  double value = 0;  // for Em / Lines
  Sp sp = 0;         // for Sp
  Sp resolve(Sp em, Sp line_pitch) const {
    switch (unit) {
      case Unit::Sp: return sp;
      case Unit::Em: return sp_from_pt(value * pt_from_sp(em));
      case Unit::Lines: return sp_from_pt(value * pt_from_sp(line_pitch));
    }
    return sp;
  }
};
// Accepts everything parse_absolute_length does plus "13em" and "12l" (body lines).
std::optional<LengthSpec> parse_length(std::string_view text, SizeTable table = SizeTable::Traditional);

// "12.345" with three decimals: the rounding used by every text dump.
std::string fmt_pt(Sp sp, int decimals = 3);

}  // namespace paiban
