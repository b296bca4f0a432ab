#include "comptoir/services/ticket_field_service.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <regex>
#include <variant>

#include "comptoir/services/custom_field_service.hpp"

namespace comptoir::services {

namespace json = boost::json;
using domain::TicketField;
using domain::TicketFieldOption;
using domain::TicketForm;
using storage::Transaction;

namespace {

constexpr std::size_t kMaxTitle = 255;
constexpr std::size_t kMaxText = 65536;

std::string Trim(std::string_view raw) {
  std::string s(raw);
  s.erase(0, s.find_first_not_of(" \t\r\n"));
  s.erase(s.find_last_not_of(" \t\r\n") + 1);
  return s;
}

std::string Tag(std::string_view raw) { return CustomFieldService::NormalizeOptionValue(raw); }

bool IsCustomType(std::string_view type) {
  static constexpr std::string_view kTypes[] = {"text",   "textarea", "checkbox",
                                                "date",   "integer",  "decimal",
                                                "regexp", "tagger",   "multiselect"};
  return std::find(std::begin(kTypes), std::end(kTypes), type) != std::end(kTypes);
}

bool HasOptions(std::string_view type) { return type == "tagger" || type == "multiselect"; }

struct SystemField {
  const char* type;
  const char* title;
  const char* description;
  bool in_portal;  // visible, editable and required in the portal
};

constexpr SystemField kSystemFields[] = {
    {"subject", "Subject", "", true},
    {"description", "Description",
     "Please enter the details of your request. A member of our support staff will respond as "
     "soon as possible.",
     true},
    {"status", "Status", "Request status", false},
    {"tickettype", "Type", "Request type", false},
    {"priority", "Priority", "Request priority", false},
    {"group", "Group", "Request group", false},
    {"assignee", "Assignee", "Agent assigned to your request", false},
};

bool MissingDefaults(const std::vector<TicketField>& fields, const std::vector<TicketForm>& forms) {
  if (forms.empty()) return true;
  for (const auto& sf : kSystemFields) {
    if (std::none_of(fields.begin(), fields.end(),
                     [&](const auto& f) { return f.type == sf.type; })) {
      return true;
    }
  }
  return false;
}

Status SeedDefaults(Transaction& tx, AccountId account, Timestamp now) {
  auto fields = tx.ticket_fields().List(account);
  if (!fields.ok()) return fields.status();
  std::vector<std::int64_t> system_ids;
  int position = 0;
  for (const auto& sf : kSystemFields) {
    auto it = std::find_if(fields->begin(), fields->end(),
                           [&](const auto& f) { return f.type == sf.type; });
    if (it != fields->end()) {
      system_ids.push_back(it->id.value);
      ++position;
      continue;
    }
    TicketField f;
    f.account_id = account;
    f.type = sf.type;
    f.title = sf.title;
    f.title_in_portal = sf.title;
    f.description = sf.description;
    f.position = position++;
    f.visible_in_portal = f.editable_in_portal = f.required_in_portal = sf.in_portal;
    f.removable = false;
    f.created_at = f.updated_at = now;
    auto id = tx.ticket_fields().Insert(f);
    if (!id.ok()) return id.status();
    system_ids.push_back(id->value);
  }
  auto forms = tx.ticket_forms().List(account);
  if (!forms.ok()) return forms.status();
  if (!forms->empty()) return Status::Ok();
  TicketForm form;
  form.account_id = account;
  form.name = form.display_name = "Default Ticket Form";
  form.is_default = true;
  form.ticket_field_ids = std::move(system_ids);
  form.created_at = form.updated_at = now;
  auto id = tx.ticket_forms().Insert(form);
  return id.ok() ? Status::Ok() : id.status();
}

template <typename T>
int NextPosition(const std::vector<T>& all) {
  int p = 0;
  for (const auto& x : all) p = std::max(p, x.position + 1);
  return p;
}

std::int64_t MaxOptionId(const std::vector<TicketField>& fields) {
  std::int64_t max = 0;
  for (const auto& f : fields) {
    for (const auto& o : f.options) max = std::max(max, o.id);
  }
  return max;
}

// The field (other than `self`) whose options already use `value`, if any.
const TicketField* OptionValueOwner(const std::vector<TicketField>& fields, TicketFieldId self,
                                    const std::string& value) {
  for (const auto& f : fields) {
    if (f.id == self || !HasOptions(f.type)) continue;
    for (const auto& o : f.options) {
      if (o.value == value) return &f;
    }
  }
  return nullptr;
}

bool SeesField(const domain::Actor& a, const TicketField& f) {
  return a.is_staff() || (f.active && f.visible_in_portal);
}

bool SeesForm(const domain::Actor& a, const TicketForm& f) {
  return a.is_staff() || (f.active && f.end_user_visible);
}

// Puts `items` in the order of `ids` (unlisted ones after, in their order) and saves those
// whose position changed. `label` names the ids in errors.
template <typename T, typename Id, typename Save>
Result<std::vector<T>> ApplyOrder(std::vector<T> all, const std::vector<Id>& ids,
                                  const std::string& label, Timestamp now, Save save) {
  std::vector<T> ordered;
  for (Id id : ids) {
    auto it = std::find_if(all.begin(), all.end(), [&](const auto& x) { return x.id == id; });
    if (it == all.end()) {
      if (std::any_of(ordered.begin(), ordered.end(), [&](const auto& x) { return x.id == id; })) {
        continue;  // listed twice: the first place wins
      }
      return Invalid(label, "InvalidValue", std::to_string(id.value) + " does not exist");
    }
    ordered.push_back(std::move(*it));
    all.erase(it);
  }
  for (auto& rest : all) ordered.push_back(std::move(rest));
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    auto& x = ordered[i];
    if (x.position == static_cast<int>(i)) continue;
    x.position = static_cast<int>(i);
    x.updated_at = now;
    COMPTOIR_RETURN_IF_ERROR(save(x));
  }
  return ordered;
}

// --- ticket values ---

std::optional<std::int64_t> EntryId(const json::value& v) {
  if (v.is_int64() && v.get_int64() > 0) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v.get_uint64());
  }
  if (v.is_string()) {
    const auto& s = v.get_string();
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && p == s.data() + s.size() && n > 0) return n;
  }
  return std::nullopt;
}

