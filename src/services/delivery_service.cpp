#include "comptoir/services/delivery_service.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "comptoir/common/crypto.hpp"
#include "comptoir/common/log.hpp"
#include "comptoir/html/sanitize.hpp"
#include "comptoir/mail/mail.hpp"
#include "comptoir/template/template.hpp"
#include "comptoir/webhooks/http_client.hpp"

namespace comptoir::services {

namespace json = boost::json;
using storage::Transaction;

namespace {

constexpr const char* kDefaultHtml =
    "<!DOCTYPE html>\n<html><body style=\"font-family: sans-serif; font-size: 14px;\">\n"
    "<div>{{content}}</div>\n"
    "<div style=\"color: #777; font-size: 12px; margin-top: 24px;\">{{footer}}</div>\n"
    "</body></html>\n";
constexpr const char* kDefaultText = "{{content}}\n\n--\n{{footer}}\n";

std::string Lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return std::string(v->as_string());
}

std::int64_t Int(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  if (v->is_string()) {
    try {
      return std::stoll(std::string(v->as_string()));
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

json::object ParseObject(const std::string& text) {
  if (text.empty()) return {};
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return {};
  return v.as_object();
}

bool ValidHeaderName(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  for (unsigned char ch : name) {
    if (!(std::isalnum(ch) || ch == '-' || ch == '_')) return false;
  }
  return true;
}

bool ValidHeaderValue(std::string_view value) {
  if (value.size() > 1000) return false;
  for (unsigned char ch : value) {
    if (ch < 32 && ch != '\t') return false;
  }
  return true;
}

// Headers a custom header may not set: the request's own and the signature's.
bool ReservedHeader(std::string_view name) {
  static const std::vector<std::string> kReserved = {"authorization",
                                                     "content-type",
                                                     "content-length",
                                                     "host",
                                                     "user-agent",
                                                     "connection",
                                                     "transfer-encoding",
                                                     "x-zendesk-webhook-signature",
                                                     "x-zendesk-webhook-signature-timestamp",
                                                     "x-zendesk-webhook-id",
                                                     "x-zendesk-webhook-invocation-id"};
  const std::string l = Lower(std::string(name));
  return std::find(kReserved.begin(), kReserved.end(), l) != kReserved.end();
}

const std::vector<std::string> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
const std::vector<std::string> kFormats = {"json", "xml", "form_encoded"};

// Validates the webhook fields of `in` into `w` (all of them when `full`).
Status ApplyWebhook(const json::object& in, storage::Webhook& w, bool full) {
  Validation v;
  auto present = [&](std::string_view k) { return full || in.contains(k); };
  auto string_field = [&](std::string_view k, std::string& out, bool required) {
    if (!present(k)) return;
    const json::value* val = in.if_contains(k);
    if (val == nullptr || val->is_null()) {
      if (required) {
        v.Add(std::string(k), "BlankValue", std::string(k) + ": cannot be blank");
      } else {
        out.clear();
      }
      return;
    }
    if (!val->is_string()) {
      v.Add(std::string(k), "InvalidValue", std::string(k) + ": must be a string");
      return;
    }
    std::string s = Trim(val->as_string());
    if (required && s.empty()) {
      v.Add(std::string(k), "BlankValue", std::string(k) + ": cannot be blank");
      return;
    }
    out = s;
  };
  string_field("name", w.name, true);
  string_field("description", w.description, false);
  if (w.name.size() > 255) v.Add("name", "InvalidValue", "name: is too long (maximum is 255)");
  std::string endpoint = w.endpoint;
  string_field("endpoint", endpoint, true);
  if (present("endpoint") && !endpoint.empty()) {
    if (!webhooks::ValidHttpUrl(endpoint)) {
      v.Add("endpoint", "InvalidValue", "endpoint: must be an absolute http or https URL");
    } else {
      w.endpoint = endpoint;
    }
  }
  if (present("http_method")) {
    std::string m = Str(in, "http_method");
    for (char& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (std::find(kMethods.begin(), kMethods.end(), m) == kMethods.end()) {
      v.Add("http_method", "InvalidValue",
            "http_method: must be one of GET, POST, PUT, PATCH, DELETE");
    } else {
      w.http_method = m;
    }
  }
  if (present("request_format")) {
    std::string f = Str(in, "request_format");
    if (std::find(kFormats.begin(), kFormats.end(), f) == kFormats.end()) {
      v.Add("request_format", "InvalidValue",
            "request_format: must be one of json, xml, form_encoded");
    } else {
      w.request_format = f;
    }
  }
  if (in.contains("status") || (full && w.status.empty())) {
    std::string st = in.contains("status") ? Str(in, "status") : "active";
    if (st != "active" && st != "inactive") {
      v.Add("status", "InvalidValue", "status: must be active or inactive");
    } else {
      w.status = st;
    }
  }
  if (in.contains("subscriptions")) {
    const json::value& s = in.at("subscriptions");
    json::array subs;
    bool ok = s.is_array() || s.is_null();
    if (s.is_array()) {
      for (const auto& e : s.as_array()) {
        if (!e.is_string()) ok = false;
        subs.push_back(e);
      }
    }
    if (!ok) {
      v.Add("subscriptions", "InvalidValue", "subscriptions: must be a list of strings");
    } else {
      w.subscriptions = json::serialize(subs);
    }
  } else if (full) {
    w.subscriptions = R"(["conditional_ticket_events"])";
  }
  if (in.contains("authentication") || full) {
    const json::value* a = in.if_contains("authentication");
    if (a == nullptr || a->is_null()) {
      w.authentication.clear();
    } else if (!a->is_object()) {
      v.Add("authentication", "InvalidValue", "authentication: must be an object");
    } else {
      const json::object& ao = a->as_object();
      std::string type = Str(ao, "type");
      const json::value* data = ao.if_contains("data");
      // PUT without data keeps the secret parts already stored for the same type.
      json::object old = ParseObject(w.authentication);
      json::object d;
      if (data != nullptr && data->is_object()) {
        d = data->as_object();
      } else if (Str(old, "type") == type && old.contains("data") && old.at("data").is_object()) {
        d = old.at("data").as_object();
      }
      std::string position = ao.contains("add_position") ? Str(ao, "add_position") : "header";
      if (position != "header") {
        v.Add("authentication", "InvalidValue", "authentication: add_position must be header");
      }
      bool good = true;
      if (type == "basic_auth") {
        good =
            !Str(d, "username").empty() && d.contains("password") && d.at("password").is_string();
      } else if (type == "bearer_token") {
        good = !Str(d, "token").empty();
      } else if (type == "api_key") {
        good = ValidHeaderName(Str(d, "name")) && !Str(d, "value").empty() &&
               ValidHeaderValue(Str(d, "value"));
      } else {
        v.Add("authentication", "InvalidValue",
              "authentication: type must be basic_auth, bearer_token or api_key");
        good = true;
      }
      if (!good) {
        v.Add("authentication", "InvalidValue",
              "authentication: data is missing or invalid for type " + type);
      }
      w.authentication =
          json::serialize(json::object{{"type", type}, {"add_position", "header"}, {"data", d}});
    }
  }
  if (in.contains("custom_headers") || full) {
    const json::value* h = in.if_contains("custom_headers");
    json::object headers;
    if (h != nullptr && !h->is_null()) {
      if (!h->is_object()) {
        v.Add("custom_headers", "InvalidValue", "custom_headers: must be an object");
      } else {
        for (const auto& [k, val] : h->as_object()) {
          if (!val.is_string() || !ValidHeaderName(k) || ReservedHeader(k) ||
              !ValidHeaderValue(val.as_string())) {
            v.Add("custom_headers", "InvalidValue",
                  "custom_headers: invalid or reserved header " + std::string(k));
          } else {
            headers[k] = val;
          }
        }
        if (headers.size() > 5) {
          v.Add("custom_headers", "InvalidValue", "custom_headers: at most 5 headers");
        }
      }
    }
    w.custom_headers = json::serialize(headers);
  }
  return v.Finish();
}

std::string ContentType(std::string_view format) {
  if (format == "xml") return "application/xml";
  if (format == "form_encoded") return "application/x-www-form-urlencoded";
  return "application/json";
}

// The request a webhook sends with `body`.
webhooks::Request BuildRequest(const storage::Webhook& w, const std::string& body, Timestamp now,
                               std::int64_t invocation_id, const DeliveryOptions& o) {
  webhooks::Request r;
  r.method = w.http_method;
  r.url = w.endpoint;
  r.connect_timeout = o.webhook_connect_timeout;
  r.total_timeout = o.webhook_timeout;
  const bool bodiless = r.method == "GET" || r.method == "DELETE";
  if (bodiless) {
    if (!body.empty() && w.request_format == "form_encoded") {
      r.url += (r.url.find('?') == std::string::npos ? "?" : "&") + body;
    }
  } else {
    r.body = body;
    r.headers.emplace_back("Content-Type", ContentType(w.request_format));
  }
  json::object auth = ParseObject(w.authentication);
  std::string type = Str(auth, "type");
  json::object data = auth.contains("data") && auth.at("data").is_object()
                          ? auth.at("data").as_object()
                          : json::object{};
  if (type == "basic_auth") {
    r.headers.emplace_back(
        "Authorization",
        "Basic " + crypto::Base64Encode(Str(data, "username") + ":" + Str(data, "password")));
  } else if (type == "bearer_token") {
    r.headers.emplace_back("Authorization", "Bearer " + Str(data, "token"));
  } else if (type == "api_key") {
    r.headers.emplace_back(Str(data, "name"), Str(data, "value"));
  }
  for (const auto& [k, val] : ParseObject(w.custom_headers)) {
    if (val.is_string()) r.headers.emplace_back(std::string(k), std::string(val.as_string()));
  }
  if (!w.signing_secret.empty()) {
    const std::string ts = FormatIso8601(now);
    r.headers.emplace_back("X-Zendesk-Webhook-Signature",
                           webhooks::Signature(w.signing_secret, ts, bodiless ? "" : r.body));
    r.headers.emplace_back("X-Zendesk-Webhook-Signature-Timestamp", ts);
  }
  if (w.id != 0) r.headers.emplace_back("X-Zendesk-Webhook-Id", std::to_string(w.id));
  if (invocation_id != 0) {
    r.headers.emplace_back("X-Zendesk-Webhook-Invocation-Id", std::to_string(invocation_id));
  }
  return r;
}

std::string ResponseJson(const webhooks::Response& res) {
  json::object headers;
  for (const auto& [k, v] : res.headers) headers[k] = v;
  return json::serialize(
      json::object{{"headers", headers}, {"body", res.transport_ok ? res.body : res.error}});
}

std::string NewSecret() { return crypto::RandomAlnum(40); }

std::string NewlinesToBr(std::string_view s) {
  std::string out;
  for (char ch : s) {
    if (ch == '\n') {
      out += "<br>\n";
    } else {
      out += ch;
    }
  }
  return out;
}

// The domain Message-IDs are made in: the support address's, else the public URL's host.
std::string MessageDomain(const storage::EmailSettings& s, const PlaceholderOptions& p) {
  auto at = s.support_address.rfind('@');
  if (at != std::string::npos) return s.support_address.substr(at + 1);
  std::string url = p.public_url;
  auto scheme = url.find("://");
  if (scheme != std::string::npos) url = url.substr(scheme + 3);
  url = url.substr(0, url.find_first_of("/:"));
  return url.empty() ? "comptoir.localhost" : url;
}

storage::EmailSettings Defaults(AccountId account) {
  storage::EmailSettings s;
  s.account_id = account;
  s.html_template = kDefaultHtml;
  s.text_template = kDefaultText;
  return s;
}

Result<storage::EmailSettings> LoadSettings(Transaction& tx, AccountId account) {
  auto s = tx.delivery().GetEmailSettings(account);
  if (s.ok()) return s;
  if (s.status().code() != ErrorCode::kNotFound) return s.status();
  return Defaults(account);
}

Result<std::string> RenderText(std::string_view source, const liquid::Context& ctx,
                               liquid::Escape escape) {
  auto tpl = liquid::Parse(source);
  if (!tpl.ok()) return tpl.status();
  liquid::RenderOptions ro;
  ro.escape = escape;
  return tpl->Render(ctx, ro);
}

json::object RuleVia(const rules::Effect& e) {
  return json::object{
      {"channel", "rule"},
      {"source", json::object{{"from", json::object{{"id", e.rule_id}, {"title", e.rule_title}}},
                              {"rel", "trigger"}}}};
}

}  // namespace

const char* DeliveryService::DefaultHtmlTemplate() { return kDefaultHtml; }
const char* DeliveryService::DefaultTextTemplate() { return kDefaultText; }

DeliveryService::DeliveryService(ServiceEnv env, JobQueue& queue, DeliveryOptions options)
    : env_(env), queue_(queue), options_(std::move(options)) {}

void DeliveryService::RegisterHandlers() {
  queue_.Register("email", [this](const JobLease& l) { return HandleEmail(l); });
  queue_.Register("webhook", [this](const JobLease& l) { return HandleWebhook(l); });
  queue_.Register("target", [this](const JobLease& l) { return HandleTarget(l); });
}

Status DeliveryService::Postpone(const JobLease& lease, Timestamp until, std::string reason) {
  lease.PostponeUntil(until, std::move(reason));
  return Status::Ok();
}

// --- webhooks ---

Result<storage::Page<storage::Webhook>> DeliveryService::ListWebhooks(
    const Context& ctx, const storage::WebhookFilter& filter, const storage::PageRequest& page) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  Result<storage::Page<storage::Webhook>> out = Internal("not run");
  Status st = env_.store.Read([&](Transaction& tx) -> Status {
    out = tx.delivery().ListWebhooks(ctx.account(), filter, page);
    return out.status();
  });
  if (!st.ok()) return st;
  return out;
}

Result<storage::Webhook> DeliveryService::GetWebhook(const Context& ctx, std::int64_t id) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  Result<storage::Webhook> out = Internal("not run");
  Status st = env_.store.Read([&](Transaction& tx) -> Status {
    out = tx.delivery().GetWebhook(ctx.account(), id);
    return out.status();
  });
  if (!st.ok()) return st;
  return out;
}

Result<storage::Webhook> DeliveryService::CreateWebhook(const Context& ctx,
                                                        const json::object& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  storage::Webhook w;
  w.account_id = ctx.account();
  w.status.clear();
  COMPTOIR_RETURN_IF_ERROR(ApplyWebhook(in, w, true));
  w.signing_secret = NewSecret();
  w.created_by = ctx.actor.user_id;
  w.updated_by = ctx.actor.user_id;
  w.created_at = w.updated_at = env_.clock.Now();
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto id = tx.delivery().InsertWebhook(w);
    if (!id.ok()) return id.status();
    w.id = *id;
    return RecordAudit(tx, ctx, w.created_at, "webhook", w.id, w.name, "create", "Webhook created");
  });
  if (!st.ok()) return st;
  return w;
}

