#include "comptoir/services/custom_field_service.hpp"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include "comptoir/domain/validation.hpp"

namespace comptoir::services {

using domain::FieldOwner;
using storage::Transaction;

namespace {

std::string Trim(std::string_view raw) {
  std::string s(raw);
  s.erase(0, s.find_first_not_of(" \t\r\n"));
  s.erase(s.find_last_not_of(" \t\r\n") + 1);
  return s;
}

const char* OwnerLabel(FieldOwner owner) {
  return owner == FieldOwner::kUser ? "user_field" : "organization_field";
}

std::int64_t NextOptionId(const std::vector<domain::FieldOption>& options) {
  std::int64_t max = 0;
  for (const auto& o : options) max = std::max(max, o.id);
  return max + 1;
}

bool ValidRegexp(const std::string& pattern) {
  try {
    std::regex re(pattern);
    return true;
  } catch (const std::regex_error&) {
    return false;
  }
}

}  // namespace

void CustomFieldService::ApplyRegexp(const std::string& type,
                                     const std::optional<std::string>& incoming,
                                     std::string& pattern, Validation& v) {
  if (type != "regexp") {
    pattern.clear();
    return;
  }
  if (incoming) pattern = *incoming;
  if (pattern.empty()) {
    v.Add("regexp_for_validation", "BlankValue",
          "Regular expression: cannot be blank for a regexp field");
  } else if (pattern.size() > 1024 || !ValidRegexp(pattern)) {
    v.Add("regexp_for_validation", "InvalidValue",
          "Regular expression: " + pattern + " is not valid");
  }
}

std::string CustomFieldService::NormalizeOptionValue(std::string_view raw) {
  std::string out;
  bool space = false;
  for (char c : Trim(raw)) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space) out += '_';
    space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

Status CustomFieldService::Apply(Transaction& tx, const Context& ctx, domain::CustomField& f,
                                 const CustomFieldInput& in, bool creating) {
  Validation v;
  if (creating) {
    std::string key = Trim(in.key.value_or(""));
    if (key.empty()) {
      v.Add("key", "BlankValue", "Key: cannot be blank");
    } else if (!domain::IsValidFieldKey(key)) {
      v.Add("key", "InvalidValue",
            "Key: " + key + " must start with a letter and use only letters, digits and _");
    } else {
      auto all = tx.custom_fields().List(ctx.account(), f.owner);
      if (!all.ok()) return all.status();
      if (std::any_of(all->begin(), all->end(), [&](const auto& x) { return x.key == key; })) {
        v.Add("key", "DuplicateValue", "Key: " + key + " has already been taken");
      }
      f.key = key;
    }
    std::string type = Trim(in.type.value_or(""));
    if (type.empty()) {
      v.Add("type", "BlankValue", "Type: cannot be blank");
    } else if (!domain::IsValidFieldType(type)) {
      v.Add("type", "InvalidValue", "Type: " + type + " is not a supported field type");
    }
    f.type = type;
  } else {
    if (in.key && Trim(*in.key) != f.key) {
      v.Add("key", "InvalidValue", "Key: cannot be changed once the field is created");
    }
    if (in.type && Trim(*in.type) != f.type) {
      v.Add("type", "InvalidValue", "Type: cannot be changed once the field is created");
    }
  }
  if (in.title || creating) {
    std::string title = Trim(in.title.value_or(""));
    if (title.empty()) {
      v.Add("title", "BlankValue", "Title: cannot be blank");
    } else if (title.size() > 255) {
      v.Add("title", "InvalidValue", "Title: is too long (maximum is 255 characters)");
    } else {
      f.title = title;
    }
  }
  if (in.description) {
    if (in.description->size() > 65536) {
      v.Add("description", "InvalidValue", "Description: is too long");
    } else {
      f.description = *in.description;
    }
  }
  if (in.position) f.position = *in.position;
  if (in.active) f.active = *in.active;

  CustomFieldService::ApplyRegexp(f.type, in.regexp_for_validation, f.regexp_for_validation, v);

  if (f.type == "checkbox") {
    if (in.tag) f.tag = NormalizeOptionValue(*in.tag);
  } else {
    f.tag.clear();
  }

  if (f.type == "dropdown") {
    if (in.options) {
      std::vector<domain::FieldOption> next;
      std::int64_t next_id = NextOptionId(f.options);
      std::set<std::string> values;
      for (std::size_t i = 0; i < in.options->size(); ++i) {
        const FieldOptionInput& o = (*in.options)[i];
        domain::FieldOption opt;
        opt.name = Trim(o.name);
        opt.value = NormalizeOptionValue(o.value);
        opt.position = o.position.value_or(static_cast<int>(i));
        if (opt.name.empty() || opt.value.empty()) {
          v.Add("custom_field_options", "BlankValue",
                "Custom field options: each option needs a name and a value");
          continue;
        }
        if (!values.insert(opt.value).second) {
          v.Add("custom_field_options", "DuplicateValue",
                "Custom field options: value " + opt.value + " is used twice");
          continue;
        }
        auto same = std::find_if(f.options.begin(), f.options.end(), [&](const auto& x) {
          return o.id ? x.id == *o.id : x.value == opt.value;
        });
        opt.id = same != f.options.end() ? same->id : next_id++;
        next.push_back(std::move(opt));
      }
      f.options = std::move(next);
    }
    if (f.options.empty()) {
      v.Add("custom_field_options", "BlankValue",
            "Custom field options: a dropdown field needs at least one option");
    }
  } else {
    f.options.clear();
  }
  return v.Finish();
}

Result<std::vector<domain::CustomField>> CustomFieldService::List(const Context& ctx,
                                                                  FieldOwner owner) {
  if (!domain::CanViewDirectory(ctx.actor)) return PermissionDenied();
  Result<std::vector<domain::CustomField>> out = std::vector<domain::CustomField>{};
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) {
    out = tx.custom_fields().List(ctx.account(), owner);
    return Status::Ok();
  }));
  return out;
}

