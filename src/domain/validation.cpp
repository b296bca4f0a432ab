#include "comptoir/domain/validation.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>
#include <utility>

#include "comptoir/common/clock.hpp"

namespace comptoir::domain {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsDomainLabelChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Rails (ActiveSupport::TimeZone) names and their IANA zones.
constexpr std::array<std::pair<std::string_view, std::string_view>, 151> kRailsZones = {{
    {"International Date Line West", "Etc/GMT+12"},
    {"American Samoa", "Pacific/Pago_Pago"},
    {"Midway Island", "Pacific/Midway"},
    {"Hawaii", "Pacific/Honolulu"},
    {"Alaska", "America/Juneau"},
    {"Pacific Time (US & Canada)", "America/Los_Angeles"},
    {"Tijuana", "America/Tijuana"},
    {"Arizona", "America/Phoenix"},
    {"Mazatlan", "America/Mazatlan"},
    {"Mountain Time (US & Canada)", "America/Denver"},
    {"Central America", "America/Guatemala"},
    {"Central Time (US & Canada)", "America/Chicago"},
    {"Chihuahua", "America/Chihuahua"},
    {"Guadalajara", "America/Mexico_City"},
    {"Mexico City", "America/Mexico_City"},
    {"Monterrey", "America/Monterrey"},
    {"Saskatchewan", "America/Regina"},
    {"Bogota", "America/Bogota"},
    {"Eastern Time (US & Canada)", "America/New_York"},
    {"Indiana (East)", "America/Indiana/Indianapolis"},
    {"Lima", "America/Lima"},
    {"Quito", "America/Lima"},
    {"Atlantic Time (Canada)", "America/Halifax"},
    {"Caracas", "America/Caracas"},
    {"Georgetown", "America/Guyana"},
    {"La Paz", "America/La_Paz"},
    {"Puerto Rico", "America/Puerto_Rico"},
    {"Santiago", "America/Santiago"},
    {"Newfoundland", "America/St_Johns"},
    {"Brasilia", "America/Sao_Paulo"},
    {"Buenos Aires", "America/Argentina/Buenos_Aires"},
    {"Montevideo", "America/Montevideo"},
    {"Greenland", "America/Godthab"},
    {"Mid-Atlantic", "Atlantic/South_Georgia"},
    {"Azores", "Atlantic/Azores"},
    {"Cape Verde Is.", "Atlantic/Cape_Verde"},
    {"Casablanca", "Africa/Casablanca"},
    {"Dublin", "Europe/Dublin"},
    {"Edinburgh", "Europe/London"},
    {"Lisbon", "Europe/Lisbon"},
    {"London", "Europe/London"},
    {"Monrovia", "Africa/Monrovia"},
    {"UTC", "Etc/UTC"},
    {"Amsterdam", "Europe/Amsterdam"},
    {"Belgrade", "Europe/Belgrade"},
    {"Berlin", "Europe/Berlin"},
    {"Bern", "Europe/Zurich"},
    {"Bratislava", "Europe/Bratislava"},
    {"Brussels", "Europe/Brussels"},
    {"Budapest", "Europe/Budapest"},
    {"Copenhagen", "Europe/Copenhagen"},
    {"Ljubljana", "Europe/Ljubljana"},
    {"Madrid", "Europe/Madrid"},
    {"Paris", "Europe/Paris"},
    {"Prague", "Europe/Prague"},
    {"Rome", "Europe/Rome"},
    {"Sarajevo", "Europe/Sarajevo"},
    {"Skopje", "Europe/Skopje"},
    {"Stockholm", "Europe/Stockholm"},
    {"Vienna", "Europe/Vienna"},
    {"Warsaw", "Europe/Warsaw"},
    {"West Central Africa", "Africa/Algiers"},
    {"Zagreb", "Europe/Zagreb"},
    {"Zurich", "Europe/Zurich"},
    {"Athens", "Europe/Athens"},
    {"Bucharest", "Europe/Bucharest"},
    {"Cairo", "Africa/Cairo"},
    {"Harare", "Africa/Harare"},
    {"Helsinki", "Europe/Helsinki"},
    {"Jerusalem", "Asia/Jerusalem"},
    {"Kaliningrad", "Europe/Kaliningrad"},
    {"Kyiv", "Europe/Kiev"},
    {"Pretoria", "Africa/Johannesburg"},
    {"Riga", "Europe/Riga"},
    {"Sofia", "Europe/Sofia"},
    {"Tallinn", "Europe/Tallinn"},
    {"Vilnius", "Europe/Vilnius"},
    {"Baghdad", "Asia/Baghdad"},
    {"Istanbul", "Europe/Istanbul"},
    {"Kuwait", "Asia/Kuwait"},
    {"Minsk", "Europe/Minsk"},
    {"Moscow", "Europe/Moscow"},
    {"Nairobi", "Africa/Nairobi"},
    {"Riyadh", "Asia/Riyadh"},
    {"St. Petersburg", "Europe/Moscow"},
    {"Volgograd", "Europe/Volgograd"},
    {"Tehran", "Asia/Tehran"},
    {"Abu Dhabi", "Asia/Muscat"},
    {"Baku", "Asia/Baku"},
    {"Muscat", "Asia/Muscat"},
    {"Samara", "Europe/Samara"},
    {"Tbilisi", "Asia/Tbilisi"},
    {"Yerevan", "Asia/Yerevan"},
    {"Kabul", "Asia/Kabul"},
    {"Almaty", "Asia/Almaty"},
    {"Ekaterinburg", "Asia/Yekaterinburg"},
    {"Islamabad", "Asia/Karachi"},
    {"Karachi", "Asia/Karachi"},
    {"Tashkent", "Asia/Tashkent"},
    {"Chennai", "Asia/Kolkata"},
    {"Kolkata", "Asia/Kolkata"},
    {"Mumbai", "Asia/Kolkata"},
    {"New Delhi", "Asia/Kolkata"},
    {"Sri Jayawardenepura", "Asia/Colombo"},
    {"Kathmandu", "Asia/Kathmandu"},
    {"Astana", "Asia/Dhaka"},
    {"Dhaka", "Asia/Dhaka"},
    {"Urumqi", "Asia/Urumqi"},
    {"Rangoon", "Asia/Rangoon"},
    {"Bangkok", "Asia/Bangkok"},
    {"Hanoi", "Asia/Bangkok"},
    {"Jakarta", "Asia/Jakarta"},
    {"Krasnoyarsk", "Asia/Krasnoyarsk"},
    {"Novosibirsk", "Asia/Novosibirsk"},
    {"Beijing", "Asia/Shanghai"},
    {"Chongqing", "Asia/Chongqing"},
    {"Hong Kong", "Asia/Hong_Kong"},
    {"Irkutsk", "Asia/Irkutsk"},
    {"Kuala Lumpur", "Asia/Kuala_Lumpur"},
    {"Perth", "Australia/Perth"},
    {"Singapore", "Asia/Singapore"},
    {"Taipei", "Asia/Taipei"},
    {"Ulaanbaatar", "Asia/Ulaanbaatar"},
    {"Osaka", "Asia/Tokyo"},
    {"Sapporo", "Asia/Tokyo"},
    {"Seoul", "Asia/Seoul"},
    {"Tokyo", "Asia/Tokyo"},
    {"Yakutsk", "Asia/Yakutsk"},
    {"Adelaide", "Australia/Adelaide"},
    {"Darwin", "Australia/Darwin"},
    {"Brisbane", "Australia/Brisbane"},
    {"Canberra", "Australia/Melbourne"},
    {"Guam", "Pacific/Guam"},
    {"Hobart", "Australia/Hobart"},
    {"Melbourne", "Australia/Melbourne"},
    {"Port Moresby", "Pacific/Port_Moresby"},
    {"Sydney", "Australia/Sydney"},
    {"Vladivostok", "Asia/Vladivostok"},
    {"Magadan", "Asia/Magadan"},
    {"New Caledonia", "Pacific/Noumea"},
    {"Solomon Is.", "Pacific/Guadalcanal"},
    {"Srednekolymsk", "Asia/Srednekolymsk"},
    {"Auckland", "Pacific/Auckland"},
    {"Fiji", "Pacific/Fiji"},
    {"Kamchatka", "Asia/Kamchatka"},
    {"Marshall Is.", "Pacific/Majuro"},
    {"Wellington", "Pacific/Auckland"},
    {"Chatham Is.", "Pacific/Chatham"},
    {"Nuku'alofa", "Pacific/Tongatapu"},
    {"Tokelau Is.", "Pacific/Fakaofo"},
    {"Samoa", "Pacific/Apia"},
}};

}  // namespace