Result<storage::Webhook> DeliveryService::UpdateWebhook(const Context& ctx, std::int64_t id,
                                                        const json::object& in, bool patch) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  Result<storage::Webhook> out = Internal("not run");
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto w = tx.delivery().GetWebhook(ctx.account(), id);
    if (!w.ok()) return w.status();
    COMPTOIR_RETURN_IF_ERROR(ApplyWebhook(in, *w, !patch));
    w->updated_by = ctx.actor.user_id;
    w->updated_at = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(tx.delivery().UpdateWebhook(*w));
    COMPTOIR_RETURN_IF_ERROR(RecordAudit(tx, ctx, w->updated_at, "webhook", w->id, w->name,
                                         "update", "Webhook updated"));
    out = std::move(w);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Status DeliveryService::DeleteWebhook(const Context& ctx, std::int64_t id) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  return env_.store.Write([&](Transaction& tx) -> Status {
    auto w = tx.delivery().GetWebhook(ctx.account(), id);
    if (!w.ok()) return w.status();
    COMPTOIR_RETURN_IF_ERROR(tx.delivery().DeleteWebhook(ctx.account(), id));
    return RecordAudit(tx, ctx, env_.clock.Now(), "webhook", id, w->name, "destroy",
                       "Webhook deleted");
  });
}