bool ValidDate(std::string_view s) {
  static const std::regex kDate("^([0-9]{4})-([0-9]{2})-([0-9]{2})$");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(s.begin(), s.end(), m, kDate)) return false;
  const int y = std::stoi(m[1].str());
  const int mo = std::stoi(m[2].str());
  const int d = std::stoi(m[3].str());
  if (mo < 1 || mo > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d > kDays[mo - 1]) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(mo == 2 && d == 29 && !leap);
}

std::string DoubleText(double d) {
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return ec == std::errc() ? std::string(buf, p) : std::to_string(d);
}

// The value as stored, json null for "no value", or an error message.
std::variant<json::value, std::string> NormalizeValue(const TicketField& f, const json::value& v) {
  using Out = std::variant<json::value, std::string>;
  if (v.is_null()) return Out(json::value(nullptr));
  const std::string& t = f.type;
  if (t == "checkbox") {
    if (v.is_bool()) return Out(v);
    if (v.is_int64() && (v.get_int64() == 0 || v.get_int64() == 1)) {
      return Out(json::value(v.get_int64() == 1));
    }
    if (v.is_string()) {
      const auto& s = v.get_string();
      if (s == "true" || s == "1") return Out(json::value(true));
      if (s == "false" || s == "0" || s.empty()) return Out(json::value(false));
    }
    return Out(std::string("must be true or false"));
  }
  if (t == "multiselect") {
    json::array picked;
    auto add = [&](const json::value& e) -> bool {
      if (!e.is_string()) return false;
      const auto& s = e.get_string();
      if (std::none_of(f.options.begin(), f.options.end(),
                       [&](const auto& o) { return o.value == s; })) {
        return false;
      }
      if (std::find(picked.begin(), picked.end(), e) == picked.end()) picked.push_back(e);
      return true;
    };
    if (v.is_string()) {
      if (v.get_string().empty()) return Out(json::value(nullptr));
      if (!add(v)) return Out(std::string("is not one of the options"));
    } else if (v.is_array()) {
      for (const auto& e : v.get_array()) {
        if (!add(e)) return Out(std::string("each value must be one of the options"));
      }
    } else {
      return Out(std::string("must be a list of option values"));
    }
    if (picked.empty()) return Out(json::value(nullptr));
    return Out(json::value(std::move(picked)));
  }
  std::string s;
  if (v.is_string()) {
    s = std::string(v.get_string());
  } else if (v.is_int64()) {
    s = std::to_string(v.get_int64());
  } else if (v.is_uint64()) {
    s = std::to_string(v.get_uint64());
  } else if (v.is_double() && (t == "decimal" || t == "text" || t == "textarea")) {
    s = DoubleText(v.get_double());
  } else if (t == "integer") {
    return Out(std::string("must be a whole number"));
  } else if (t == "decimal") {
    return Out(std::string("must be a decimal number"));
  } else {
    return Out(std::string("must be text"));
  }
  if (t != "text" && t != "textarea") s = Trim(s);
  if (s.empty()) return Out(json::value(nullptr));
  if (s.size() > kMaxText) return Out(std::string("is too long (maximum is 65536 bytes)"));
  if (t == "integer") {
    static const std::regex kInt("^[+-]?[0-9]{1,18}$");
    if (!std::regex_match(s, kInt)) return Out(std::string("must be a whole number"));
    return Out(json::value(std::to_string(std::stoll(s))));
  }
  if (t == "decimal") {
    static const std::regex kDec("^[+-]?([0-9]{1,15}(\\.[0-9]{0,10})?|\\.[0-9]{1,10})$");
    if (!std::regex_match(s, kDec)) return Out(std::string("must be a decimal number"));
    return Out(json::value(s));
  }
  if (t == "date") {
    if (s.size() > 10 && s[10] == 'T') s.resize(10);
    if (!ValidDate(s)) return Out(std::string("must be a date (YYYY-MM-DD)"));
    return Out(json::value(s));
  }
  if (t == "regexp") {
    try {
      std::regex re(f.regexp_for_validation);
      if (!std::regex_match(s, re)) return Out(std::string("does not match the expected format"));
    } catch (const std::regex_error&) {
      return Out(std::string("has an invalid validation pattern"));
    }
    return Out(json::value(s));
  }
  if (t == "tagger") {
    if (std::none_of(f.options.begin(), f.options.end(),
                     [&](const auto& o) { return o.value == s; })) {
      return Out(std::string("is not one of the options"));
    }
    return Out(json::value(s));
  }
  return Out(json::value(s));  // text, textarea
}