Result<domain::CustomField> CustomFieldService::Get(const Context& ctx, FieldOwner owner,
                                                    FieldId id) {
  if (!domain::CanViewDirectory(ctx.actor)) return PermissionDenied();
  Result<domain::CustomField> out = NotFound();
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) {
    out = tx.custom_fields().Get(ctx.account(), owner, id);
    return Status::Ok();
  }));
  return out;
}

Result<domain::CustomField> CustomFieldService::Create(const Context& ctx, FieldOwner owner,
                                                       const CustomFieldInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  domain::CustomField f;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    f = domain::CustomField();
    f.account_id = ctx.account();
    f.owner = owner;
    if (!in.position) {
      // New fields go last.
      auto all = tx.custom_fields().List(ctx.account(), owner);
      if (!all.ok()) return all.status();
      for (const auto& x : *all) f.position = std::max(f.position, x.position + 1);
    }
    COMPTOIR_RETURN_IF_ERROR(Apply(tx, ctx, f, in, /*creating=*/true));
    f.created_at = f.updated_at = env_.clock.Now();
    auto id = tx.custom_fields().Insert(f);
    if (!id.ok()) {
      if (id.status().code() == ErrorCode::kAlreadyExists) {
        return Invalid("key", "DuplicateValue", "Key: " + f.key + " has already been taken");
      }
      return id.status();
    }
    f.id = *id;
    return RecordAudit(tx, ctx, f.created_at, OwnerLabel(owner), f.id.value, f.title, "create",
                       "Field " + f.key + " (" + f.type + ") created");
  });
  if (!st.ok()) return st;
  return f;
}

Result<domain::CustomField> CustomFieldService::Update(const Context& ctx, FieldOwner owner,
                                                       FieldId id, const CustomFieldInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  domain::CustomField f;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto loaded = tx.custom_fields().Get(ctx.account(), owner, id);
    if (!loaded.ok()) return loaded.status();
    f = std::move(loaded).value();
    COMPTOIR_RETURN_IF_ERROR(Apply(tx, ctx, f, in, /*creating=*/false));
    f.updated_at = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(tx.custom_fields().Update(f));
    return RecordAudit(tx, ctx, f.updated_at, OwnerLabel(owner), f.id.value, f.title, "update",
                       "Field " + f.key + " updated");
  });
  if (!st.ok()) return st;
  return f;
}

Status CustomFieldService::Delete(const Context& ctx, FieldOwner owner, FieldId id) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  return env_.store.Write([&](Transaction& tx) -> Status {
    auto f = tx.custom_fields().Get(ctx.account(), owner, id);
    if (!f.ok()) return f.status();
    COMPTOIR_RETURN_IF_ERROR(tx.custom_fields().Delete(ctx.account(), owner, id));
    return RecordAudit(tx, ctx, env_.clock.Now(), OwnerLabel(owner), id.value, f->title, "destroy",
                       "Field " + f->key + " deleted");
  });
}