Result<std::string> DeliveryService::SigningSecret(const Context& ctx, std::int64_t id,
                                                   bool reset) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  std::string secret;
  auto fn = [&](Transaction& tx) -> Status {
    auto w = tx.delivery().GetWebhook(ctx.account(), id);
    if (!w.ok()) return w.status();
    if (reset) {
      w->signing_secret = NewSecret();
      w->updated_at = env_.clock.Now();
      w->updated_by = ctx.actor.user_id;
      COMPTOIR_RETURN_IF_ERROR(tx.delivery().UpdateWebhook(*w));
      COMPTOIR_RETURN_IF_ERROR(RecordAudit(tx, ctx, w->updated_at, "webhook", id, w->name, "update",
                                           "Webhook signing secret reset"));
    }
    secret = w->signing_secret;
    return Status::Ok();
  };
  Status st = reset ? env_.store.Write(fn) : env_.store.Read(fn);
  if (!st.ok()) return st;
  return secret;
}

Result<WebhookTestResult> DeliveryService::TestWebhook(const Context& ctx,
                                                       const json::object& request,
                                                       std::int64_t webhook_id) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  storage::Webhook w;
  if (webhook_id != 0) {
    auto stored = GetWebhook(ctx, webhook_id);
    if (!stored.ok()) return stored.status();
    w = *stored;
    w.id = 0;  // a test is no invocation of the webhook
  } else {
    w.http_method = "POST";
    w.request_format = "json";
  }
  json::object fields = request;
  if (!fields.contains("name")) fields["name"] = w.name.empty() ? "test" : w.name;
  if (webhook_id != 0 && !fields.contains("endpoint")) fields["endpoint"] = w.endpoint;
  COMPTOIR_RETURN_IF_ERROR(ApplyWebhook(fields, w, webhook_id == 0));
  if (webhook_id == 0) w.signing_secret.clear();
  std::string payload;
  if (const json::value* p = request.if_contains("payload"); p != nullptr) {
    payload = p->is_string() ? std::string(p->as_string()) : json::serialize(*p);
  }
  webhooks::Request r = BuildRequest(w, payload, env_.clock.Now(), 0, options_);
  if (const json::value* h = request.if_contains("headers"); h != nullptr && h->is_array()) {
    for (const auto& e : h->as_array()) {
      if (!e.is_object()) continue;
      std::string k = Str(e.as_object(), "key");
      std::string val = Str(e.as_object(), "value");
      if (ValidHeaderName(k) && !ReservedHeader(k) && ValidHeaderValue(val)) {
        r.headers.emplace_back(k, val);
      }
    }
  }
  webhooks::Response res = webhooks::Perform(r);
  WebhookTestResult out;
  if (!res.transport_ok) {
    out.status = res.timed_out ? 504 : 502;
    out.body = res.error;
    return out;
  }
  out.status = res.status;
  out.headers = res.headers;
  out.body = res.body;
  return out;
}

