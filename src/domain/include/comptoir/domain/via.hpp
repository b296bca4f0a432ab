// Zendesk's numeric via ids (reference §3.12) and the channel names tickets store
// (`via_channel`): the one table rules (conditions, definitions) and storage (view and
// automation SQL, via_id columns) read.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace comptoir::domain {

struct ViaType {
  int id;
  std::string_view channel;
};

// One canonical channel name per id, in id order.
inline constexpr std::array<ViaType, 18> kViaTypes = {{
    {0, "web"},
    {4, "email"},
    {5, "api"},
    {8, "rule"},
    {16, "get_satisfaction"},
    {27, "closed_ticket"},
    {29, "chat"},
    {30, "twitter"},
    {31, "ticket_sharing"},
    {33, "voicemail"},
    {34, "voice"},
    {38, "facebook"},
    {48, "web_widget"},
    {49, "mobile_sdk"},
    {50, "help_center"},
    {55, "any_channel"},
    {56, "mobile"},
    {57, "sms"},
}};

// Other names of the same channels.
inline constexpr std::array<ViaType, 3> kViaAliases = {{
    {0, "web_form"},
    {4, "mail"},
    {5, "web_service"},
}};

inline const std::array<ViaType, 18>& ViaTypes() { return kViaTypes; }

// The id of a channel name (canonical or alias); nullopt when unknown.
inline std::optional<int> ViaIdOfChannel(std::string_view channel) {
  for (const auto& v : kViaTypes) {
    if (v.channel == channel) return v.id;
  }
  for (const auto& v : kViaAliases) {
    if (v.channel == channel) return v.id;
  }
  return std::nullopt;
}

// The canonical channel name of an id; "" when unknown.
inline std::string_view ViaChannelOfId(int id) {
  for (const auto& v : kViaTypes) {
    if (v.id == id) return v.channel;
  }
  return {};
}

// Every name of an id: the canonical one first, then its aliases.
inline std::vector<std::string_view> ViaChannelsOfId(std::int64_t id) {
  std::vector<std::string_view> out;
  for (const auto& v : kViaTypes) {
    if (v.id == id) out.push_back(v.channel);
  }
  for (const auto& v : kViaAliases) {
    if (v.id == id) out.push_back(v.channel);
  }
  return out;
}

}  // namespace comptoir::domain
