#include "engine/base/calendar.h"

#include <unicode/calendar.h>
#include <unicode/locid.h>
#include <unicode/timezone.h>
#include <unicode/ucal.h>
#include <unicode/unistr.h>

#include <array>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "engine/base/diagnostics.h"

namespace paiban {

namespace {

// ICU's Chinese calendar numbers years 1…60 within a cycle, year 1 being 甲子.
constexpr int kIcuCycleYearOfJiazi = 1;
// ICU's EXTENDED_YEAR counts from 2637 BCE (the 61st year of Huang Di): extended year 1 began in
// proleptic Gregorian year -2636, so Gregorian year = extended year - 2637.
constexpr int kIcuExtendedYearOffset = 2637;
// Julian Day Number of 1970-01-01 (ICU's UCAL_JULIAN_DAY and std::chrono's sys_days epoch).
constexpr int kJulianDayOfUnixEpoch = 2440588;
constexpr int kNoonMillis = 12 * 60 * 60 * 1000;

constexpr std::array<const char*, 10> kStems = {"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"};
constexpr std::array<const char*, 12> kBranches = {"子", "丑", "寅", "卯", "辰", "巳",
                                                   "午", "未", "申", "酉", "戌", "亥"};
constexpr std::array<const char*, 12> kZodiac = {"鼠", "牛", "虎", "兔", "龙", "蛇",
                                                 "马", "羊", "猴", "鸡", "狗", "猪"};
constexpr std::array<const char*, 10> kDigits = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
constexpr std::array<const char*, 7> kWeekdays = {"日", "一", "二", "三", "四", "五", "六"};

[[noreturn]] void bad_field(const char* what, int value) {
  throw std::invalid_argument(std::string("lunar date: ") + what + " out of range: " + std::to_string(value));
}

void check(const LunarDate& d) {
  if (d.cycle_year < 0 || d.cycle_year > 59) bad_field("cycle_year", d.cycle_year);
  if (d.month < 1 || d.month > 12) bad_field("month", d.month);
  if (d.day < 1 || d.day > 30) bad_field("day", d.day);
}

[[noreturn]] void icu_failure(const std::string& what, UErrorCode status) {
  throw FatalError{Diagnostic{Severity::Error, "calendar.icu", {}, "ICU Chinese calendar: " + what,
                              std::string("ICU status ") + u_errorName(status) +
                                  "; is the ICU data (libicu72) installed?"}};
}

std::chrono::year_month_day to_ymd(CivilDate d) {
  return std::chrono::year_month_day{std::chrono::year{d.year},
                                     std::chrono::month{static_cast<unsigned>(d.month)},
                                     std::chrono::day{static_cast<unsigned>(d.day)}};
}

int julian_day(CivilDate d) {
  return static_cast<int>(std::chrono::sys_days{to_ymd(d)}.time_since_epoch().count()) + kJulianDayOfUnixEpoch;
}

int cycle_of_lunar_year(int lunar_year) {
  // 1984 began a cycle (甲子).
  return ((lunar_year - 1984) % 60 + 60) % 60;
}

// Lunar months where ICU 72's reckoning disagrees with the almanac (the Hong Kong Observatory's
// and Purple Mountain Observatory's tables, 寿星天文历), given as the almanac has them. ICU's
// CalendarAstronomer uses low-precision theories of the sun and moon, minutes off; that decides
// the day when a new moon (the month's first day) or a major solar term (中气, which decides the
// leap month) falls within minutes of midnight China time. Known upstream: unicode-org/icu PR 4070
// (ICU-22230, ICU-23274), duckdb/duckdb#24581. The times below are the events in UTC+8 as
// recomputed for this table with VSOP87/ELP2000 (PyEphem).
// Each disagreement changes two neighbouring months (one ends, the other starts, a day apart),
// so both are listed whole: every day of them, month_length included, comes from this table.
// Checked against an independent table for every month 1901–2100 in tests/test_base_calendar.cpp.
// Not corrected: 2057-09-28/29, a conjunction within seconds of midnight; ICU's 八月三十 on the
// 28th matches the HKO table, and the true day depends on ΔT in 2057, not knowable yet.
struct AlmanacMonth {
  CivilDate first;  // civil date of 初一
  int length;
  int month;
  bool leap;
  int lunar_year;  // Gregorian year of that lunar year's 正月初一
};
constexpr std::array<AlmanacMonth, 22> kAlmanacMonths = {{
    // 谷雨 1917-04-21 00:17 (00:03 Beijing time, the reckoning then): 闰二月, not 闰三月.
    {{1917, 3, 23}, 29, 2, true, 1917},
    {{1917, 4, 21}, 30, 3, false, 1917},
    // 大暑 1922-07-24 00:19 (00:05 Beijing time): 闰五月, not 闰六月.
    {{1922, 6, 25}, 29, 5, true, 1922},
    {{1922, 7, 24}, 30, 6, false, 1922},
    // New moon 1954-02-03 23:55: 春节 on 3 February, not the 4th.
    {{1954, 1, 5}, 29, 12, false, 1953},
    {{1954, 2, 3}, 30, 1, false, 1954},
    // New moon 1955-02-22 23:54.
    {{1955, 1, 24}, 29, 1, false, 1955},
    {{1955, 2, 22}, 30, 2, false, 1955},
    // 处暑 1987-08-24 00:10, the day of the next new moon: 闰六月, not 闰七月.
    {{1987, 7, 26}, 29, 6, true, 1987},
    {{1987, 8, 24}, 30, 7, false, 1987},
    // New moon 1999-01-17 23:46.
    {{1998, 12, 19}, 29, 11, false, 1998},
    {{1999, 1, 17}, 30, 12, false, 1998},
    // New moon 2012-08-17 23:54 (七夕 was 23 August).
    {{2012, 7, 19}, 29, 6, false, 2012},
    {{2012, 8, 17}, 30, 7, false, 2012},
    // New moon 2018-11-08 00:02.
    {{2018, 10, 9}, 30, 9, false, 2018},
    {{2018, 11, 8}, 29, 10, false, 2018},
    // New moon 2027-02-06 23:56: 春节 on 6 February, not the 7th.
    {{2027, 1, 8}, 29, 12, false, 2026},
    {{2027, 2, 6}, 30, 1, false, 2027},
    // New moon 2030-02-03 00:07: 春节 on 3 February, not the 2nd.
    {{2030, 1, 4}, 30, 12, false, 2029},
    {{2030, 2, 3}, 29, 1, false, 2030},
    // New moon 2070-03-12 23:52.
    {{2070, 2, 11}, 29, 1, false, 2070},
    {{2070, 3, 12}, 30, 2, false, 2070},
}};

std::optional<LunarDate> almanac_month_day(int jd) {
  for (const AlmanacMonth& m : kAlmanacMonths) {
    const int first = julian_day(m.first);
    if (jd >= first && jd < first + m.length)
      return LunarDate{cycle_of_lunar_year(m.lunar_year), m.lunar_year, m.month, m.leap, jd - first + 1, m.length};
  }
  return std::nullopt;
}

}  // namespace

bool is_valid(CivilDate d) {
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31) return false;
  if (d.year < -32767 || d.year > 32767) return false;  // std::chrono::year's range
  return to_ymd(d).ok();
}