Result<storage::Page<storage::WebhookInvocation>> DeliveryService::ListInvocations(
    const Context& ctx, std::int64_t webhook_id, const storage::PageRequest& page) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  Result<storage::Page<storage::WebhookInvocation>> out = Internal("not run");
  Status st = env_.store.Read([&](Transaction& tx) -> Status {
    auto w = tx.delivery().GetWebhook(ctx.account(), webhook_id);
    if (!w.ok()) return w.status();
    out = tx.delivery().ListInvocations(ctx.account(), webhook_id, page);
    return out.status();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<storage::WebhookAttempt>> DeliveryService::ListAttempts(
    const Context& ctx, std::int64_t webhook_id, std::int64_t invocation_id) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  Result<std::vector<storage::WebhookAttempt>> out = Internal("not run");
  Status st = env_.store.Read([&](Transaction& tx) -> Status {
    auto inv = tx.delivery().GetInvocation(ctx.account(), invocation_id);
    if (!inv.ok()) return inv.status();
    if (inv->webhook_id != webhook_id) return NotFound();
    out = tx.delivery().ListAttempts(ctx.account(), invocation_id);
    return out.status();
  });
  if (!st.ok()) return st;
  return out;
}

Status DeliveryService::EnqueueWebhook(Transaction& tx, AccountId account, std::int64_t webhook_id,
                                       const std::string& body, const json::object& source,
                                       const std::string& idempotency_key) {
  const Timestamp now = env_.clock.Now();
  storage::WebhookInvocation inv;
  inv.account_id = account;
  inv.webhook_id = webhook_id;
  inv.source = json::serialize(source);
  inv.status = "pending";
  inv.created_at = inv.updated_at = now;
  auto id = tx.delivery().InsertInvocation(inv);
  if (!id.ok()) return id.status();
  JobQueue::NewJob job;
  job.account = account;
  job.kind = "webhook";
  job.payload = json::serialize(
      json::object{{"webhook_id", webhook_id}, {"invocation_id", *id}, {"body", body}});
  job.idempotency_key = idempotency_key;
  job.max_attempts = options_.webhook_max_attempts;
  return queue_.Enqueue(tx, job);
}

Status DeliveryService::HandleWebhook(const JobLease& lease) {
  const storage::QueuedJob& job = lease.job();
  json::object p = ParseObject(job.payload);
  const std::int64_t webhook_id = Int(p, "webhook_id");
  const std::int64_t invocation_id = Int(p, "invocation_id");
  const std::string body = Str(p, "body");
  const AccountId account = job.account_id;
  Timestamp now = env_.clock.Now();

  // Load, check the circuit, claim the half-open probe.
  storage::Webhook w;
  bool gone = false;
  Timestamp open_until = 0;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto found = tx.delivery().GetWebhook(account, webhook_id);
    if (!found.ok() && found.status().code() == ErrorCode::kNotFound) {
      gone = true;
      return Status::Ok();
    }
    if (!found.ok()) return found.status();
    w = *found;
    if (w.circuit_open_until > now) {
      open_until = w.circuit_open_until;
      return Status::Ok();
    }
    if (w.circuit_open_until != 0) {
      // Half-open: this job is the probe; others wait one more cool-down.
      COMPTOIR_RETURN_IF_ERROR(tx.delivery().SetWebhookCircuit(
          account, webhook_id, w.consecutive_failures,
          now + static_cast<Timestamp>(options_.circuit_cooldown.count())));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (gone) return Status::Ok();  // deleted since: nothing to deliver
  if (open_until != 0) return Postpone(lease, open_until, "circuit open");
  if (w.status != "active") {
    return env_.store.Write([&](Transaction& tx) -> Status {
      auto inv = tx.delivery().GetInvocation(account, invocation_id);
      if (!inv.ok()) return Status::Ok();
      inv->status = "skipped";
      inv->updated_at = now;
      return tx.delivery().UpdateInvocation(*inv);
    });
  }
  // One delivery per webhook at a time on this node.
  const auto key = std::make_pair(account.value, webhook_id);
  {
    std::lock_guard lock(busy_mu_);
    if (busy_webhooks_.count(key) != 0) return Postpone(lease, now + 1, "endpoint busy");
    busy_webhooks_.insert(key);
  }
  // Released once the outcome (and the circuit) is written, so that the next delivery
  // sees it.
  struct Release {
    DeliveryService* self;
    std::pair<std::int64_t, std::int64_t> key;
    ~Release() {
      std::lock_guard lock(self->busy_mu_);
      self->busy_webhooks_.erase(key);
    }
  } release{this, key};
  const webhooks::Response res =
      webhooks::Perform(BuildRequest(w, body, now, invocation_id, options_));
  now = env_.clock.Now();
  const bool ok = res.success();
  const bool last = job.attempts >= job.max_attempts;
  st = env_.store.Write([&](Transaction& tx) -> Status {
    COMPTOIR_RETURN_IF_ERROR(lease.Check(tx));
    storage::WebhookAttempt a;
    a.account_id = account;
    a.invocation_id = invocation_id;
    a.status = ok ? "success" : (res.timed_out ? "timed_out" : "failed");
    a.status_code = res.status;
    a.duration_ms = res.duration_ms;
    a.response = ResponseJson(res);
    a.created_at = now;
    COMPTOIR_RETURN_IF_ERROR(tx.delivery().InsertAttempt(a).status());
    if (auto inv = tx.delivery().GetInvocation(account, invocation_id); inv.ok()) {
      inv->status = ok ? "success" : (last ? "failed" : "pending_retry");
      inv->latest_status_code = res.status;
      inv->updated_at = now;
      COMPTOIR_RETURN_IF_ERROR(tx.delivery().UpdateInvocation(*inv));
    }
    // The circuit: read again (other nodes deliver too).
    auto cur = tx.delivery().GetWebhook(account, webhook_id);
    if (!cur.ok()) return Status::Ok();
    if (ok) return tx.delivery().SetWebhookCircuit(account, webhook_id, 0, 0);
    const int failures = cur->consecutive_failures + 1;
    Timestamp until = cur->circuit_open_until;
    if (failures >= options_.circuit_failures) {
      until = now + static_cast<Timestamp>(options_.circuit_cooldown.count());
      if (cur->circuit_open_until <= now) {
        log::Warn("webhook circuit opened",
                  {{"webhook", webhook_id}, {"failures", failures}, {"until", until}});
      }
    }
    return tx.delivery().SetWebhookCircuit(account, webhook_id, failures, until);
  });
  if (!st.ok()) return st;
  if (ok) return Status::Ok();
  std::string why = res.transport_ok ? "HTTP " + std::to_string(res.status) : res.error;
  return Status(ErrorCode::kUnavailable, "webhook delivery failed: " + why, "DeliveryFailed");
}

// --- targets ---

namespace {

Status ApplyTarget(const json::object& in, storage::Target& t, bool creating) {
  Validation v;
  if (creating) {
    std::string type = Str(in, "type");
    if (type == "url_target_v2") type = "http_target";
    if (type != "http_target" && type != "email_target") {
      v.Add("type", "InvalidValue", "type: must be http_target, url_target_v2 or email_target");
    }
    t.type = type;
  }
  if (creating || in.contains("title")) {
    std::string title = Trim(Str(in, "title"));
    if (title.empty()) v.Add("title", "BlankValue", "title: cannot be blank");
    t.title = title;
  }
  if (in.contains("active")) {
    if (!in.at("active").is_bool()) {
      v.Add("active", "InvalidValue", "active: must be true or false");
    } else {
      t.active = in.at("active").as_bool();
    }
  }
  json::object cfg = ParseObject(t.config);
  for (const char* k : {"target_url", "method", "content_type", "username", "password", "email",
                        "subject", "attribute"}) {
    if (in.contains(k)) {
      const json::value& val = in.at(k);
      if (!val.is_string() && !val.is_null()) {
        v.Add(k, "InvalidValue", std::string(k) + ": must be a string");
      } else {
        cfg[k] = val.is_null() ? json::string() : val.as_string();
      }
    }
  }
  if (t.type == "http_target") {
    if (!webhooks::ValidHttpUrl(Str(cfg, "target_url"))) {
      v.Add("target_url", "InvalidValue", "target_url: must be an absolute http or https URL");
    }
    std::string m = Lower(Str(cfg, "method").empty() ? "post" : Str(cfg, "method"));
    if (m != "get" && m != "post" && m != "put" && m != "patch" && m != "delete") {
      v.Add("method", "InvalidValue", "method: must be get, post, put, patch or delete");
    }
    cfg["method"] = m;
    std::string ct =
        Str(cfg, "content_type").empty() ? "application/json" : Str(cfg, "content_type");
    if (ct != "application/json" && ct != "application/xml" &&
        ct != "application/x-www-form-urlencoded") {
      v.Add("content_type", "InvalidValue",
            "content_type: must be application/json, application/xml or "
            "application/x-www-form-urlencoded");
    }
    cfg["content_type"] = ct;
  } else if (t.type == "email_target") {
    if (!mail::ValidEmail(Str(cfg, "email"))) {
      v.Add("email", "InvalidValue", "email: is not a valid address");
    }
  }
  t.config = json::serialize(cfg);
  return v.Finish();
}

}  // namespace

Result<std::vector<storage::Target>> DeliveryService::ListTargets(const Context& ctx) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  Result<std::vector<storage::Target>> out = Internal("not run");
  Status st = env_.store.Read([&](Transaction& tx) -> Status {
    out = tx.delivery().ListTargets(ctx.account());
    return out.status();
  });
  if (!st.ok()) return st;
  return out;
}

Result<storage::Target> DeliveryService::GetTarget(const Context& ctx, std::int64_t id) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  Result<storage::Target> out = Internal("not run");
  Status st = env_.store.Read([&](Transaction& tx) -> Status {
    out = tx.delivery().GetTarget(ctx.account(), id);
    return out.status();
  });
  if (!st.ok()) return st;
  return out;
}