// The tags a field's value puts on the ticket.
std::vector<std::string> ValueTags(const TicketField& f, const json::value* v) {
  std::vector<std::string> out;
  if (v == nullptr || v->is_null()) return out;
  if (f.type == "tagger" && v->is_string()) out.emplace_back(v->get_string());
  if (f.type == "multiselect" && v->is_array()) {
    for (const auto& e : v->get_array()) {
      if (e.is_string()) out.emplace_back(e.get_string());
    }
  }
  if (f.type == "checkbox" && v->is_bool() && v->get_bool() && !f.tag.empty()) {
    out.push_back(f.tag);
  }
  return out;
}

void AddUnique(std::vector<std::string>& to, const std::string& tag) {
  if (std::find(to.begin(), to.end(), tag) == to.end()) to.push_back(tag);
}

}  // namespace

bool TicketFieldService::IsSystemType(std::string_view type) {
  return std::any_of(std::begin(kSystemFields), std::end(kSystemFields),
                     [&](const auto& sf) { return type == sf.type; });
}

Status TicketFieldService::EnsureDefaults(AccountId account) {
  {
    std::lock_guard lock(seeded_mu_);
    if (seeded_.count(account.value) != 0) return Status::Ok();
  }
  bool missing = false;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto fields = tx.ticket_fields().List(account);
    if (!fields.ok()) return fields.status();
    auto forms = tx.ticket_forms().List(account);
    if (!forms.ok()) return forms.status();
    missing = MissingDefaults(*fields, *forms);
    return Status::Ok();
  }));
  if (missing) {
    // Seeding re-reads inside the write, so concurrent first calls create one set.
    COMPTOIR_RETURN_IF_ERROR(env_.store.Write(
        [&](Transaction& tx) { return SeedDefaults(tx, account, env_.clock.Now()); }));
  }
  std::lock_guard lock(seeded_mu_);
  seeded_.insert(account.value);
  return Status::Ok();
}

// --- ticket fields ---