Result<std::vector<domain::CustomField>> CustomFieldService::Reorder(
    const Context& ctx, FieldOwner owner, const std::vector<FieldId>& ids) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  std::vector<domain::CustomField> out;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto all = tx.custom_fields().List(ctx.account(), owner);
    if (!all.ok()) return all.status();
    std::vector<domain::CustomField> ordered;
    for (FieldId id : ids) {
      auto it = std::find_if(all->begin(), all->end(), [&](const auto& f) { return f.id == id; });
      if (it == all->end()) {
        if (std::any_of(ordered.begin(), ordered.end(),
                        [&](const auto& f) { return f.id == id; })) {
          continue;  // listed twice: the first place wins
        }
        return Invalid(std::string(OwnerLabel(owner)) + "_ids", "InvalidValue",
                       "Field " + std::to_string(id.value) + " does not exist");
      }
      ordered.push_back(std::move(*it));
      all->erase(it);
    }
    for (auto& rest : *all) ordered.push_back(std::move(rest));
    const Timestamp now = env_.clock.Now();
    for (std::size_t i = 0; i < ordered.size(); ++i) {
      auto& f = ordered[i];
      if (f.position == static_cast<int>(i)) continue;
      f.position = static_cast<int>(i);
      f.updated_at = now;
      COMPTOIR_RETURN_IF_ERROR(tx.custom_fields().Update(f));
    }
    out = std::move(ordered);
    return RecordAudit(tx, ctx, now, OwnerLabel(owner), 0, "", "update", "Fields reordered");
  });
  if (!st.ok()) return st;
  return out;
}

// --- dropdown options ---

Result<domain::CustomField> CustomFieldService::LoadDropdown(Transaction& tx, const Context& ctx,
                                                             FieldOwner owner, FieldId id) {
  auto f = tx.custom_fields().Get(ctx.account(), owner, id);
  if (!f.ok()) return f.status();
  if (f->type != "dropdown") return NotFound();
  return f;
}

Result<std::vector<domain::FieldOption>> CustomFieldService::Options(const Context& ctx,
                                                                     FieldOwner owner, FieldId id) {
  if (!domain::CanViewDirectory(ctx.actor)) return PermissionDenied();
  std::vector<domain::FieldOption> out;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](Transaction& tx) -> Status {
    auto f = LoadDropdown(tx, ctx, owner, id);
    if (!f.ok()) return f.status();
    out = std::move(f->options);
    return Status::Ok();
  }));
  return out;
}

Result<domain::FieldOption> CustomFieldService::GetOption(const Context& ctx, FieldOwner owner,
                                                          FieldId id, std::int64_t option_id) {
  auto all = Options(ctx, owner, id);
  if (!all.ok()) return all.status();
  for (auto& o : *all) {
    if (o.id == option_id) return std::move(o);
  }
  return NotFound();
}

Result<std::pair<domain::FieldOption, bool>> CustomFieldService::UpsertOption(
    const Context& ctx, FieldOwner owner, FieldId id, const FieldOptionInput& in) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  domain::FieldOption out;
  bool created = false;
  Status st = env_.store.Write([&](Transaction& tx) -> Status {
    auto f = LoadDropdown(tx, ctx, owner, id);
    if (!f.ok()) return f.status();
    std::string name = Trim(in.name);
    std::string value = NormalizeOptionValue(in.value);
    Validation v;
    if (name.empty()) v.Add("name", "BlankValue", "Name: cannot be blank");
    if (value.empty()) v.Add("value", "BlankValue", "Value: cannot be blank");
    COMPTOIR_RETURN_IF_ERROR(v.Finish());
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
      domain::FieldOption o;
      o.id = NextOptionId(options);
      o.position = 0;
      for (const auto& x : options) o.position = std::max(o.position, x.position + 1);
      options.push_back(o);
      target = options.end() - 1;
      created = true;
    }
    target->name = name;
    target->value = value;
    if (in.position) target->position = *in.position;
    out = *target;
    std::stable_sort(options.begin(), options.end(),
                     [](const auto& a, const auto& b) { return a.position < b.position; });
    f->updated_at = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(tx.custom_fields().Update(*f));
    return RecordAudit(tx, ctx, f->updated_at, OwnerLabel(owner), id.value, f->title, "update",
                       (created ? "Option added: " : "Option updated: ") + value);
  });
  if (!st.ok()) return st;
  return std::make_pair(out, created);
}

Status CustomFieldService::DeleteOption(const Context& ctx, FieldOwner owner, FieldId id,
                                        std::int64_t option_id) {
  if (!domain::CanAdminister(ctx.actor)) return PermissionDenied();
  return env_.store.Write([&](Transaction& tx) -> Status {
    auto f = LoadDropdown(tx, ctx, owner, id);
    if (!f.ok()) return f.status();
    auto it = std::find_if(f->options.begin(), f->options.end(),
                           [&](const auto& o) { return o.id == option_id; });
    if (it == f->options.end()) return NotFound();
    if (f->options.size() == 1) {
      return Invalid("base", "InvalidValue", "A dropdown field needs at least one option");
    }
    std::string value = it->value;
    f->options.erase(it);
    f->updated_at = env_.clock.Now();
    COMPTOIR_RETURN_IF_ERROR(tx.custom_fields().Update(*f));
    return RecordAudit(tx, ctx, f->updated_at, OwnerLabel(owner), id.value, f->title, "update",
                       "Option removed: " + value);
  });
}

}  // namespace comptoir::services