Result<storage::Target> DeliveryService::CreateTarget(const Context& ctx, const json::object& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  storage::Target t;
  t.account_id = ctx.account();
  COMPTOIR_RETURN_IF_ERROR(ApplyTarget(in, t, true));
  t.created_at = env_.clock.Now();
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto id = tx.delivery().InsertTarget(t);
    if (!id.ok()) return id.status();
    t.id = *id;
    return RecordAudit(tx, ctx, t.created_at, "target", t.id, t.title, "create", "Target created");
  });
  if (!st.ok()) return st;
  return t;
}

Result<storage::Target> DeliveryService::UpdateTarget(const Context& ctx, std::int64_t id,
                                                      const json::object& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  Result<storage::Target> out = Internal("not run");
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto t = tx.delivery().GetTarget(ctx.account(), id);
    if (!t.ok()) return t.status();
    COMPTOIR_RETURN_IF_ERROR(ApplyTarget(in, *t, false));
    COMPTOIR_RETURN_IF_ERROR(tx.delivery().UpdateTarget(*t));
    COMPTOIR_RETURN_IF_ERROR(
        RecordAudit(tx, ctx, env_.clock.Now(), "target", id, t->title, "update", "Target updated"));
    out = std::move(t);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Status DeliveryService::DeleteTarget(const Context& ctx, std::int64_t id) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  return env_.store.Write([&](Transaction& tx) -> Status {
    auto t = tx.delivery().GetTarget(ctx.account(), id);
    if (!t.ok()) return t.status();
    COMPTOIR_RETURN_IF_ERROR(tx.delivery().DeleteTarget(ctx.account(), id));
    return RecordAudit(tx, ctx, env_.clock.Now(), "target", id, t->title, "destroy",
                       "Target deleted");
  });
}

Result<std::vector<storage::TargetFailure>> DeliveryService::ListTargetFailures(
    const Context& ctx) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  Result<std::vector<storage::TargetFailure>> out = Internal("not run");
  Status st = env_.store.Read([&](Transaction& tx) -> Status {
    out = tx.delivery().ListTargetFailures(ctx.account(), 100);
    return out.status();
  });
  if (!st.ok()) return st;
  return out;
}

Result<storage::TargetFailure> DeliveryService::GetTargetFailure(const Context& ctx,
                                                                 std::int64_t id) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  Result<storage::TargetFailure> out = Internal("not run");
  Status st = env_.store.Read([&](Transaction& tx) -> Status {
    out = tx.delivery().GetTargetFailure(ctx.account(), id);
    return out.status();
  });
  if (!st.ok()) return st;
  return out;
}