Status TicketFieldService::Apply(Transaction& tx, TicketField& f, const TicketFieldInput& in,
                                 bool creating) {
  Validation v;
  if (creating) {
    std::string type = Trim(in.type.value_or(""));
    if (type.empty()) {
      v.Add("type", "BlankValue", "Type: cannot be blank");
    } else if (!IsCustomType(type)) {
      v.Add("type", "InvalidValue", "Type: " + type + " is not a supported field type");
    }
    f.type = type;
  } else if (in.type && Trim(*in.type) != f.type) {
    v.Add("type", "InvalidValue", "Type: cannot be changed once the field is created");
  }
  if (in.title || creating) {
    std::string title = Trim(in.title.value_or(""));
    if (title.empty()) {
      v.Add("title", "BlankValue", "Title: cannot be blank");
    } else if (title.size() > kMaxTitle) {
      v.Add("title", "InvalidValue", "Title: is too long (maximum is 255 characters)");
    } else {
      f.title = title;
    }
  }
  if (in.title_in_portal) {
    std::string title = Trim(*in.title_in_portal);
    if (title.size() > kMaxTitle) {
      v.Add("title_in_portal", "InvalidValue",
            "Title in portal: is too long (maximum is 255 characters)");
    } else {
      f.title_in_portal = title;
    }
  }
  if (in.description) {
    if (in.description->size() > kMaxText) {
      v.Add("description", "InvalidValue", "Description: is too long");
    } else {
      f.description = *in.description;
    }
  }
  if (in.position) f.position = *in.position;
  if (in.active) f.active = *in.active;
  if (in.required) f.required = *in.required;
  if (in.visible_in_portal) f.visible_in_portal = *in.visible_in_portal;
  if (in.editable_in_portal) f.editable_in_portal = *in.editable_in_portal;
  if (in.required_in_portal) f.required_in_portal = *in.required_in_portal;
  // Required in the portal implies editable there, which implies visible; hiding a field
  // from the portal takes the other two away.
  if (in.visible_in_portal == false) f.editable_in_portal = f.required_in_portal = false;
  if (in.editable_in_portal == false) f.required_in_portal = false;
  if (f.required_in_portal) f.editable_in_portal = true;
  if (f.editable_in_portal) f.visible_in_portal = true;

  CustomFieldService::ApplyRegexp(f.type, in.regexp_for_validation, f.regexp_for_validation, v);

  if (f.type == "checkbox") {
    if (in.tag) f.tag = Tag(*in.tag);
  } else {
    f.tag.clear();
  }

  if (!HasOptions(f.type)) {
    f.options.clear();
    return v.Finish();
  }
  if (in.options || creating) {
    auto all = tx.ticket_fields().List(f.account_id);
    if (!all.ok()) return all.status();
    std::int64_t next_id = std::max(MaxOptionId(*all), MaxOptionId({f})) + 1;
    std::vector<TicketFieldOption> next;
    int defaults = 0;
    const auto& inputs = in.options ? *in.options : std::vector<TicketFieldOptionInput>{};
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const TicketFieldOptionInput& o = inputs[i];
      TicketFieldOption opt;
      opt.name = Trim(o.name);
      opt.value = Tag(o.value);
      opt.position = o.position.value_or(static_cast<int>(i));
      opt.is_default = o.is_default.value_or(false);
      if (opt.name.empty() || opt.value.empty()) {
        v.Add("custom_field_options", "BlankValue",
              "Custom field options: each option needs a name and a value");
        continue;
      }
      if (std::any_of(next.begin(), next.end(),
                      [&](const auto& x) { return x.value == opt.value; })) {
        v.Add("custom_field_options", "DuplicateValue",
              "Custom field options: value " + opt.value + " is used twice");
        continue;
      }
      if (const TicketField* owner = OptionValueOwner(*all, f.id, opt.value)) {
        v.Add("custom_field_options", "DuplicateValue",
              "Custom field options: value " + opt.value + " is already used by the field " +
                  owner->title);
        continue;
      }
      if (opt.is_default) ++defaults;
      auto same = std::find_if(f.options.begin(), f.options.end(), [&](const auto& x) {
        return o.id ? x.id == *o.id : x.value == opt.value;
      });
      opt.id = same != f.options.end() ? same->id : next_id++;
      next.push_back(std::move(opt));
    }
    if (defaults > 1) {
      v.Add("custom_field_options", "InvalidValue",
            "Custom field options: only one option can be the default");
    }
    std::stable_sort(next.begin(), next.end(),
                     [](const auto& a, const auto& b) { return a.position < b.position; });
    f.options = std::move(next);
  }
  if (f.options.empty() && v.empty()) {
    v.Add("custom_field_options", "BlankValue",
          "Custom field options: a " + f.type + " field needs at least one option");
  }
  return v.Finish();
}

Result<std::vector<TicketField>> TicketFieldService::List(const Context& ctx) {
  COMPTOIR_RETURN_IF_ERROR(EnsureDefaults(ctx.account()));
  std::vector<TicketField> out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto all = tx.ticket_fields().List(ctx.account());
    if (!all.ok()) return all.status();
    out.clear();
    for (auto& f : *all) {
      if (SeesField(ctx.actor, f)) out.push_back(std::move(f));
    }
    return Status::Ok();
  }));
  return out;
}

Result<TicketField> TicketFieldService::Get(const Context& ctx, TicketFieldId id) {
  COMPTOIR_RETURN_IF_ERROR(EnsureDefaults(ctx.account()));
  Result<TicketField> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) {
    out = tx.ticket_fields().Get(ctx.account(), id);
    return Status::Ok();
  }));
  if (out.ok() && !SeesField(ctx.actor, *out)) return NotFound();
  return out;
}

Result<TicketField> TicketFieldService::Create(const Context& ctx, const TicketFieldInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  COMPTOIR_RETURN_IF_ERROR(EnsureDefaults(ctx.account()));
  TicketField f;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    f = TicketField();
    f.account_id = ctx.account();
    if (!in.position) {
      auto all = tx.ticket_fields().List(ctx.account());
      if (!all.ok()) return all.status();
      f.position = NextPosition(*all);
    }
    COMPTOIR_RETURN_IF_ERROR(Apply(tx, f, in, /*creating=*/true));
    f.created_at = f.updated_at = env_.clock.Now();
    auto id = tx.ticket_fields().Insert(f);
    if (!id.ok()) return id.status();
    f.id = *id;
    return RecordAudit(tx, ctx, f.created_at, "ticket_field", f.id.value, f.title, "create",
                       "Ticket field " + f.title + " (" + f.type + ") created");
  });
  if (!st.ok()) return st;
  return f;
}

Result<TicketField> TicketFieldService::Update(const Context& ctx, TicketFieldId id,
                                               const TicketFieldInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  COMPTOIR_RETURN_IF_ERROR(EnsureDefaults(ctx.account()));
  TicketField f;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto loaded = tx.ticket_fields().Get(ctx.account(), id);
    if (!loaded.ok()) return loaded.status();
    f = std::move(loaded).value();
    COMPTOIR_RETURN_IF_ERROR(Apply(tx, f, in, /*creating=*/false));
    f.updated_at = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(tx.ticket_fields().Update(f));
    return RecordAudit(tx, ctx, f.updated_at, "ticket_field", f.id.value, f.title, "update",
                       "Ticket field " + f.title + " updated");
  });
  if (!st.ok()) return st;
  return f;
}