// ----- ICU -----

struct LunarCalendar::Icu {
  std::unique_ptr<icu::Calendar> chinese;
};

LunarCalendar::LunarCalendar() : icu_(std::make_unique<Icu>()) {
  UErrorCode status = U_ZERO_ERROR;
  // The calendar's own zone decides which civil day an instant falls on; China Standard Time,
  // so the day fields mean the civil day a reader in China holds in hand. (ICU reckons new moons
  // and solar terms at UTC+8 regardless, as GB/T 33661-2017 does.)
  // An unknown id gives "Etc/Unknown" (GMT), not an error, so compare the id we got.
  std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone("Asia/Shanghai"));
  icu::UnicodeString id;
  if (zone) zone->getID(id);
  if (!zone || id != icu::UnicodeString(u"Asia/Shanghai"))
    icu_failure("time zone Asia/Shanghai unavailable", U_MISSING_RESOURCE_ERROR);
  icu_->chinese.reset(icu::Calendar::createInstance(zone.release(), icu::Locale("zh_CN@calendar=chinese"), status));
  if (U_FAILURE(status) || !icu_->chinese) icu_failure("cannot create calendar", status);
  if (std::strcmp(icu_->chinese->getType(), "chinese") != 0)
    icu_failure(std::string("got calendar type '") + icu_->chinese->getType() + "'", U_MISSING_RESOURCE_ERROR);
}