Status DeliveryService::HandleTarget(const JobLease& lease) {
  const storage::QueuedJob& job = lease.job();
  json::object p = ParseObject(job.payload);
  const AccountId account = job.account_id;
  storage::Target t;
  bool gone = false;
  Status st = env_.store.Read([&](Transaction& tx) -> Status {
    auto found = tx.delivery().GetTarget(account, Int(p, "target_id"));
    if (!found.ok() && found.status().code() == ErrorCode::kNotFound) {
      gone = true;
      return Status::Ok();
    }
    if (!found.ok()) return found.status();
    t = *found;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (gone || !t.active) return Status::Ok();
  json::object cfg = ParseObject(t.config);
  const std::string message = Str(p, "body");
  if (t.type == "email_target") {
    // Sent as an e-mail job of its own (same retry rules as notifications).
    return env_.store.Write([&](Transaction& tx) -> Status {
      COMPTOIR_RETURN_IF_ERROR(lease.Check(tx));
      json::object mail{
          {"to_email", Str(cfg, "email")},
          {"subject", Str(p, "subject").empty() ? Str(cfg, "subject") : Str(p, "subject")},
          {"text", message},
          {"html", NewlinesToBr(html::EscapeHtml(message))},
          {"ticket_id", Int(p, "ticket_id")}};
      return EnqueueEmail(tx, account, mail, job.idempotency_key + ":email");
    });
  }
  webhooks::Request r;
  std::string method = Str(cfg, "method");
  for (char& ch : method) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  r.method = method.empty() ? "POST" : method;
  r.url = Str(cfg, "target_url");
  r.connect_timeout = options_.webhook_connect_timeout;
  r.total_timeout = options_.webhook_timeout;
  if (r.method == "GET" || r.method == "DELETE") {
    if (!message.empty()) r.url += (r.url.find('?') == std::string::npos ? "?" : "&") + message;
  } else {
    r.body = message;
    r.headers.emplace_back("Content-Type", Str(cfg, "content_type"));
  }
  if (!Str(cfg, "username").empty()) {
    r.headers.emplace_back(
        "Authorization",
        "Basic " + crypto::Base64Encode(Str(cfg, "username") + ":" + Str(cfg, "password")));
  }
  r.user_agent = "Comptoir Target";
  webhooks::Response res = webhooks::Perform(r);
  if (res.success()) return Status::Ok();
  (void)env_.store.Write([&](Transaction& tx) -> Status {
    storage::TargetFailure f;
    f.account_id = account;
    f.target_id = t.id;
    f.status_code = res.status;
    f.raw_request = r.method + " " + r.url + "\n\n" + r.body.substr(0, 4096);
    f.raw_response = res.transport_ok ? res.body : res.error;
    f.created_at = env_.clock.Now();
    return tx.delivery().InsertTargetFailure(f).status();
  });
  return Status(ErrorCode::kUnavailable,
                "target delivery failed: " +
                    (res.transport_ok ? "HTTP " + std::to_string(res.status) : res.error),
                "DeliveryFailed");
}

// --- e-mail ---

Result<storage::EmailSettings> DeliveryService::GetEmailSettings(const Context& ctx) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  Result<storage::EmailSettings> out = Internal("not run");
  Status st = env_.store.Read([&](Transaction& tx) -> Status {
    out = LoadSettings(tx, ctx.account());
    return out.status();
  });
  if (!st.ok()) return st;
  return out;
}

Result<storage::EmailSettings> DeliveryService::UpdateEmailSettings(const Context& ctx,
                                                                    const json::object& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  Result<storage::EmailSettings> out = Internal("not run");
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto cur = LoadSettings(tx, ctx.account());
    if (!cur.ok()) return cur.status();
    storage::EmailSettings s = *cur;
    Validation v;
    auto text = [&](const char* key, std::string& field) {
      if (!in.contains(key)) return;
      const json::value& val = in.at(key);
      if (val.is_null()) {
        field.clear();
      } else if (!val.is_string()) {
        v.Add(key, "InvalidValue", std::string(key) + ": must be a string");
      } else {
        field = std::string(val.as_string());
      }
    };
    text("smtp_host", s.smtp_host);
    s.smtp_host = Trim(s.smtp_host);
    for (char ch : s.smtp_host) {
      if (std::isspace(static_cast<unsigned char>(ch)) || ch == '/' || ch == '@') {
        v.Add("smtp_host", "InvalidValue", "smtp_host: must be a host name or an address");
        break;
      }
    }
    if (in.contains("smtp_port")) {
      const json::value& port = in.at("smtp_port");
      if (!port.is_int64() || port.as_int64() < 1 || port.as_int64() > 65535) {
        v.Add("smtp_port", "InvalidValue", "smtp_port: must be a number from 1 to 65535");
      } else {
        s.smtp_port = static_cast<int>(port.as_int64());
      }
    }
    if (in.contains("security")) {
      std::string sec = Str(in, "security");
      if (sec != "none" && sec != "starttls" && sec != "tls") {
        v.Add("security", "InvalidValue", "security: must be none, starttls or tls");
      } else {
        s.security = sec;
      }
    }
    text("username", s.username);
    text("password", s.password);
    text("support_address", s.support_address);
    s.support_address = Lower(Trim(s.support_address));
    if (!s.support_address.empty() && !mail::ValidEmail(s.support_address)) {
      v.Add("support_address", "InvalidValue", "support_address: is not a valid address");
    }
    text("from_name", s.from_name);
    text("html_template", s.html_template);
    text("text_template", s.text_template);
    if (s.html_template.empty()) s.html_template = kDefaultHtml;
    if (s.text_template.empty()) s.text_template = kDefaultText;
    for (auto [key, src] : {std::pair{"html_template", &s.html_template},
                            std::pair{"text_template", &s.text_template}}) {
      auto parsed = liquid::Parse(*src);
      if (!parsed.ok()) {
        v.Add(key, "InvalidValue", std::string(key) + ": " + parsed.status().message());
      } else if (src->find("content") == std::string::npos) {
        v.Add(key, "InvalidValue", std::string(key) + ": must contain the {{content}} placeholder");
      }
    }
    COMPTOIR_RETURN_IF_ERROR(v.Finish());
    s.account_id = ctx.account();
    s.updated_at = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(tx.delivery().PutEmailSettings(s));
    // Never the password in the audit log.
    COMPTOIR_RETURN_IF_ERROR(RecordAudit(tx, ctx, s.updated_at, "account_setting", 0,
                                         "Email settings", "update", "Email settings updated"));
    out = s;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Status DeliveryService::EnqueueEmail(Transaction& tx, AccountId account, const json::object& mail,
                                     const std::string& idempotency_key) {
  JobQueue::NewJob job;
  job.account = account;
  job.kind = "email";
  json::object payload = mail;
  // The Message-ID is fixed at enqueue time: a retry after a send whose completion was
  // lost sends the same message again, which receivers can recognise.
  payload["message_token"] = crypto::Sha256Hex(idempotency_key).substr(0, 20);
  job.payload = json::serialize(payload);
  job.idempotency_key = idempotency_key;
  job.max_attempts = options_.email_max_attempts;
  return queue_.Enqueue(tx, job);
}

Status DeliveryService::HandleEmail(const JobLease& lease) {
  return SendEmail(lease, ParseObject(lease.job().payload));
}

Status DeliveryService::SendEmail(const JobLease& lease, const json::object& p) {
  const storage::QueuedJob& job = lease.job();
  const AccountId account = job.account_id;
  const TicketId ticket_id(Int(p, "ticket_id"));
  storage::EmailSettings settings;
  storage::Account acct;
  std::string to_email = Lower(Trim(Str(p, "to_email")));
  std::string to_name;
  std::string skip;
  std::vector<storage::SentEmail> earlier;
  Status st = env_.store.Read([&](Transaction& tx) -> Status {
    auto s = LoadSettings(tx, account);
    if (!s.ok()) return s.status();
    settings = *s;
    auto a = tx.accounts().Get(account);
    if (!a.ok()) return a.status();
    acct = *a;
    if (const std::int64_t uid = Int(p, "to_user_id"); uid != 0) {
      auto u = tx.users().Get(account, UserId(uid));
      if (!u.ok() && u.status().code() == ErrorCode::kNotFound) {
        skip = "the recipient no longer exists";
        return Status::Ok();
      }
      if (!u.ok()) return u.status();
      if (u->suspended || !u->active) skip = "the recipient is suspended or inactive";
      to_email = Lower(u->email);
      to_name = u->name;
    }
    if (ticket_id) {
      auto list = tx.delivery().ListSentEmails(account, ticket_id, 50);
      if (!list.ok()) return list.status();
      earlier = std::move(*list);
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (skip.empty() && !mail::ValidEmail(to_email)) skip = "the recipient has no valid address";
  if (skip.empty() && !settings.support_address.empty() && to_email == settings.support_address) {
    skip = "the recipient is the support address (mail loop)";
  }
  if (!skip.empty()) {
    log::Info("email not sent", {{"job", job.id}, {"reason", skip}});
    return Status::Ok();
  }
  const Timestamp now = env_.clock.Now();
  if (settings.smtp_host.empty()) {
    return Postpone(lease, now + static_cast<Timestamp>(options_.smtp_unconfigured_wait.count()),
                    "no SMTP server configured");
  }
  // Wrap the content in the account's templates.
  const std::string footer =
      acct.name.empty() ? std::string("Comptoir") : acct.name + " (Comptoir)";
  liquid::Context text_ctx(json::object{{"content", Str(p, "text")}, {"footer", footer}});
  liquid::Context html_ctx(json::object{{"content", Str(p, "html")}, {"footer", footer}});
  html_ctx.MarkHtmlSafe("content");
  auto text = RenderText(settings.text_template, text_ctx, liquid::Escape::kNone);
  auto html = RenderText(settings.html_template, html_ctx, liquid::Escape::kHtml);
  if (!text.ok()) text = Str(p, "text");
  if (!html.ok()) html = Str(p, "html");

  const std::string domain = MessageDomain(settings, options_.placeholders);
  mail::Message m;
  m.date = now;
  std::string from_address =
      settings.support_address.empty() ? "support@" + domain : settings.support_address;
  m.from = {settings.from_name.empty() ? acct.name : settings.from_name, from_address};
  m.reply_to = {m.from.name, from_address};
  m.to.push_back({to_name, to_email});
  m.subject = Str(p, "subject");
  m.text = *text;
  m.html = Str(p, "html").empty() ? std::string() : *html;
  const std::string token = Str(p, "message_token");
  m.message_id = ticket_id
                     ? "comptoir.t" + std::to_string(ticket_id.value) + "." + token + "@" + domain
                     : "comptoir." + token + "@" + domain;
  for (const auto& e : earlier) {
    if (e.message_id != m.message_id) m.references.push_back(e.message_id);
  }
  if (!m.references.empty()) m.in_reply_to = m.references.back();
  if (ticket_id) m.headers.emplace_back("X-Comptoir-Ticket-Id", std::to_string(ticket_id.value));
  m.headers.emplace_back("Auto-Submitted", "auto-generated");

  mail::SmtpServer server;
  server.host = settings.smtp_host;
  server.port = settings.smtp_port;
  server.security = settings.security == "tls"        ? mail::Security::kTls
                    : settings.security == "starttls" ? mail::Security::kStartTls
                                                      : mail::Security::kNone;
  server.username = settings.username;
  server.password = settings.password;
  server.connect_timeout = options_.smtp_connect_timeout;
  server.total_timeout = options_.smtp_timeout;
  server.verify_peer = options_.smtp_verify_peer;
  server.helo_domain = domain;
  const mail::SendResult sent = mail::Send(server, from_address, {to_email}, mail::Compose(m));
  if (sent.kind == mail::SendResult::Kind::kTemporary) {
    return Status(ErrorCode::kUnavailable, "SMTP: " + sent.message, "DeliveryFailed");
  }
  return env_.store.Write([&](Transaction& tx) -> Status {
    COMPTOIR_RETURN_IF_ERROR(lease.Check(tx));
    if (sent.ok()) {
      if (!ticket_id) return Status::Ok();
      storage::SentEmail e;
      e.account_id = account;
      e.ticket_id = ticket_id;
      e.message_id = m.message_id;
      e.recipient = to_email;
      e.subject = m.subject;
      e.created_at = env_.clock.Now();
      return tx.delivery().RecordSentEmail(e);
    }
    // Refused for good: the ticket's audits show it; the job is done.
    log::Warn("email refused", {{"job", job.id}, {"error", sent.message}});
    if (!ticket_id) return Status::Ok();
    auto t = tx.tickets().Get(account, ticket_id);
    if (!t.ok()) return Status::Ok();
    domain::Audit a;
    a.account_id = account;
    a.ticket_id = ticket_id;
    a.author_id = UserId(-1);
    a.via_channel = "system";
    a.created_at = env_.clock.Now();
    a.events.push_back(json::object{{"type", "DeliveryFailure"},
                                    {"recipient", to_email},
                                    {"subject", m.subject},
                                    {"smtp_code", sent.smtp_code},
                                    {"error", sent.message}});
    return tx.audits().Insert(a).status();
  });
}

// --- broadcasts ---

Result<storage::Broadcast> DeliveryService::CreateBroadcast(
    const Context& ctx, const std::string& subject, const std::string& message,
    const std::vector<std::int64_t>& group_ids) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  Validation v;
  std::string subj = Trim(subject);
  if (subj.empty()) subj = "Message from your administrator";
  if (subj.size() > 255) v.Add("subject", "InvalidValue", "subject: is too long");
  if (Trim(message).empty()) v.Add("message", "BlankValue", "message: cannot be blank");
  COMPTOIR_RETURN_IF_ERROR(v.Finish());
  storage::Broadcast b;
  b.account_id = ctx.account();
  b.author_id = ctx.actor.user_id;
  b.subject = subj;
  b.message = message;
  b.group_ids = group_ids;
  b.created_at = env_.clock.Now();
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    std::vector<UserId> recipients;
    std::set<std::int64_t> seen;
    auto collect = [&](GroupId group) -> Status {
      storage::UserFilter f;
      f.roles = {domain::Role::kAgent, domain::Role::kAdmin};
      f.include_inactive = false;
      f.group_id = group;
      storage::PageRequest page;
      page.cursor = true;
      page.limit = 1000;
      for (;;) {
        auto list = tx.users().List(ctx.account(), f, page);
        if (!list.ok()) return list.status();
        for (const auto& u : list->items) {
          if (u.active && !u.suspended && seen.insert(u.id.value).second) {
            recipients.push_back(u.id);
          }
        }
        if (!list->has_more || list->items.empty()) break;
        page.after_id = list->items.back().id.value;
      }
      return Status::Ok();
    };
    if (group_ids.empty()) {
      COMPTOIR_RETURN_IF_ERROR(collect(GroupId()));
    } else {
      for (auto g : group_ids) {
        auto group = tx.groups().Get(ctx.account(), GroupId(g));
        if (!group.ok() || group->deleted) {
          return Invalid("group_ids", "InvalidValue",
                         "group_ids: group " + std::to_string(g) + " does not exist");
        }
        COMPTOIR_RETURN_IF_ERROR(collect(GroupId(g)));
      }
    }
    auto id = tx.delivery().InsertBroadcast(b, recipients);
    if (!id.ok()) return id.status();
    b.id = *id;
    // Live: the account's agents hear of it at once (ids only; each reads its own list).
    tx.Publish(json::serialize(json::object{
        {"type", "broadcast"}, {"account_id", ctx.account().value}, {"broadcast_id", b.id}}));
    const std::string html = NewlinesToBr(html::EscapeHtml(message));
    for (UserId u : recipients) {
      json::object mail{
          {"to_user_id", u.value}, {"subject", b.subject}, {"text", message}, {"html", html}};
      COMPTOIR_RETURN_IF_ERROR(
          EnqueueEmail(tx, ctx.account(), mail,
                       "broadcast:" + std::to_string(b.id) + ":" + std::to_string(u.value)));
    }
    return RecordAudit(tx, ctx, b.created_at, "agent_broadcast", b.id, b.subject, "create",
                       "Broadcast sent to " + std::to_string(recipients.size()) + " agents");
  });
  if (!st.ok()) return st;
  return b;
}

Result<storage::Page<storage::Broadcast>> DeliveryService::ListBroadcasts(
    const Context& ctx, const storage::PageRequest& page) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  Result<storage::Page<storage::Broadcast>> out = Internal("not run");
  Status st = env_.store.Read([&](Transaction& tx) -> Status {
    out = tx.delivery().ListBroadcastsFor(ctx.account(), ctx.actor.user_id, page);
    return out.status();
  });
  if (!st.ok()) return st;
  return out;
}

Status DeliveryService::MarkBroadcastRead(const Context& ctx, std::int64_t id) {
  if (!ctx.actor.is_staff()) return PermissionDenied();
  return env_.store.Write([&](Transaction& tx) -> Status {
    return tx.delivery().MarkBroadcastRead(ctx.account(), id, ctx.actor.user_id, env_.clock.Now());
  });
}

Result<storage::Page<storage::Broadcast>> DeliveryService::ListAllBroadcasts(
    const Context& ctx, const storage::PageRequest& page) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  Result<storage::Page<storage::Broadcast>> out = Internal("not run");
  Status st = env_.store.Read([&](Transaction& tx) -> Status {
    out = tx.delivery().ListAllBroadcasts(ctx.account(), page);
    return out.status();
  });
  if (!st.ok()) return st;
  return out;
}