Status TicketFieldService::Delete(const Context& ctx, TicketFieldId id) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  COMPTOIR_RETURN_IF_ERROR(EnsureDefaults(ctx.account()));
  return env_.store.Write([&](Transaction& tx) -> Status {
    auto f = tx.ticket_fields().Get(ctx.account(), id);
    if (!f.ok()) return f.status();
    if (!f->removable || IsSystemType(f->type)) {
      return Invalid("base", "InvalidValue",
                     f->title + ": a system field cannot be deleted (deactivate it instead)");
    }
    COMPTOIR_RETURN_IF_ERROR(tx.ticket_fields().Delete(ctx.account(), id));
    auto forms = tx.ticket_forms().List(ctx.account());
    if (!forms.ok()) return forms.status();
    const Timestamp now = env_.clock.Now();
    for (auto& form : *forms) {
      auto& ids = form.ticket_field_ids;
      auto end = std::remove(ids.begin(), ids.end(), id.value);
      if (end == ids.end()) continue;
      ids.erase(end, ids.end());
      form.updated_at = now;
      COMPTOIR_RETURN_IF_ERROR(tx.ticket_forms().Update(form));
    }
    return RecordAudit(tx, ctx, now, "ticket_field", id.value, f->title, "destroy",
                       "Ticket field " + f->title + " deleted");
  });
}

Result<std::vector<TicketField>> TicketFieldService::Reorder(
    const Context& ctx, const std::vector<TicketFieldId>& ids) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  COMPTOIR_RETURN_IF_ERROR(EnsureDefaults(ctx.account()));
  std::vector<TicketField> out;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto all = tx.ticket_fields().List(ctx.account());
    if (!all.ok()) return all.status();
    const Timestamp now = env_.clock.Now();
    auto ordered = ApplyOrder(std::move(all).value(), ids, "ticket_field_ids", now,
                              [&](const TicketField& f) { return tx.ticket_fields().Update(f); });
    if (!ordered.ok()) return ordered.status();
    out = std::move(ordered).value();
    return RecordAudit(tx, ctx, now, "ticket_field", 0, "", "update", "Ticket fields reordered");
  });
  if (!st.ok()) return st;
  return out;
}

// --- options ---

Result<TicketField> TicketFieldService::LoadWithOptions(Transaction& tx, const Context& ctx,
                                                        TicketFieldId id) {
  auto f = tx.ticket_fields().Get(ctx.account(), id);
  if (!f.ok()) return f.status();
  if (!HasOptions(f->type) || !SeesField(ctx.actor, *f)) return NotFound();
  return f;
}

Result<std::vector<TicketFieldOption>> TicketFieldService::Options(const Context& ctx,
                                                                   TicketFieldId id) {
  std::vector<TicketFieldOption> out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto f = LoadWithOptions(tx, ctx, id);
    if (!f.ok()) return f.status();
    out = std::move(f->options);
    return Status::Ok();
  }));
  return out;
}

Result<TicketFieldOption> TicketFieldService::GetOption(const Context& ctx, TicketFieldId id,
                                                        std::int64_t option_id) {
  auto all = Options(ctx, id);
  if (!all.ok()) return all.status();
  for (auto& o : *all) {
    if (o.id == option_id) return std::move(o);
  }
  return NotFound();
}

Result<std::pair<TicketFieldOption, bool>> TicketFieldService::UpsertOption(
    const Context& ctx, TicketFieldId id, const TicketFieldOptionInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  TicketFieldOption out;
  bool created = false;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    created = false;
    auto f = LoadWithOptions(tx, ctx, id);
    if (!f.ok()) return f.status();
    std::string name = Trim(in.name);
    std::string value = Tag(in.value);
    Validation v;
    if (name.empty()) v.Add("name", "BlankValue", "Name: cannot be blank");
    if (value.empty()) v.Add("value", "BlankValue", "Value: cannot be blank");
    COMPTOIR_RETURN_IF_ERROR(v.Finish());
    auto all = tx.ticket_fields().List(ctx.account());
    if (!all.ok()) return all.status();
    if (const TicketField* owner = OptionValueOwner(*all, id, value)) {
      return Invalid("value", "DuplicateValue",
                     "Value: " + value + " is already used by the field " + owner->title);
    }
    auto& options = f->options;
    auto target = std::find_if(options.begin(), options.end(), [&](const auto& o) {
      return in.id ? o.id == *in.id : o.value == value;
    });
    if (in.id && target == options.end()) return NotFound();
    bool clash = std::any_of(options.begin(), options.end(), [&](const auto& o) {
      return o.value == value && (target == options.end() || o.id != target->id);
    });
    if (clash) {
      return Invalid("value", "DuplicateValue", "Value: " + value + " has already been taken");
    }
    if (target == options.end()) {
      TicketFieldOption o;
      o.id = MaxOptionId(*all) + 1;
      o.position = NextPosition(options);
      options.push_back(o);
      target = options.end() - 1;
      created = true;
    }
    target->name = name;
    target->value = value;
    if (in.position) target->position = *in.position;
    if (in.is_default) {
      if (*in.is_default) {
        for (auto& o : options) o.is_default = false;
      }
      target->is_default = *in.is_default;
    }
    out = *target;
    std::stable_sort(options.begin(), options.end(),
                     [](const auto& a, const auto& b) { return a.position < b.position; });
    f->updated_at = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(tx.ticket_fields().Update(*f));
    return RecordAudit(tx, ctx, f->updated_at, "ticket_field", id.value, f->title, "update",
                       (created ? "Option added: " : "Option updated: ") + value);
  });
  if (!st.ok()) return st;
  return std::make_pair(out, created);
}