LunarCalendar::~LunarCalendar() = default;
LunarCalendar::LunarCalendar(LunarCalendar&&) noexcept = default;
LunarCalendar& LunarCalendar::operator=(LunarCalendar&&) noexcept = default;

std::optional<LunarDate> LunarCalendar::convert(CivilDate d) {
  // 1901–2100 is the span of the Hong Kong Observatory's tables, against which ICU plus
  // kAlmanacMonths is checked. ICU reckons at UTC+8 throughout, while before 1929 the almanac was
  // reckoned at Beijing's local time (UTC+7:45:40); in 1901–1928 that moves no day outside
  // kAlmanacMonths, but before 1901 it would, and the Qing almanacs differ further.
  if (!is_valid(d) || d.year < kLunarFirstYear || d.year > kLunarLastYear) return std::nullopt;
  const int jd = julian_day(d);
  if (auto fixed = almanac_month_day(jd)) return fixed;

  icu::Calendar& cal = *icu_->chinese;
  UErrorCode status = U_ZERO_ERROR;
  // Local noon of that civil day: whatever the zone's offset (Shanghai kept summer time
  // 1986–1991), the instant lies well inside the day, so the lunar day is the one printed in
  // the almanac for that date.
  cal.clear();
  cal.set(UCAL_JULIAN_DAY, jd);
  cal.set(UCAL_MILLISECONDS_IN_DAY, kNoonMillis);
  LunarDate out;
  const int cycle_year = cal.get(UCAL_YEAR, status);
  out.cycle_year = cycle_year - kIcuCycleYearOfJiazi;
  out.year = cal.get(UCAL_EXTENDED_YEAR, status) - kIcuExtendedYearOffset;
  out.month = cal.get(UCAL_MONTH, status) + 1;
  out.leap_month = cal.get(UCAL_IS_LEAP_MONTH, status) != 0;
  out.day = cal.get(UCAL_DATE, status);
  out.month_length = cal.getActualMaximum(UCAL_DATE, status);
  const int check_day = cal.get(UCAL_JULIAN_DAY, status);
  if (U_FAILURE(status)) icu_failure("conversion failed", status);
  if (check_day != jd) icu_failure("day moved during conversion", U_INTERNAL_PROGRAM_ERROR);
  check(out);
  return out;
}

std::optional<LunarDate> lunar_date(CivilDate d) {
  if (!is_valid(d) || d.year < kLunarFirstYear || d.year > kLunarLastYear) return std::nullopt;
  LunarCalendar cal;
  return cal.convert(d);
}

bool is_lunar_new_years_eve(CivilDate d) {
  if (!is_valid(d)) return false;
  // 除夕 is the last day of the year's last month: 腊月, or 闰腊月 when the year has one. Rather
  // than guess which, ask whether the next day is 正月初一.
  const auto next = std::chrono::year_month_day{std::chrono::sys_days{to_ymd(d)} + std::chrono::days{1}};
  const auto lunar = lunar_date({static_cast<int>(next.year()), static_cast<int>(static_cast<unsigned>(next.month())),
                                 static_cast<int>(static_cast<unsigned>(next.day()))});
  return lunar && lunar->month == 1 && !lunar->leap_month && lunar->day == 1;
}

// ----- names -----

std::string sexagenary_name(int cycle_index) {
  if (cycle_index < 0 || cycle_index > 59) bad_field("cycle index", cycle_index);
  return std::string(kStems[cycle_index % 10]) + kBranches[cycle_index % 12];
}

std::string lunar_year_name(const LunarDate& d) {
  check(d);
  return sexagenary_name(d.cycle_year) + "年";
}

