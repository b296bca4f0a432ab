// TicketFieldService: the account's ticket fields (system and custom), the options of
// dropdown (tagger) and multiselect fields, and ticket forms; plus the checks the ticket
// service runs on a ticket's custom field values. Staff read everything; end users see
// the fields visible in the portal and the forms visible to end users; admins change.
// An account gets its seven system fields and a "Default Ticket Form" lazily, on first
// use. Each call is one transaction. Errors: kNotFound, kPermissionDenied, kValidation
// with per-field details (DuplicateValue for a taken option value). Thread-safe.
#pragma once

#include <boost/json/array.hpp>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "comptoir/services/auth_service.hpp"
#include "comptoir/services/context.hpp"
#include "comptoir/storage/blob_store.hpp"

namespace comptoir::services {

struct TicketFieldOptionInput {
  std::optional<std::int64_t> id;  // an existing option to update
  std::string name;
  std::string value;  // a tag: lower-cased, whitespace becomes '_'
  std::optional<int> position;
  std::optional<bool> is_default;
};

// Fields a request may set; nullopt = leave unchanged (or default on create).
struct TicketFieldInput {
  std::optional<std::string> type, title, description, title_in_portal, regexp_for_validation, tag;
  std::optional<int> position;
  std::optional<bool> active, required, required_in_portal, visible_in_portal, editable_in_portal;
  // Tagger / multiselect: replaces the options; ids of existing options are kept.
  std::optional<std::vector<TicketFieldOptionInput>> options;
};

struct TicketFormInput {
  std::optional<std::string> name, display_name;
  std::optional<int> position;
  std::optional<bool> active, is_default, end_user_visible, in_all_brands;
  std::optional<std::vector<std::int64_t>> ticket_field_ids;
};

struct TicketFormFilter {
  std::optional<bool> active;
  std::optional<bool> end_user_visible;
};

class TicketFieldService {
 public:
  // The blob store is not used; the constructor matches its siblings' in Services.
  TicketFieldService(ServiceEnv env, AuthService& auth, storage::BlobStore& /*blobs*/)
      : env_(env), auth_(auth) {}

  // Creates the system fields and the default form when the account lacks them.
  Status EnsureDefaults(AccountId account);

  // --- ticket fields ---
  // By position, then id. End users get only the active fields visible in the portal.
  Result<std::vector<domain::TicketField>> List(const Context& ctx);
  // kNotFound also for a field the caller may not see.
  Result<domain::TicketField> Get(const Context& ctx, TicketFieldId id);
  // kValidation: type missing or not a custom type; title blank; a regexp field without
  // a compiling regexp_for_validation; tagger/multiselect without options, an option
  // without name or value, a value used twice or by another field's option.
  Result<domain::TicketField> Create(const Context& ctx, const TicketFieldInput& in);
  // kValidation also when the type would change.
  Result<domain::TicketField> Update(const Context& ctx, TicketFieldId id,
                                     const TicketFieldInput& in);
  // kValidation for a system field. Also removes the field from the forms.
  Status Delete(const Context& ctx, TicketFieldId id);
  // Positions follow `ids`; fields not listed keep their order after them. kValidation
  // for an unknown id. Returns the reordered list.
  Result<std::vector<domain::TicketField>> Reorder(const Context& ctx,
                                                   const std::vector<TicketFieldId>& ids);

  // Options of a tagger or multiselect field (kNotFound for other types).
  Result<std::vector<domain::TicketFieldOption>> Options(const Context& ctx, TicketFieldId id);
  Result<domain::TicketFieldOption> GetOption(const Context& ctx, TicketFieldId id,
                                              std::int64_t option_id);
  // Updates the option with in.id (or the same value) or adds one; second = created.
  Result<std::pair<domain::TicketFieldOption, bool>> UpsertOption(const Context& ctx,
                                                                  TicketFieldId id,
                                                                  const TicketFieldOptionInput& in);
  // kValidation when it is the last option.
  Status DeleteOption(const Context& ctx, TicketFieldId id, std::int64_t option_id);

  // --- ticket forms ---
  // By position, then id. End users get only active forms visible to end users.
  Result<std::vector<domain::TicketForm>> ListForms(const Context& ctx,
                                                    const TicketFormFilter& filter = {});
  // The forms among `ids` the caller may see, in list order.
  Result<std::vector<domain::TicketForm>> GetForms(const Context& ctx,
                                                   const std::vector<TicketFormId>& ids);
  Result<domain::TicketForm> GetForm(const Context& ctx, TicketFormId id);
  // kValidation: name blank; a ticket field id that does not exist; a default form that
  // is inactive. The account's first form becomes the default; a new default clears the
  // previous one.
  Result<domain::TicketForm> CreateForm(const Context& ctx, const TicketFormInput& in);
  // kValidation also when unsetting the default (make another form the default instead).
  Result<domain::TicketForm> UpdateForm(const Context& ctx, TicketFormId id,
                                        const TicketFormInput& in);
  // kValidation for the default form.
  Status DeleteForm(const Context& ctx, TicketFormId id);
  // Like Reorder, for forms.
  Result<std::vector<domain::TicketForm>> ReorderForms(const Context& ctx,
                                                       const std::vector<TicketFormId>& ids);
  // A copy (never the default), placed last; "Clone of <name>" when prepend_title.
  Result<domain::TicketForm> CloneForm(const Context& ctx, TicketFormId id, bool prepend_title);

  // --- ticket values (for the ticket service, inside its transaction) ---
  // Checks `incoming` (Zendesk's custom_fields: [{"id": field id, "value": …}]) against
  // the field definitions and merges it into `current` (a ticket's stored values).
  // Returns the merged values ordered by field id, with cleared (null or empty) values
  // dropped. Values are stored as Zendesk returns them: text, numbers and dates as
  // strings ("42", "1.5", "2024-02-29"), checkboxes as booleans, multiselect as an array
  // of option values. Ids of system fields are ignored. Changes of tagger, multiselect
  // and checkbox (with a tag) values append the option tags to add and to remove.
  // kValidation on "custom_fields": an entry without an id, an unknown field id, a value
  // of the wrong type or not among the options.
  static Result<boost::json::array> ValidateTicketValues(storage::Transaction& tx,
                                                         AccountId account,
                                                         const boost::json::array& incoming,
                                                         const boost::json::array& current,
                                                         std::vector<std::string>& tags_to_add,
                                                         std::vector<std::string>& tags_to_remove);
  // kValidation naming each active field required for agents that has no value in
  // `values` (a ticket's merged custom_fields): a ticket cannot be solved without them.
  static Status CheckRequiredOnSolve(storage::Transaction& tx, AccountId account,
                                     const boost::json::array& values);

  // True for the system field types (subject, description, status, …).
  static bool IsSystemType(std::string_view type);

 private:
  Status Apply(storage::Transaction& tx, domain::TicketField& f, const TicketFieldInput& in,
               bool creating);
  Status ApplyForm(storage::Transaction& tx, domain::TicketForm& f, const TicketFormInput& in,
                   bool creating);
  Result<domain::TicketField> LoadWithOptions(storage::Transaction& tx, const Context& ctx,
                                              TicketFieldId id);

  ServiceEnv env_;
  AuthService& auth_;
  std::mutex seeded_mu_;
  std::set<std::int64_t> seeded_;  // accounts known to have their defaults
};

}  // namespace comptoir::services