Status TicketFieldService::DeleteOption(const Context& ctx, TicketFieldId id,
                                        std::int64_t option_id) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  return env_.store.Write([&](Transaction& tx) -> Status {
    auto f = LoadWithOptions(tx, ctx, id);
    if (!f.ok()) return f.status();
    auto it = std::find_if(f->options.begin(), f->options.end(),
                           [&](const auto& o) { return o.id == option_id; });
    if (it == f->options.end()) return NotFound();
    if (f->options.size() == 1) {
      return Invalid("base", "InvalidValue", "A " + f->type + " field needs at least one option");
    }
    std::string value = it->value;
    f->options.erase(it);
    f->updated_at = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(tx.ticket_fields().Update(*f));
    return RecordAudit(tx, ctx, f->updated_at, "ticket_field", id.value, f->title, "update",
                       "Option removed: " + value);
  });
}

// --- ticket forms ---

Status TicketFieldService::ApplyForm(Transaction& tx, TicketForm& f, const TicketFormInput& in,
                                     bool creating) {
  Validation v;
  if (in.name || creating) {
    std::string name = Trim(in.name.value_or(""));
    if (name.empty()) {
      v.Add("name", "BlankValue", "Name: cannot be blank");
    } else if (name.size() > kMaxTitle) {
      v.Add("name", "InvalidValue", "Name: is too long (maximum is 255 characters)");
    } else {
      f.name = name;
    }
  }
  if (in.display_name) {
    std::string name = Trim(*in.display_name);
    if (name.size() > kMaxTitle) {
      v.Add("display_name", "InvalidValue",
            "Display name: is too long (maximum is 255 characters)");
    } else {
      f.display_name = name;
    }
  }
  if (in.position) f.position = *in.position;
  if (in.active) f.active = *in.active;
  if (in.end_user_visible) f.end_user_visible = *in.end_user_visible;
  if (in.in_all_brands) f.in_all_brands = *in.in_all_brands;
  if (in.ticket_field_ids) {
    auto fields = tx.ticket_fields().List(f.account_id);
    if (!fields.ok()) return fields.status();
    std::vector<std::int64_t> ids;
    for (std::int64_t id : *in.ticket_field_ids) {
      if (std::find(ids.begin(), ids.end(), id) != ids.end()) continue;
      if (std::none_of(fields->begin(), fields->end(),
                       [&](const auto& x) { return x.id.value == id; })) {
        v.Add("ticket_field_ids", "InvalidValue",
              "Ticket field ids: " + std::to_string(id) + " is not a ticket field");
        continue;
      }
      ids.push_back(id);
    }
    f.ticket_field_ids = std::move(ids);
  }
  return v.Finish();
}

namespace {

// Makes `keep` the only default form of the account.
Status ClearOtherDefaults(Transaction& tx, const TicketForm& keep, Timestamp now) {
  auto forms = tx.ticket_forms().List(keep.account_id);
  if (!forms.ok()) return forms.status();
  for (auto& other : *forms) {
    if (other.id == keep.id || !other.is_default) continue;
    other.is_default = false;
    other.updated_at = now;
    COMPTOIR_RETURN_IF_ERROR(tx.ticket_forms().Update(other));
  }
  return Status::Ok();
}

Status CheckDefaultActive(const TicketForm& f) {
  if (f.is_default && !f.active) {
    return Invalid("active", "InvalidValue", "Active: the default form cannot be inactive");
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<TicketForm>> TicketFieldService::ListForms(const Context& ctx,
                                                              const TicketFormFilter& filter) {
  COMPTOIR_RETURN_IF_ERROR(EnsureDefaults(ctx.account()));
  std::vector<TicketForm> out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto all = tx.ticket_forms().List(ctx.account());
    if (!all.ok()) return all.status();
    out.clear();
    for (auto& f : *all) {
      if (!SeesForm(ctx.actor, f)) continue;
      if (filter.active && f.active != *filter.active) continue;
      if (filter.end_user_visible && f.end_user_visible != *filter.end_user_visible) continue;
      out.push_back(std::move(f));
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<TicketForm>> TicketFieldService::GetForms(const Context& ctx,
                                                             const std::vector<TicketFormId>& ids) {
  auto all = ListForms(ctx);
  if (!all.ok()) return all;
  std::vector<TicketForm> out;
  for (auto& f : *all) {
    if (std::find(ids.begin(), ids.end(), f.id) != ids.end()) out.push_back(std::move(f));
  }
  return out;
}

Result<TicketForm> TicketFieldService::GetForm(const Context& ctx, TicketFormId id) {
  COMPTOIR_RETURN_IF_ERROR(EnsureDefaults(ctx.account()));
  Result<TicketForm> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) {
    out = tx.ticket_forms().Get(ctx.account(), id);
    return Status::Ok();
  }));
  if (out.ok() && !SeesForm(ctx.actor, *out)) return NotFound();
  return out;
}

Result<TicketForm> TicketFieldService::CreateForm(const Context& ctx, const TicketFormInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  COMPTOIR_RETURN_IF_ERROR(EnsureDefaults(ctx.account()));
  TicketForm f;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    f = TicketForm();
    f.account_id = ctx.account();
    auto all = tx.ticket_forms().List(ctx.account());
    if (!all.ok()) return all.status();
    f.position = NextPosition(*all);
    COMPTOIR_RETURN_IF_ERROR(ApplyForm(tx, f, in, /*creating=*/true));
    f.is_default = all->empty() || in.is_default.value_or(false);
    COMPTOIR_RETURN_IF_ERROR(CheckDefaultActive(f));
    f.created_at = f.updated_at = env_.clock.Now();
    auto id = tx.ticket_forms().Insert(f);
    if (!id.ok()) return id.status();
    f.id = *id;
    if (f.is_default) COMPTOIR_RETURN_IF_ERROR(ClearOtherDefaults(tx, f, f.created_at));
    return RecordAudit(tx, ctx, f.created_at, "ticket_form", f.id.value, f.name, "create",
                       "Ticket form " + f.name + " created");
  });
  if (!st.ok()) return st;
  return f;
}

