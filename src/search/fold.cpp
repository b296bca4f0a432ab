// Text folding with ICU: one function for documents and queries.
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include "comptoir/search/search.hpp"

namespace comptoir::search {

namespace {

const icu::Normalizer2* Nfd() {
  static const icu::Normalizer2* n = [] {
    UErrorCode ec = U_ZERO_ERROR;
    const icu::Normalizer2* p = icu::Normalizer2::getNFDInstance(ec);
    return U_SUCCESS(ec) ? p : nullptr;
  }();
  return n;
}

const icu::Normalizer2* Nfc() {
  static const icu::Normalizer2* n = [] {
    UErrorCode ec = U_ZERO_ERROR;
    const icu::Normalizer2* p = icu::Normalizer2::getNFCInstance(ec);
    return U_SUCCESS(ec) ? p : nullptr;
  }();
  return n;
}

bool IsAsciiFolded(std::string_view text) {
  for (unsigned char c : text) {
    if (c >= 0x80 || (c >= 'A' && c <= 'Z')) return false;
  }
  return true;
}

}  // namespace

std::string Fold(std::string_view text) {
  if (IsAsciiFolded(text)) return std::string(text);
  // fromUTF8 replaces ill-formed sequences with U+FFFD.
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  UErrorCode ec = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = Nfd();
  const icu::Normalizer2* nfc = Nfc();
  if (nfd == nullptr || nfc == nullptr) return std::string(text);
  icu::UnicodeString decomposed = nfd->normalize(s, ec);
  if (U_FAILURE(ec)) return std::string(text);
  icu::UnicodeString stripped;
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;  // accents, diaeresis, breve (й → и)
    stripped.append(c);
  }
  stripped.foldCase(U_FOLD_CASE_DEFAULT);
  icu::UnicodeString composed = nfc->normalize(stripped, ec);
  if (U_FAILURE(ec)) return std::string(text);
  std::string out;
  composed.toUTF8String(out);
  return out;
}

std::vector<std::string> Words(std::string_view folded) {
  std::vector<std::string> out;
  std::string cur;
  std::size_t i = 0;
  const auto n = static_cast<int32_t>(folded.size());
  const auto* s = reinterpret_cast<const std::uint8_t*>(folded.data());
  while (static_cast<int32_t>(i) < n) {
    auto at = static_cast<int32_t>(i);
    const int32_t start = at;
    UChar32 c = 0;
    U8_NEXT(s, at, n, c);
    i = static_cast<std::size_t>(at);
    const bool word =
        c >= 0 &&
        (c < 0x80 ? ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
                  : (u_isalnum(c) != 0 || u_charType(c) == U_COMBINING_SPACING_MARK));
    if (word) {
      cur.append(
          folded.substr(static_cast<std::size_t>(start), i - static_cast<std::size_t>(start)));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::string IndexText(std::string_view text) {
  std::string out;
  for (const auto& w : Words(Fold(text))) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

}  // namespace comptoir::search