std::string lunar_month_name(const LunarDate& d, LunarMonthStyle style) {
  check(d);
  static constexpr std::array<const char*, 13> kNumeric = {"",   "正", "二", "三", "四", "五",   "六",
                                                           "七", "八", "九", "十", "十一", "十二"};
  std::string name = d.leap_month ? "闰" : "";
  if (style == LunarMonthStyle::Traditional && d.month == 11) name += "冬";
  else if (style == LunarMonthStyle::Traditional && d.month == 12) name += "腊";
  else name += kNumeric[d.month];
  return name + "月";
}

std::string lunar_day_name(const LunarDate& d) {
  check(d);
  // 初一…初十, 十一…十九, 二十, 廿一…廿九, 三十: the almanac forms (二十 and 三十 are written
  // out, 廿 only with a units digit).
  const int tens = d.day / 10, units = d.day % 10;
  if (d.day <= 10) return std::string("初") + (d.day == 10 ? "十" : kDigits[units]);
  if (units == 0) return std::string(kDigits[tens]) + "十";
  static constexpr std::array<const char*, 3> kTens = {"", "十", "廿"};
  return std::string(kTens[tens]) + kDigits[units];
}

std::string zodiac_name(const LunarDate& d) {
  check(d);
  // The animal changes at 正月初一 with the lunar year, as newspapers reckon it; the 立春
  // boundary of 八字 reckoning is not used.
  return kZodiac[d.branch()];
}

std::string format_lunar(const LunarDate& d, LunarMonthStyle style) {
  LunarLines l = format_lunar_lines(d, style);
  return l.year_line + l.date_line;
}

LunarLines format_lunar_lines(const LunarDate& d, LunarMonthStyle style) {
  return {"农历" + lunar_year_name(d), lunar_month_name(d, style) + lunar_day_name(d)};
}

// ----- weekday -----

int weekday(CivilDate d) {
  if (!is_valid(d)) return -1;
  return static_cast<int>(std::chrono::weekday{std::chrono::sys_days{to_ymd(d)}}.c_encoding());
}

std::string weekday_name(CivilDate d) {
  const int w = weekday(d);
  if (w < 0) return {};
  return std::string("星期") + kWeekdays[w];
}

// ----- numerals -----

std::string chinese_number(long long n) {
  // Up to 9999亿; beyond that the 万亿/兆 naming is not settled and nothing we print needs it.
  constexpr long long kLimit = 1'000'000'000'000LL;
  if (n <= -kLimit || n >= kLimit) throw std::out_of_range("chinese_number: " + std::to_string(n));
  if (n == 0) return "零";
  std::string out = n < 0 ? "负" : "";
  const unsigned long long v = n < 0 ? static_cast<unsigned long long>(-n) : static_cast<unsigned long long>(n);
  std::array<int, 12> digit{};  // least significant first
  int top = 0;
  for (unsigned long long x = v; x; x /= 10) digit[top++] = static_cast<int>(x % 10);
  static constexpr std::array<const char*, 4> kPlace = {"", "十", "百", "千"};
  static constexpr std::array<const char*, 3> kGroup = {"", "万", "亿"};
  bool pending_zero = false;
  for (int p = top - 1; p >= 0; --p) {
    const int dgt = digit[p];
    if (dgt == 0) {
      pending_zero = true;  // one 零 stands for any run of zeros, and only before a further digit
    } else {
      if (pending_zero) out += "零";
      pending_zero = false;
      // 十五, 十万 — not 一十五 — when 十 leads the number; inside it, 一百一十.
      if (!(dgt == 1 && p % 4 == 1 && p == top - 1)) out += kDigits[dgt];
      out += kPlace[p % 4];
    }
    if (p % 4 == 0 && p > 0) {
      bool group_nonzero = false;
      for (int q = p; q < p + 4 && q < top; ++q) group_nonzero |= digit[q] != 0;
      if (group_nonzero) out += kGroup[p / 4];
    }
  }
  return out;
}

std::string chinese_digits(long long n) {
  std::string s = std::to_string(n);
  std::string out;
  for (char c : s) out += c == '-' ? "负" : kDigits[c - '0'];
  return out;
}

}  // namespace paiban