Result<TicketForm> TicketFieldService::UpdateForm(const Context& ctx, TicketFormId id,
                                                  const TicketFormInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  COMPTOIR_RETURN_IF_ERROR(EnsureDefaults(ctx.account()));
  TicketForm f;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto loaded = tx.ticket_forms().Get(ctx.account(), id);
    if (!loaded.ok()) return loaded.status();
    f = std::move(loaded).value();
    COMPTOIR_RETURN_IF_ERROR(ApplyForm(tx, f, in, /*creating=*/false));
    if (in.is_default) {
      if (!*in.is_default && f.is_default) {
        return Invalid("default", "InvalidValue",
                       "Default: make another form the default instead of unsetting this one");
      }
      f.is_default = *in.is_default;
    }
    COMPTOIR_RETURN_IF_ERROR(CheckDefaultActive(f));
    f.updated_at = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(tx.ticket_forms().Update(f));
    if (f.is_default) COMPTOIR_RETURN_IF_ERROR(ClearOtherDefaults(tx, f, f.updated_at));
    return RecordAudit(tx, ctx, f.updated_at, "ticket_form", f.id.value, f.name, "update",
                       "Ticket form " + f.name + " updated");
  });
  if (!st.ok()) return st;
  return f;
}

Status TicketFieldService::DeleteForm(const Context& ctx, TicketFormId id) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  COMPTOIR_RETURN_IF_ERROR(EnsureDefaults(ctx.account()));
  return env_.store.Write([&](Transaction& tx) -> Status {
    auto f = tx.ticket_forms().Get(ctx.account(), id);
    if (!f.ok()) return f.status();
    if (f->is_default) {
      return Invalid("base", "InvalidValue",
                     "The default ticket form cannot be deleted; make another form the default "
                     "first");
    }
    COMPTOIR_RETURN_IF_ERROR(tx.ticket_forms().Delete(ctx.account(), id));
    return RecordAudit(tx, ctx, env_.clock.Now(), "ticket_form", id.value, f->name, "destroy",
                       "Ticket form " + f->name + " deleted");
  });
}

Result<std::vector<TicketForm>> TicketFieldService::ReorderForms(
    const Context& ctx, const std::vector<TicketFormId>& ids) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  COMPTOIR_RETURN_IF_ERROR(EnsureDefaults(ctx.account()));
  std::vector<TicketForm> out;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto all = tx.ticket_forms().List(ctx.account());
    if (!all.ok()) return all.status();
    const Timestamp now = env_.clock.Now();
    auto ordered = ApplyOrder(std::move(all).value(), ids, "ticket_form_ids", now,
                              [&](const TicketForm& f) { return tx.ticket_forms().Update(f); });
    if (!ordered.ok()) return ordered.status();
    out = std::move(ordered).value();
    return RecordAudit(tx, ctx, now, "ticket_form", 0, "", "update", "Ticket forms reordered");
  });
  if (!st.ok()) return st;
  return out;
}