std::optional<std::string> NormalizeEmail(std::string_view raw) {
  std::string_view s = Trim(raw);
  if (s.size() < 3 || s.size() > 254) return std::nullopt;
  auto at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= s.size()) return std::nullopt;
  std::string_view local = s.substr(0, at);
  std::string_view domain = s.substr(at + 1);
  if (local.size() > 64) return std::nullopt;
  for (char c : local) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || c == '@' || c == '"' || c == '(' || c == ')' || c == ',' || c == ':' ||
        c == ';' || c == '<' || c == '>' || c == '[' || c == ']' || c == '\\' || u == 0x7f) {
      return std::nullopt;
    }
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return std::nullopt;
  }
  if (!NormalizeDomain(domain) || domain.find('.') == std::string_view::npos) return std::nullopt;
  return Lower(s);
}

std::optional<std::string> NormalizePhone(std::string_view raw) {
  std::string_view s = Trim(raw);
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      out += c;
    } else if (c == '+' && out.empty() && i == 0) {
      out += c;
    } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') {
      continue;
    } else {
      return std::nullopt;
    }
  }
  std::size_t digits = out.size() - (out.starts_with('+') ? 1 : 0);
  if (digits < 4 || digits > 15) return std::nullopt;
  return out;
}

std::optional<std::string> NormalizeDomain(std::string_view raw) {
  std::string_view s = Trim(raw);
  if (s.empty() || s.size() > 253) return std::nullopt;
  std::size_t label = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (label == 0 || s[i - 1] == '-') return std::nullopt;
      label = 0;
    } else if (IsDomainLabelChar(s[i])) {
      if (label == 0 && s[i] == '-') return std::nullopt;
      if (++label > 63) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  if (label == 0) return std::nullopt;
  return Lower(s);
}

