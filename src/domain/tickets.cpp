#include "comptoir/domain/tickets.hpp"

#include <array>

namespace comptoir::domain {

namespace {
constexpr std::array<const char*, 6> kStatus = {"new",  "open",   "pending",
                                                "hold", "solved", "closed"};
constexpr std::array<const char*, 5> kPriority = {"", "low", "normal", "high", "urgent"};
constexpr std::array<const char*, 5> kType = {"", "problem", "incident", "question", "task"};

template <typename E, std::size_t N>
std::optional<E> Parse(const std::array<const char*, N>& names, std::string_view s,
                       std::size_t first) {
  for (std::size_t i = first; i < N; ++i) {
    if (s == names[i]) return static_cast<E>(i);
  }
  return std::nullopt;
}
}  // namespace

const char* StatusName(TicketStatus s) { return kStatus[static_cast<std::size_t>(s)]; }
std::optional<TicketStatus> ParseStatus(std::string_view s) {
  return Parse<TicketStatus>(kStatus, s, 0);
}
const char* PriorityName(TicketPriority p) { return kPriority[static_cast<std::size_t>(p)]; }
std::optional<TicketPriority> ParsePriority(std::string_view s) {
  return Parse<TicketPriority>(kPriority, s, 1);
}
const char* TypeName(TicketType t) { return kType[static_cast<std::size_t>(t)]; }
std::optional<TicketType> ParseType(std::string_view s) { return Parse<TicketType>(kType, s, 1); }

}  // namespace comptoir::domain
