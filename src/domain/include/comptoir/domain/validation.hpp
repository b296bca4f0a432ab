// Normalisation and validation of people's data: emails, phones, tags, domains, locales,
// time zones and custom field values. Pure functions; thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "comptoir/common/status.hpp"
#include "comptoir/domain/people.hpp"

namespace comptoir::domain {

// Lower-cased, trimmed address when it looks like a deliverable email address.
std::optional<std::string> NormalizeEmail(std::string_view raw);
// Digits with an optional leading '+', separators removed; nullopt when not a phone number.
std::optional<std::string> NormalizePhone(std::string_view raw);
// Lower-cased domain name ("Example.COM" → "example.com"); nullopt when invalid.
std::optional<std::string> NormalizeDomain(std::string_view raw);
// Normalises a value for an identity of that type; nullopt when invalid.
std::optional<std::string> NormalizeIdentityValue(IdentityType type, std::string_view raw);

// Zendesk tag rules: lower case, whitespace splits a tag in two, duplicates dropped,
// order kept. Characters outside printable ASCII/UTF-8 letters are kept as given.
std::vector<std::string> NormalizeTags(const std::vector<std::string>& raw);
// The part of an email address after '@'.
std::string_view EmailDomain(std::string_view email);

bool IsValidLocale(std::string_view locale);  // "en-US", "fr", "pt-BR"

// Time zones: Zendesk speaks Rails names ("Paris", "Eastern Time (US & Canada)") and
// IANA names ("Europe/Paris"). Both are accepted; IANA is stored.
// Returns the IANA name for a Rails name or an IANA-looking name, nullopt otherwise.
std::optional<std::string> ToIanaTimeZone(std::string_view name);
// The Rails name for an IANA zone, or the IANA name itself when it has none.
std::string ToRailsTimeZone(std::string_view iana);

// Checks `value` against a custom field's type, options and regexp. `field_path` names
// the field in errors (e.g. "user_fields.plan"). Returns the normalised value.
Result<boost::json::value> ValidateFieldValue(const CustomField& field,
                                              const boost::json::value& value,
                                              const std::string& field_path);
bool IsValidFieldType(std::string_view type);
bool IsValidFieldKey(std::string_view key);  // [a-z0-9_], starts with a letter, ≤ 64

// Account subdomains ("acme" for acme.example.com): 1–63 of [a-z0-9-], no hyphen at
// either end, not only digits, and not a reserved name ("www", "localhost").
bool IsValidSubdomain(std::string_view subdomain);
// The subdomain a Host header addresses: the first label of a name with at least two
// labels ("Acme.Example.com:8080" → "acme", "b.localhost" → "b"), lower-cased; nullopt
// for IP addresses, "localhost", single-label names and labels that are not valid
// subdomains (the request then goes to the default account).
std::optional<std::string> SubdomainOfHost(std::string_view host);

}  // namespace comptoir::domain