Result<TicketForm> TicketFieldService::CloneForm(const Context& ctx, TicketFormId id,
                                                 bool prepend_title) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  COMPTOIR_RETURN_IF_ERROR(EnsureDefaults(ctx.account()));
  TicketForm f;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto source = tx.ticket_forms().Get(ctx.account(), id);
    if (!source.ok()) return source.status();
    auto all = tx.ticket_forms().List(ctx.account());
    if (!all.ok()) return all.status();
    f = std::move(source).value();
    if (prepend_title) {
      f.name = "Clone of " + f.name;
      if (!f.display_name.empty()) f.display_name = "Clone of " + f.display_name;
    }
    f.is_default = false;
    f.position = NextPosition(*all);
    f.created_at = f.updated_at = env_.clock.Now();
    auto new_id = tx.ticket_forms().Insert(f);
    if (!new_id.ok()) return new_id.status();
    f.id = *new_id;
    return RecordAudit(tx, ctx, f.created_at, "ticket_form", f.id.value, f.name, "create",
                       "Ticket form " + f.name + " cloned from " + std::to_string(id.value));
  });
  if (!st.ok()) return st;
  return f;
}

// --- ticket values ---

Result<json::array> TicketFieldService::ValidateTicketValues(
    Transaction& tx, AccountId account, const json::array& incoming, const json::array& current,
    std::vector<std::string>& tags_to_add, std::vector<std::string>& tags_to_remove) {
  auto fields = tx.ticket_fields().List(account);
  if (!fields.ok()) return fields.status();
  std::map<std::int64_t, const TicketField*> defs;
  for (const auto& f : *fields) defs[f.id.value] = &f;

  std::map<std::int64_t, json::value> before;
  for (const auto& e : current) {
    if (!e.is_object()) continue;
    const auto* id = e.get_object().if_contains("id");
    const auto* value = e.get_object().if_contains("value");
    if (id == nullptr || value == nullptr || value->is_null()) continue;
    if (auto n = EntryId(*id)) before[*n] = *value;
  }
  std::map<std::int64_t, json::value> after = before;

  Validation v;
  for (const auto& e : incoming) {
    const json::value* raw_id = e.is_object() ? e.get_object().if_contains("id") : nullptr;
    auto id = raw_id ? EntryId(*raw_id) : std::nullopt;
    if (!id) {
      v.Add("custom_fields", "InvalidValue",
            "Custom fields: each entry must be an object with a field id and a value");
      continue;
    }
    auto def = defs.find(*id);
    if (def == defs.end()) {
      v.Add("custom_fields", "InvalidValue",
            "Custom fields: " + std::to_string(*id) + " is not a ticket field");
      continue;
    }
    const TicketField& f = *def->second;
    if (IsSystemType(f.type)) continue;  // set through the ticket's own attributes
    const json::value* raw = e.get_object().if_contains("value");
    auto checked = NormalizeValue(f, raw ? *raw : json::value(nullptr));
    if (const auto* why = std::get_if<std::string>(&checked)) {
      v.Add("custom_fields", "InvalidValue", f.title + ": " + *why);
      continue;
    }
    auto& value = std::get<json::value>(checked);
    if (value.is_null()) {
      after.erase(*id);
    } else {
      after[*id] = std::move(value);
    }
  }
  COMPTOIR_RETURN_IF_ERROR(v.Finish());

  // Tags follow the net change of each field's value.
  for (const auto& [id, def] : defs) {
    auto b = before.find(id);
    auto a = after.find(id);
    const json::value* old_value = b == before.end() ? nullptr : &b->second;
    const json::value* new_value = a == after.end() ? nullptr : &a->second;
    if (old_value == nullptr && new_value == nullptr) continue;
    if (old_value != nullptr && new_value != nullptr && *old_value == *new_value) continue;
    auto old_tags = ValueTags(*def, old_value);
    auto new_tags = ValueTags(*def, new_value);
    for (const auto& t : old_tags) {
      if (std::find(new_tags.begin(), new_tags.end(), t) == new_tags.end()) {
        AddUnique(tags_to_remove, t);
      }
    }
    for (const auto& t : new_tags) {
      if (std::find(old_tags.begin(), old_tags.end(), t) == old_tags.end()) {
        AddUnique(tags_to_add, t);
      }
    }
  }

  json::array out;
  for (auto& [id, value] : after) {
    out.push_back(json::object{{"id", id}, {"value", std::move(value)}});
  }
  return out;
}

Status TicketFieldService::CheckRequiredOnSolve(Transaction& tx, AccountId account,
                                                const json::array& values) {
  auto fields = tx.ticket_fields().List(account);
  if (!fields.ok()) return fields.status();
  Validation v;
  for (const auto& f : *fields) {
    if (!f.active || !f.required || IsSystemType(f.type)) continue;
    bool set = false;
    for (const auto& e : values) {
      if (!e.is_object()) continue;
      const auto* id = e.get_object().if_contains("id");
      const auto* value = e.get_object().if_contains("value");
      if (id == nullptr || EntryId(*id) != f.id.value || value == nullptr) continue;
      set = !value->is_null() && !(value->is_string() && value->get_string().empty()) &&
            !(value->is_array() && value->get_array().empty()) &&
            !(f.type == "checkbox" && value->is_bool() && !value->get_bool());
    }
    if (!set) {
      v.Add("custom_fields", "BlankValue", f.title + ": is required to solve the ticket");
    }
  }
  return v.Finish();
}

}  // namespace comptoir::services