Status DeliveryService::DeleteBroadcast(const Context& ctx, std::int64_t id) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  return env_.store.Write([&](Transaction& tx) -> Status {
    auto b = tx.delivery().GetBroadcast(ctx.account(), id);
    if (!b.ok()) return b.status();
    COMPTOIR_RETURN_IF_ERROR(tx.delivery().DeleteBroadcast(ctx.account(), id));
    return RecordAudit(tx, ctx, env_.clock.Now(), "agent_broadcast", id, b->subject, "destroy",
                       "Broadcast deleted");
  });
}

// --- the effect sink ---

Status DeliveryService::ApplyEffects(Transaction& tx, const Context& ctx,
                                     const domain::Ticket& ticket, const domain::Audit& audit,
                                     const std::vector<rules::Effect>& effects,
                                     json::array& audit_events) {
  if (effects.empty()) return Status::Ok();
  const AccountId account = ticket.account_id;
  auto acct = tx.accounts().Get(account);
  if (!acct.ok()) return acct.status();
  auto settings = LoadSettings(tx, account);
  if (!settings.ok()) return settings.status();
  liquid::Context placeholders =
      TicketPlaceholders(tx, *acct, ticket, ctx.actor.user_id, options_.placeholders);
  // The audit's id when it has one; otherwise a token unique to this transaction (a
  // retried transaction rolls its jobs back with it).
  const std::string change =
      "t" + std::to_string(ticket.id.value) + ":" +
      (audit.id ? "a" + std::to_string(audit.id.value) : "r" + crypto::RandomAlnum(12));

  for (std::size_t i = 0; i < effects.size(); ++i) {
    const rules::Effect& e = effects[i];
    const std::string key = change + ":" + std::to_string(i);
    if (e.kind == rules::Effect::Kind::kNotifyUser || e.kind == rules::Effect::Kind::kNotifyGroup) {
      std::vector<UserId> ids;
      auto add_group = [&](GroupId g) -> Status {
        if (!g) return Status::Ok();
        storage::UserFilter f;
        f.roles = {domain::Role::kAgent, domain::Role::kAdmin};
        f.include_inactive = false;
        f.group_id = g;
        storage::PageRequest page;
        page.limit = 1000;
        auto list = tx.users().List(account, f, page);
        if (!list.ok()) return list.status();
        for (const auto& u : list->items) ids.push_back(u.id);
        return Status::Ok();
      };
      const std::string& r = e.recipient;
      if (e.kind == rules::Effect::Kind::kNotifyGroup) {
        GroupId g = r == "group_id" ? ticket.group_id : GroupId(std::atoll(r.c_str()));
        COMPTOIR_RETURN_IF_ERROR(add_group(g));
      } else if (r == "requester_id") {
        ids.push_back(ticket.requester_id);
      } else if (r == "assignee_id") {
        ids.push_back(ticket.assignee_id);
      } else if (r == "current_user") {
        ids.push_back(ctx.actor.user_id);
      } else if (r == "requester_and_ccs") {
        ids.push_back(ticket.requester_id);
        for (auto c : ticket.email_cc_ids) ids.emplace_back(c);
        for (auto c : ticket.collaborator_ids) ids.emplace_back(c);
      } else if (r == "all_agents") {
        storage::UserFilter f;
        f.roles = {domain::Role::kAgent, domain::Role::kAdmin};
        f.include_inactive = false;
        storage::PageRequest page;
        page.limit = 1000;
        auto list = tx.users().List(account, f, page);
        if (!list.ok()) return list.status();
        for (const auto& u : list->items) ids.push_back(u.id);
      } else {
        ids.emplace_back(std::atoll(r.c_str()));
      }
      std::vector<UserId> wanted;
      for (UserId id : ids) {
        if (id.value > 0 && std::find(wanted.begin(), wanted.end(), id) == wanted.end()) {
          wanted.push_back(id);
        }
      }
      auto users = tx.users().GetMany(account, wanted);
      if (!users.ok()) return users.status();
      auto subject = RenderText(e.subject, placeholders, liquid::Escape::kNone);
      auto text = RenderText(e.body, placeholders, liquid::Escape::kNone);
      auto html = RenderText(e.body, placeholders, liquid::Escape::kHtml);
      if (!subject.ok()) return subject.status();
      if (!text.ok()) return text.status();
      if (!html.ok()) return html.status();
      const std::string html_body = NewlinesToBr(*html);
      json::array recipients;
      for (const auto& u : *users) {
        if (u.suspended || !u.active || !mail::ValidEmail(u.email)) continue;
        if (!settings->support_address.empty() && Lower(u.email) == settings->support_address) {
          continue;  // loop guard
        }
        json::object m{{"to_user_id", u.id.value},
                       {"subject", *subject},
                       {"text", *text},
                       {"html", html_body},
                       {"ticket_id", ticket.id.value}};
        COMPTOIR_RETURN_IF_ERROR(
            EnqueueEmail(tx, account, m, "notify:" + key + ":" + std::to_string(u.id.value)));
        recipients.push_back(u.id.value);
      }
      audit_events.push_back(json::object{{"type", "Notification"},
                                          {"subject", *subject},
                                          {"body", *text},
                                          {"recipients", std::move(recipients)},
                                          {"via", RuleVia(e)}});
    } else if (e.kind == rules::Effect::Kind::kWebhook) {
      const std::int64_t wid = std::atoll(e.target_id.c_str());
      auto w = tx.delivery().GetWebhook(account, wid);
      if (!w.ok() && w.status().code() != ErrorCode::kNotFound) return w.status();
      if (!w.ok() || w->status != "active") continue;
      auto body =
          RenderText(e.body, placeholders,
                     w->request_format == "json" ? liquid::Escape::kJson : liquid::Escape::kNone);
      if (!body.ok()) return body.status();
      json::object source{{"event", "ticket"},
                          {"ticket_id", ticket.id.value},
                          {"rule_id", e.rule_id},
                          {"rule_title", e.rule_title}};
      COMPTOIR_RETURN_IF_ERROR(EnqueueWebhook(tx, account, wid, *body, source, "webhook:" + key));
      audit_events.push_back(json::object{{"type", "WebhookNotification"},
                                          {"webhook_id", std::to_string(wid)},
                                          {"body", *body},
                                          {"via", RuleVia(e)}});
    } else if (e.kind == rules::Effect::Kind::kTarget) {
      const std::int64_t tid = std::atoll(e.target_id.c_str());
      auto t = tx.delivery().GetTarget(account, tid);
      if (!t.ok() && t.status().code() != ErrorCode::kNotFound) return t.status();
      if (!t.ok() || !t->active) continue;
      auto body = RenderText(e.body, placeholders, liquid::Escape::kNone);
      auto subject = RenderText(e.subject, placeholders, liquid::Escape::kNone);
      if (!body.ok()) return body.status();
      if (!subject.ok()) return subject.status();
      JobQueue::NewJob job;
      job.account = account;
      job.kind = "target";
      job.payload = json::serialize(json::object{{"target_id", tid},
                                                 {"body", *body},
                                                 {"subject", *subject},
                                                 {"ticket_id", ticket.id.value}});
      job.idempotency_key = "target:" + key;
      job.max_attempts = options_.webhook_max_attempts;
      COMPTOIR_RETURN_IF_ERROR(queue_.Enqueue(tx, job));
      audit_events.push_back(json::object{{"type", "External"},
                                          {"resource", std::to_string(tid)},
                                          {"body", *body},
                                          {"success", "pending"},
                                          {"via", RuleVia(e)}});
    }
  }
  return Status::Ok();
}

}  // namespace comptoir::services