std::optional<std::string> NormalizeIdentityValue(IdentityType type, std::string_view raw) {
  switch (type) {
    case IdentityType::kEmail:
    case IdentityType::kGoogle:
      return NormalizeEmail(raw);
    case IdentityType::kPhoneNumber:
      return NormalizePhone(raw);
    case IdentityType::kTwitter: {
      std::string_view s = Trim(raw);
      if (s.starts_with('@')) s.remove_prefix(1);
      if (s.empty() || s.size() > 50) return std::nullopt;
      for (char c : s) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return std::nullopt;
      }
      return Lower(s);
    }
    case IdentityType::kFacebook: {
      std::string_view s = Trim(raw);
      if (s.empty() || s.size() > 100) return std::nullopt;
      for (char c : s) {
        if (static_cast<unsigned char>(c) <= 0x20) return std::nullopt;
      }
      return std::string(s);
    }
  }
  return std::nullopt;
}

std::vector<std::string> NormalizeTags(const std::vector<std::string>& raw) {
  std::vector<std::string> out;
  for (const auto& t : raw) {
    std::string current;
    auto flush = [&] {
      if (!current.empty() && std::find(out.begin(), out.end(), current) == out.end()) {
        out.push_back(current);
      }
      current.clear();
    };
    for (char c : t) {
      if (std::isspace(static_cast<unsigned char>(c)) || c == ',') {
        flush();
      } else {
        current += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    flush();
  }
  return out;
}

std::string_view EmailDomain(std::string_view email) {
  auto at = email.rfind('@');
  return at == std::string_view::npos ? std::string_view() : email.substr(at + 1);
}

bool IsValidLocale(std::string_view locale) {
  static const std::regex kLocale("^[a-z]{2,3}(-[A-Za-z]{2,4})?(-[A-Za-z0-9]{2,8})?$");
  return locale.size() <= 20 && std::regex_match(locale.begin(), locale.end(), kLocale);
}

std::optional<std::string> ToIanaTimeZone(std::string_view name) {
  for (const auto& [rails, iana] : kRailsZones) {
    if (rails == name) return std::string(iana);
  }
  static const std::regex kIana("^(UTC|[A-Z][A-Za-z_-]+(/[A-Za-z0-9_+-]+){1,2})$");
  if (name.size() <= 64 && std::regex_match(name.begin(), name.end(), kIana)) {
    return std::string(name);
  }
  return std::nullopt;
}

std::string ToRailsTimeZone(std::string_view iana) {
  if (iana == "UTC" || iana == "Etc/UTC") return "UTC";
  for (const auto& [rails, zone] : kRailsZones) {
    if (zone == iana) return std::string(rails);
  }
  return std::string(iana);
}

bool IsValidFieldType(std::string_view type) {
  static constexpr std::string_view kTypes[] = {"text",    "textarea", "checkbox", "date",
                                                "integer", "decimal",  "regexp",   "dropdown"};
  return std::find(std::begin(kTypes), std::end(kTypes), type) != std::end(kTypes);
}

bool IsValidFieldKey(std::string_view key) {
  if (key.empty() || key.size() > 64 || !std::isalpha(static_cast<unsigned char>(key[0]))) {
    return false;
  }
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

bool IsValidSubdomain(std::string_view s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  const bool allowed = std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (!allowed) return false;
  if (std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  return s != "www" && s != "localhost";
}

std::optional<std::string> SubdomainOfHost(std::string_view host) {
  while (!host.empty() && (host.front() == ' ' || host.front() == '\t')) host.remove_prefix(1);
  while (!host.empty() && (host.back() == ' ' || host.back() == '\t')) host.remove_suffix(1);
  if (host.empty() || host.front() == '[') return std::nullopt;  // IPv6 literal
  if (auto colon = host.find(':'); colon != std::string_view::npos) {
    if (host.find(':', colon + 1) != std::string_view::npos) return std::nullopt;  // IPv6
    host = host.substr(0, colon);
  }
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  const auto dot = host.find('.');
  if (dot == std::string_view::npos) return std::nullopt;  // "localhost", "intranet"
  if (std::all_of(host.begin(), host.end(),
                  [](char c) { return (c >= '0' && c <= '9') || c == '.'; })) {
    return std::nullopt;  // IPv4
  }
  std::string label(host.substr(0, dot));
  for (auto& c : label) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!IsValidSubdomain(label)) return std::nullopt;
  return label;
}

Result<boost::json::value> ValidateFieldValue(const CustomField& field,
                                              const boost::json::value& value,
                                              const std::string& field_path) {
  auto bad = [&](const std::string& why) {
    return Invalid(field_path, "InvalidValue", field.title + ": " + why);
  };
  if (value.is_null()) return boost::json::value(nullptr);
  const std::string& t = field.type;
  if (t == "checkbox") {
    if (value.is_bool()) return value;
    return bad("must be true or false");
  }
  if (t == "integer") {
    if (value.is_int64()) return value;
    if (value.is_uint64() && value.get_uint64() <= INT64_MAX) {
      return boost::json::value(static_cast<std::int64_t>(value.get_uint64()));
    }
    if (value.is_string()) {
      static const std::regex kInt("^-?[0-9]{1,18}$");
      const auto& s = value.get_string();
      if (std::regex_match(s.begin(), s.end(), kInt)) {
        return boost::json::value(std::stoll(std::string(s)));
      }
    }
    return bad("must be a whole number");
  }
  if (t == "decimal") {
    if (value.is_number()) return boost::json::value(value.to_number<double>());
    if (value.is_string()) {
      static const std::regex kDec("^-?[0-9]{1,15}(\\.[0-9]{1,10})?$");
      const auto& s = value.get_string();
      if (std::regex_match(s.begin(), s.end(), kDec)) {
        return boost::json::value(std::stod(std::string(s)));
      }
    }
    return bad("must be a decimal number");
  }
  if (!value.is_string()) return bad("must be text");
  std::string s(value.get_string());
  if (t == "date") {
    if (s.empty()) return boost::json::value(nullptr);
    auto ts = ParseIso8601(s);
    if (!ts) return bad("must be a date (YYYY-MM-DD)");
    return boost::json::value(FormatIso8601(*ts - *ts % 86400).substr(0, 10) + "T00:00:00+00:00");
  }
  if (t == "dropdown") {
    if (s.empty()) return boost::json::value(nullptr);
    for (const auto& o : field.options) {
      if (o.value == s) return value;
    }
    return bad("is not one of the options");
  }
  if (t == "regexp" && !s.empty()) {
    try {
      std::regex re(field.regexp_for_validation);
      if (!std::regex_match(s, re)) return bad("does not match the expected format");
    } catch (const std::regex_error&) {
      return bad("has an invalid validation pattern");
    }
  }
  if (s.size() > (t == "text" ? 2048u : 65536u)) return bad("is too long");
  return value;
}

}  // namespace comptoir::domain
