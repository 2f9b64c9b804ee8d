// Dates for the masthead and the edition line (issue 5 §2–3): the Chinese lunar (农历) date of a
// civil date, its traditional names, the weekday and Chinese numerals.
//
// The lunar date comes from ICU's Chinese calendar (astronomical new moons and solar terms,
// reckoned in China Standard Time, UTC+8, as GB/T 33661-2017 《农历的编算和颁行》 prescribes).
// The civil date is placed at local noon in Asia/Shanghai, so the day can never slip across
// midnight. Supported civil dates are 1901-01-01 … 2100-12-31 (kLunarFirstYear/kLunarLastYear),
// the span of the Hong Kong Observatory's tables. In that span ICU 72 gets 22 months wrong, a
// new moon or solar term within minutes of midnight landing on the wrong day (春节 2027 and 2030
// a day off, 闰七月 instead of 闰六月 in 1987);
// calendar.cpp carries the almanac's values for those months, and the test checks every month.
//
// Everything here is a plain value; ICU handles live inside LunarCalendar (RAII), and the free
// functions keep no state between calls.
#pragma once

#include <memory>
#include <optional>
#include <string>

namespace paiban {

// A proleptic Gregorian date, month and day 1-based.
struct CivilDate {
  int year = 0;
  int month = 0;
  int day = 0;
  bool operator==(const CivilDate&) const = default;
};

// True for a real calendar day (2023-02-29 is not).
bool is_valid(CivilDate d);

// Range of civil years lunar_date() answers for (inclusive).
inline constexpr int kLunarFirstYear = 1901;
inline constexpr int kLunarLastYear = 2100;

struct LunarDate {
  // The year's place in the sexagenary cycle (干支), 0 = 甲子 … 40 = 甲辰 … 59 = 癸亥.
  // Heavenly stem (天干) = cycle_year % 10, earthly branch (地支) = cycle_year % 12.
  int cycle_year = 0;
  // Gregorian year in which this lunar year began (its 正月初一): 2024 for 甲辰.
  int year = 0;
  int month = 0;            // 1 = 正月 … 12 = 腊月
  bool leap_month = false;  // 闰月: the month repeats the number of the month before it
  int day = 0;              // 1 … 30
  int month_length = 0;     // days in this lunar month: 29 (小月) or 30 (大月)

  int stem() const { return cycle_year % 10; }
  int branch() const { return cycle_year % 12; }
  bool operator==(const LunarDate&) const = default;
};

// How months 11 and 12 are printed. Traditional: 冬月 and 腊月, the forms most almanacs and
// newspaper mastheads use, and our default. Numeric: 十一月 and 十二月, which many papers print.
// Month 1 is 正月 in both styles: no paper prints 一月 for the lunar month.
enum class LunarMonthStyle { Traditional, Numeric };

// Converts a civil date to its lunar date; nullopt for an invalid date or one outside
// kLunarFirstYear … kLunarLastYear. Builds a LunarCalendar per call: use one LunarCalendar when
// converting many dates.
std::optional<LunarDate> lunar_date(CivilDate d);

// 除夕: the day before 正月初一 (腊月廿九 or 腊月三十). False outside the supported range.
bool is_lunar_new_years_eve(CivilDate d);

// Owns ICU's Chinese calendar (and its Asia/Shanghai zone) for repeated conversions. Not
// thread-safe: one per thread. Throws FatalError (engine/base/diagnostics.h, code
// "calendar.icu") when ICU's calendar data cannot be loaded — a broken installation.
class LunarCalendar {
 public:
  LunarCalendar();
  ~LunarCalendar();
  LunarCalendar(LunarCalendar&&) noexcept;
  LunarCalendar& operator=(LunarCalendar&&) noexcept;

  std::optional<LunarDate> convert(CivilDate d);

 private:
  struct Icu;
  std::unique_ptr<Icu> icu_;
};

// Names. Each throws std::invalid_argument for fields out of range (a LunarDate not made by
// lunar_date()), since printing a wrong date silently is worse than stopping.
std::string lunar_year_name(const LunarDate& d);   // "甲辰年"
std::string lunar_month_name(const LunarDate& d,   // "五月", "闰二月", "正月", "冬月", "腊月"
                             LunarMonthStyle style = LunarMonthStyle::Traditional);
std::string lunar_day_name(const LunarDate& d);    // 初一…初十, 十一…十九, 二十, 廿一…廿九, 三十
std::string zodiac_name(const LunarDate& d);       // 生肖 of the lunar year: "龙" for 甲辰
std::string sexagenary_name(int cycle_index);      // "甲辰" for 40; throws outside 0…59

// "农历甲辰年五月初九".
std::string format_lunar(const LunarDate& d, LunarMonthStyle style = LunarMonthStyle::Traditional);

// The same, split for a two-line masthead box: "农历甲辰年" over "五月初九".
struct LunarLines {
  std::string year_line;
  std::string date_line;
  bool operator==(const LunarLines&) const = default;
};
LunarLines format_lunar_lines(const LunarDate& d, LunarMonthStyle style = LunarMonthStyle::Traditional);

// 0 = Sunday … 6 = Saturday (proleptic Gregorian); -1 for an invalid date.
int weekday(CivilDate d);
// "星期一" … "星期六", "星期日" (星期日 rather than 星期天: the written form papers print);
// empty for an invalid date.
std::string weekday_name(CivilDate d);

// Chinese numerals as read: 0 "零", 10 "十", 15 "十五", 110 "一百一十", 1005 "一千零五",
// 10010 "一万零一十", 100001000 "一亿零一千"; negatives get "负".
std::string chinese_number(long long n);
// Digit by digit, as years are written: 2024 "二〇二四". Negatives get "负".
std::string chinese_digits(long long n);

}  // namespace paiban
