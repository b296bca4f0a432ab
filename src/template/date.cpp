#include "date_internal.hpp"

#include "text_internal.hpp"

#include <cmath>

namespace comptoir::liquid::internal {

namespace json = boost::json;

namespace {

constexpr std::string_view kMonths[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
constexpr std::string_view kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                      "Thursday", "Friday", "Saturday"};

struct Civil {
  std::int64_t year;
  int month;  // 1-12
  int day;    // 1-31
};

// Howard Hinnant's days-from-civil and civil-from-days (proleptic Gregorian).
std::int64_t DaysFromCivil(std::int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<int>(y - era * 400);
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Civil CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<int>(z - era * 146097);
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int d = doy - (153 * mp + 2) / 5 + 1;
  const int m = mp < 10 ? mp + 3 : mp - 9;
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

void AppendNumber(std::string& out, std::int64_t n, int width, char pad, bool no_pad) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  if (n < 0) out += '-';
  if (!no_pad && static_cast<int>(digits.size()) < width) {
    out.append(static_cast<std::size_t>(width) - digits.size(), pad);
  }
  out += digits;
}

bool AllDigits(std::string_view s) {
  std::size_t i = (!s.empty() && s[0] == '-') ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

std::optional<Timestamp> InRange(std::optional<Timestamp> t) {
  if (!t || *t < kMinTime || *t > kMaxTime) return std::nullopt;
  return t;
}

}  // namespace

std::optional<Timestamp> ToTime(const json::value& v, Timestamp now) {
  if (v.is_int64()) return InRange(v.get_int64());
  if (v.is_uint64()) {
    return v.get_uint64() > static_cast<std::uint64_t>(kMaxTime)
               ? std::nullopt
               : InRange(static_cast<Timestamp>(v.get_uint64()));
  }
  if (v.is_double()) {
    const double d = v.get_double();
    if (!std::isfinite(d) || d < static_cast<double>(kMinTime) ||
        d > static_cast<double>(kMaxTime)) {
      return std::nullopt;
    }
    return static_cast<Timestamp>(std::floor(d));
  }
  if (!v.is_string()) return std::nullopt;
  const std::string_view s = Strip(v.get_string());
  if (s == "now" || s == "today") return now;
  if (AllDigits(s)) {
    if (s.size() > 13) return std::nullopt;
    return InRange(std::stoll(std::string(s)));
  }
  return InRange(ParseIso8601(s));
}

std::string FormatTime(Timestamp t, std::string_view format, std::chrono::minutes offset,
                       std::string_view zone_name) {
  const std::int64_t local = t + offset.count() * 60;
  const std::int64_t days = FloorDiv(local, 86400);
  const std::int64_t secs = local - days * 86400;
  const Civil c = CivilFromDays(days);
  const int hour = static_cast<int>(secs / 3600);
  const int minute = static_cast<int>(secs / 60 % 60);
  const int second = static_cast<int>(secs % 60);
  const int weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  const std::int64_t yday = days - DaysFromCivil(c.year, 1, 1) + 1;
  const int hour12 = hour % 12 == 0 ? 12 : hour % 12;

  std::string out;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 >= format.size()) {
      out += format[i];
      continue;
    }
    std::size_t j = i + 1;
    const bool no_pad = format[j] == '-';
    if (no_pad && j + 1 < format.size()) ++j;
    switch (format[j]) {
      case 'Y':
        AppendNumber(out, c.year, 4, '0', no_pad);
        break;
      case 'y':
        AppendNumber(out, ((c.year % 100) + 100) % 100, 2, '0', no_pad);
        break;
      case 'm':
        AppendNumber(out, c.month, 2, '0', no_pad);
        break;
      case 'd':
        AppendNumber(out, c.day, 2, '0', no_pad);
        break;
      case 'e':
        AppendNumber(out, c.day, 2, ' ', no_pad);
        break;
      case 'j':
        AppendNumber(out, yday, 3, '0', no_pad);
        break;
      case 'H':
        AppendNumber(out, hour, 2, '0', no_pad);
        break;
      case 'k':
        AppendNumber(out, hour, 2, ' ', no_pad);
        break;
      case 'I':
        AppendNumber(out, hour12, 2, '0', no_pad);
        break;
      case 'l':
        AppendNumber(out, hour12, 2, ' ', no_pad);
        break;
      case 'M':
        AppendNumber(out, minute, 2, '0', no_pad);
        break;
      case 'S':
        AppendNumber(out, second, 2, '0', no_pad);
        break;
      case 'p':
        out += hour < 12 ? "AM" : "PM";
        break;
      case 'P':
        out += hour < 12 ? "am" : "pm";
        break;
      case 'b':
        out += kMonths[c.month - 1].substr(0, 3);
        break;
      case 'B':
        out += kMonths[c.month - 1];
        break;
      case 'a':
        out += kDays[weekday].substr(0, 3);
        break;
      case 'A':
        out += kDays[weekday];
        break;
      case 's':
        out += std::to_string(t);
        break;
      case 'F':
        AppendNumber(out, c.year, 4, '0', false);
        out += '-';
        AppendNumber(out, c.month, 2, '0', false);
        out += '-';
        AppendNumber(out, c.day, 2, '0', false);
        break;
      case 'T':
        AppendNumber(out, hour, 2, '0', false);
        out += ':';
        AppendNumber(out, minute, 2, '0', false);
        out += ':';
        AppendNumber(out, second, 2, '0', false);
        break;
      case 'D':
        AppendNumber(out, c.month, 2, '0', false);
        out += '/';
        AppendNumber(out, c.day, 2, '0', false);
        out += '/';
        AppendNumber(out, ((c.year % 100) + 100) % 100, 2, '0', false);
        break;
      case 'z':
      case 'Z': {
        const std::int64_t total = offset.count();
        const std::int64_t magnitude = total < 0 ? -total : total;
        if (format[j] == 'Z' && !zone_name.empty()) {
          out += zone_name;
          break;
        }
        if (format[j] == 'Z' && total == 0) {
          out += "UTC";
          break;
        }
        out += total < 0 ? '-' : '+';
        AppendNumber(out, magnitude / 60, 2, '0', false);
        if (format[j] == 'Z') out += ':';
        AppendNumber(out, magnitude % 60, 2, '0', false);
        break;
      }
      case '%':
        out += '%';
        break;
      default:
        out.append(format.substr(i, j + 1 - i));
    }
    i = j;
  }
  return out;
}

}  // namespace comptoir::liquid::internal
