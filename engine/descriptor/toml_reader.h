// Internal to engine/descriptor: typed, located access to toml11 values. Every accessor reports
// a wrong type, unit or range as a Diagnostic at the value's file:line:column and returns nullopt;
// nothing here throws. Not part of the contract (descriptor.h is).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml.hpp>

#include "engine/base/diagnostics.h"
#include "engine/base/geometry.h"
#include "engine/base/toml_error.h"
#include "engine/base/units.h"

namespace paiban::desc {

// std::map tables: keys iterate in a stable order (declaration order is recovered from
// locations where it matters, see by_position()).
using TValue = toml::basic_value<toml::discard_comments, std::map, std::vector>;
using TTable = TValue::table_type;

// Stable diagnostic codes (layouts/README.md lists them with examples).
namespace code {
inline constexpr const char* kSyntax = "descriptor.syntax";
inline constexpr const char* kUnknownKey = "descriptor.unknown-key";
inline constexpr const char* kMissingKey = "descriptor.missing-key";
inline constexpr const char* kBadType = "descriptor.bad-type";
inline constexpr const char* kBadUnit = "descriptor.bad-unit";
inline constexpr const char* kBadValue = "descriptor.bad-value";
inline constexpr const char* kOutsidePage = "descriptor.outside-page";
inline constexpr const char* kOutsideGrid = "descriptor.outside-grid";
inline constexpr const char* kOverlap = "descriptor.overlap";
inline constexpr const char* kCyclicInclude = "descriptor.cyclic-include";
inline constexpr const char* kCyclicBasedOn = "descriptor.cyclic-based-on";
inline constexpr const char* kMissingFile = "descriptor.missing-file";
inline constexpr const char* kStoryWithoutFrame = "descriptor.story-without-frame";
inline constexpr const char* kUnknownReference = "descriptor.unknown-reference";
inline constexpr const char* kDuplicate = "descriptor.duplicate";
inline constexpr const char* kInkLimit = "descriptor.ink-limit";
}  // namespace code

// Where a value starts.
SourceLoc loc_of(const TValue& v);
// Where `key` is written when its value is v (the key's column when it is on the value's line).
SourceLoc key_loc(const TValue& v, std::string_view key);
// "a string", "an integer", …
std::string type_name(const TValue& v);
// Keys of a table sorted by where their values are written (declaration order).
std::vector<std::string> by_position(const TValue& table);

// Which units a length may use here.
struct Units {
  bool em = false;     // relative to the body size (or, in a style, the style's own size)
  bool lines = false;  // body line pitch
};

class Reader {
 public:
  Reader(Diagnostics& diags, SizeTable sizes) : diags_(diags), sizes_(sizes) {}

  Diagnostics& diags() { return diags_; }
  void set_sizes(SizeTable t) { sizes_ = t; }
  void error(const char* code, SourceLoc loc, std::string message, std::string hint = {}) {
    diags_.error(code, std::move(loc), std::move(message), std::move(hint));
  }
  void warning(const char* code, SourceLoc loc, std::string message, std::string hint = {}) {
    diags_.warning(code, std::move(loc), std::move(message), std::move(hint));
  }

  // Reports every key of `table` not in `known` (descriptor.unknown-key, did-you-mean).
  // `what` names the table in the message ("style 'body'"). `hints` may give a specific hint
  // for keys that exist elsewhere (e.g. "frames belong to pages, not templates").
  void check_keys(const TValue& table, const std::vector<std::string>& known, const std::string& what,
                  const std::map<std::string, std::string>& hints = {});
  // True when `v` is a table; reports descriptor.bad-type otherwise.
  bool expect_table(const TValue& v, std::string_view key);

  std::optional<std::string> string(const TValue& v, std::string_view key);
  std::optional<std::u32string> text(const TValue& v, std::string_view key);  // NFC
  std::optional<bool> boolean(const TValue& v, std::string_view key);
  std::optional<long long> integer(const TValue& v, std::string_view key, long long min, long long max);
  std::optional<double> number(const TValue& v, std::string_view key, double min, double max);
  // One of `choices` (exact); otherwise bad-value listing them.
  std::optional<std::string> choice(const TValue& v, std::string_view key, const std::vector<std::string>& choices);
  // A length string: "12mm", "9pt", "小五", "2em", "12l". Bare numbers and unknown units are
  // descriptor.bad-unit, as are em/l where `units` does not allow them.
  std::optional<LengthSpec> length(const TValue& v, std::string_view key, Units units);
  // A colour: [c, m, y, k] in percent, or a name ("black", "white", or a [colours] entry).
  std::optional<Cmyk> colour(const TValue& v, std::string_view key, const std::map<std::string, Cmyk>& named);

 private:
  bool type_error(const TValue& v, std::string_view key, const char* expected);
  Diagnostics& diags_;
  SizeTable sizes_;
};

}  // namespace paiban::desc
