// TicketFieldService against a real SQLite store in a temp dir: ticket fields, their
// options, ticket forms, and the validation of a ticket's custom field values.
#include "comptoir/services/ticket_field_service.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "people_fixture.hpp"

namespace comptoir::services {
namespace {

namespace json = boost::json;

class TicketFieldServiceTest : public testing::PeopleFixture {
 protected:
  static TicketFieldInput Field(const std::string& type, const std::string& title) {
    TicketFieldInput in;
    in.type = type;
    in.title = title;
    return in;
  }
  static TicketFieldOptionInput Option(const std::string& name, const std::string& value) {
    TicketFieldOptionInput o;
    o.name = name;
    o.value = value;
    return o;
  }
  static TicketFieldInput Dropdown(const std::string& type, const std::string& title,
                                   std::vector<std::pair<std::string, std::string>> options) {
    TicketFieldInput in = Field(type, title);
    in.options.emplace();
    for (const auto& [n, v] : options) in.options->push_back(Option(n, v));
    return in;
  }
  domain::TicketField Create(const TicketFieldInput& in) {
    auto f = svc_->ticket_fields.Create(admin_, in);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    return f.ok() ? *f : domain::TicketField{};
  }
  static TicketFormInput Form(const std::string& name) {
    TicketFormInput in;
    in.name = name;
    return in;
  }

  // Runs ValidateTicketValues in a read transaction.
  struct Checked {
    Result<json::array> values = json::array();
    std::vector<std::string> add, remove;
  };
  Checked Validate(const json::array& incoming, const json::array& current = {}) {
    Checked out;
    EXPECT_TRUE(store_
                    ->Read([&](storage::Transaction& tx) {
                      out.values = TicketFieldService::ValidateTicketValues(
                          tx, account_, incoming, current, out.add, out.remove);
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }
  static json::array Values(std::initializer_list<std::pair<std::int64_t, json::value>> list) {
    json::array a;
    for (const auto& [id, v] : list) a.push_back(json::object{{"id", id}, {"value", v}});
    return a;
  }
  static json::value ValueOf(const json::array& values, TicketFieldId id) {
    for (const auto& e : values) {
      if (e.at("id").as_int64() == id.value) return e.at("value");
    }
    return nullptr;
  }
};

// --- system fields and default form ---

TEST_F(TicketFieldServiceTest, FirstListCreatesTheSystemFieldsOnce) {
  auto list = svc_->ticket_fields.List(admin_);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  std::vector<std::string> types;
  for (const auto& f : *list) types.push_back(f.type);
  EXPECT_EQ(types, (std::vector<std::string>{"subject", "description", "status", "tickettype",
                                             "priority", "group", "assignee"}));
  EXPECT_EQ((*list)[3].title, "Type");
  for (const auto& f : *list) EXPECT_FALSE(f.removable) << f.type;
  EXPECT_TRUE((*list)[0].visible_in_portal && (*list)[0].required_in_portal);
  EXPECT_FALSE((*list)[2].visible_in_portal);

  // A second service over the same store does not seed again.
  Services again(*store_, clock_, *blobs_);
  auto second = again.ticket_fields.List(admin_);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->size(), 7u);
}

TEST_F(TicketFieldServiceTest, SystemFieldsCannotBeDeletedNorChangeType) {
  auto list = svc_->ticket_fields.List(admin_);
  ASSERT_TRUE(list.ok());
  const auto subject = (*list)[0];
  Status st = svc_->ticket_fields.Delete(admin_, subject.id);
  EXPECT_EQ(st.code(), ErrorCode::kValidation);
  TicketFieldInput in;
  in.type = "text";
  EXPECT_TRUE(HasDetail(svc_->ticket_fields.Update(admin_, subject.id, in).status(), "type",
                        "InvalidValue"));
  TicketFieldInput retitle;
  retitle.title = "Topic";
  auto ok = svc_->ticket_fields.Update(admin_, subject.id, retitle);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->title, "Topic");
  EXPECT_EQ(ok->type, "subject");
}

TEST_F(TicketFieldServiceTest, NewAccountHasOneDefaultFormHoldingTheSystemFields) {
  auto forms = svc_->ticket_fields.ListForms(admin_);
  ASSERT_TRUE(forms.ok()) << forms.status().ToString();
  ASSERT_EQ(forms->size(), 1u);
  EXPECT_EQ((*forms)[0].name, "Default Ticket Form");
  EXPECT_TRUE((*forms)[0].is_default);
  auto fields = svc_->ticket_fields.List(admin_);
  std::vector<std::int64_t> ids;
  for (const auto& f : *fields) ids.push_back(f.id.value);
  EXPECT_EQ((*forms)[0].ticket_field_ids, ids);
}

// --- custom fields ---

TEST_F(TicketFieldServiceTest, CreatesCustomFieldsAfterTheSystemOnes) {
  auto f = Create(Field("text", "Order number"));
  EXPECT_EQ(f.type, "text");
  EXPECT_TRUE(f.removable);
  auto list = svc_->ticket_fields.List(admin_);
  ASSERT_EQ(list->size(), 8u);
  EXPECT_EQ(list->back().id, f.id);
  auto got = svc_->ticket_fields.Get(admin_, f.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->title, "Order number");
}

TEST_F(TicketFieldServiceTest, RejectsUnknownOrMissingTypeAndBlankTitle) {
  auto st = svc_->ticket_fields.Create(admin_, Field("hologram", "X")).status();
  EXPECT_TRUE(HasDetail(st, "type", "InvalidValue"));
  st = svc_->ticket_fields.Create(admin_, Field("subject", "Another subject")).status();
  EXPECT_TRUE(HasDetail(st, "type", "InvalidValue")) << "system types cannot be created";
  TicketFieldInput no_type;
  no_type.title = "T";
  EXPECT_TRUE(
      HasDetail(svc_->ticket_fields.Create(admin_, no_type).status(), "type", "BlankValue"));
  EXPECT_TRUE(HasDetail(svc_->ticket_fields.Create(admin_, Field("text", "  ")).status(), "title",
                        "BlankValue"));
}

TEST_F(TicketFieldServiceTest, TypeIsImmutable) {
  auto f = Create(Field("text", "Ref"));
  TicketFieldInput in;
  in.type = "integer";
  EXPECT_TRUE(
      HasDetail(svc_->ticket_fields.Update(admin_, f.id, in).status(), "type", "InvalidValue"));
}

TEST_F(TicketFieldServiceTest, RegexpFieldNeedsACompilingPattern) {
  auto in = Field("regexp", "Code");
  EXPECT_TRUE(HasDetail(svc_->ticket_fields.Create(admin_, in).status(), "regexp_for_validation",
                        "BlankValue"));
  in.regexp_for_validation = "([A-Z";
  EXPECT_TRUE(HasDetail(svc_->ticket_fields.Create(admin_, in).status(), "regexp_for_validation",
                        "InvalidValue"));
  in.regexp_for_validation = "[A-Z]{3}";
  EXPECT_TRUE(svc_->ticket_fields.Create(admin_, in).ok());
}

TEST_F(TicketFieldServiceTest, TaggerNeedsOptionsWithNameAndValueNormalisedAsTags) {
  EXPECT_TRUE(HasDetail(svc_->ticket_fields.Create(admin_, Field("tagger", "Plan")).status(),
                        "custom_field_options", "BlankValue"));
  EXPECT_TRUE(HasDetail(
      svc_->ticket_fields.Create(admin_, Dropdown("tagger", "Plan", {{"Gold", ""}})).status(),
      "custom_field_options", "BlankValue"));
  EXPECT_TRUE(
      HasDetail(svc_->ticket_fields
                    .Create(admin_, Dropdown("multiselect", "Plan", {{"A", "same"}, {"B", "Same"}}))
                    .status(),
                "custom_field_options", "DuplicateValue"));
  auto f = Create(Dropdown("tagger", "Plan", {{"Gold plan", "Gold Plan"}, {"Silver", "silver"}}));
  ASSERT_EQ(f.options.size(), 2u);
  EXPECT_EQ(f.options[0].value, "gold_plan");
  EXPECT_NE(f.options[0].id, 0);
  EXPECT_NE(f.options[0].id, f.options[1].id);
}

TEST_F(TicketFieldServiceTest, OptionValuesAreUniqueAcrossTheAccountsFields) {
  auto plan = Create(Dropdown("tagger", "Plan", {{"Gold", "gold"}}));
  auto st = svc_->ticket_fields.Create(admin_, Dropdown("multiselect", "Medal", {{"Gold", "gold"}}))
                .status();
  EXPECT_TRUE(HasDetail(st, "custom_field_options", "DuplicateValue")) << st.ToString();
  auto medal = Create(Dropdown("multiselect", "Medal", {{"Bronze", "bronze"}}));
  auto up = svc_->ticket_fields.UpsertOption(admin_, medal.id, Option("Gold", "gold"));
  EXPECT_TRUE(HasDetail(up.status(), "value", "DuplicateValue"));
  // Updating a field with its own values is fine.
  TicketFieldInput same;
  same.options.emplace();
  same.options->push_back(Option("Golden", "gold"));
  auto updated = svc_->ticket_fields.Update(admin_, plan.id, same);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->options[0].id, plan.options[0].id) << "same value keeps its option id";
}

TEST_F(TicketFieldServiceTest, CheckboxTagIsOptionalAndNormalised) {
  auto plain = Create(Field("checkbox", "Urgent"));
  EXPECT_EQ(plain.tag, "");
  auto in = Field("checkbox", "VIP");
  in.tag = "Very Important";
  EXPECT_EQ(Create(in).tag, "very_important");
}

TEST_F(TicketFieldServiceTest, UpsertAndDeleteOptions) {
  auto f = Create(Dropdown("tagger", "Plan", {{"Gold", "gold"}}));
  auto added = svc_->ticket_fields.UpsertOption(admin_, f.id, Option("Silver", "silver"));
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_TRUE(added->second);
  auto renamed = svc_->ticket_fields.UpsertOption(admin_, f.id, Option("Silver plan", "silver"));
  ASSERT_TRUE(renamed.ok());
  EXPECT_FALSE(renamed->second);
  EXPECT_EQ(renamed->first.id, added->first.id);
  EXPECT_EQ(svc_->ticket_fields.Options(admin_, f.id)->size(), 2u);
  auto got = svc_->ticket_fields.GetOption(admin_, f.id, added->first.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "Silver plan");

  EXPECT_TRUE(svc_->ticket_fields.DeleteOption(admin_, f.id, added->first.id).ok());
  EXPECT_EQ(svc_->ticket_fields.DeleteOption(admin_, f.id, f.options[0].id).code(),
            ErrorCode::kValidation)
      << "the last option stays";
  auto text = Create(Field("text", "Note"));
  EXPECT_EQ(svc_->ticket_fields.Options(admin_, text.id).status().code(), ErrorCode::kNotFound);
}

TEST_F(TicketFieldServiceTest, EndUsersSeeOnlyActivePortalFields) {
  auto hidden = Create(Field("text", "Internal"));
  auto in = Field("text", "Order");
  in.visible_in_portal = true;
  auto shown = Create(in);
  auto end_user = ContextFor(NewUser("Eve", domain::Role::kEndUser), domain::Role::kEndUser);
  auto list = svc_->ticket_fields.List(end_user);
  ASSERT_TRUE(list.ok());
  std::vector<std::string> titles;
  for (const auto& f : *list) titles.push_back(f.title);
  EXPECT_EQ(titles, (std::vector<std::string>{"Subject", "Description", "Order"}));
  EXPECT_EQ(svc_->ticket_fields.Get(end_user, hidden.id).status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(svc_->ticket_fields.Get(end_user, shown.id).ok());
  EXPECT_EQ(svc_->ticket_fields.Create(end_user, Field("text", "X")).status().code(),
            ErrorCode::kPermissionDenied);
  auto agent = ContextFor(NewUser("Al", domain::Role::kAgent), domain::Role::kAgent);
  EXPECT_EQ(svc_->ticket_fields.List(agent)->size(), 9u);
  EXPECT_EQ(svc_->ticket_fields.Create(agent, Field("text", "X")).status().code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(TicketFieldServiceTest, DeletingAFieldRemovesItFromForms) {
  auto f = Create(Field("text", "Gone"));
  auto in = Form("Support");
  in.ticket_field_ids = std::vector<std::int64_t>{f.id.value};
  auto form = svc_->ticket_fields.CreateForm(admin_, in);
  ASSERT_TRUE(form.ok()) << form.status().ToString();
  ASSERT_TRUE(svc_->ticket_fields.Delete(admin_, f.id).ok());
  EXPECT_EQ(svc_->ticket_fields.Get(admin_, f.id).status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(svc_->ticket_fields.GetForm(admin_, form->id)->ticket_field_ids.empty());
}

TEST_F(TicketFieldServiceTest, ReorderFields) {
  auto a = Create(Field("text", "A"));
  auto b = Create(Field("text", "B"));
  auto list = svc_->ticket_fields.Reorder(admin_, {b.id, a.id});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ((*list)[0].id, b.id);
  EXPECT_EQ((*list)[1].id, a.id);
  EXPECT_EQ(svc_->ticket_fields.List(admin_)->front().id, b.id);
  EXPECT_EQ(svc_->ticket_fields.Reorder(admin_, {TicketFieldId(9999)}).status().code(),
            ErrorCode::kValidation);
}

// --- forms ---

TEST_F(TicketFieldServiceTest, FormFieldIdsMustExist) {
  auto in = Form("Billing");
  in.ticket_field_ids = std::vector<std::int64_t>{424242};
  auto st = svc_->ticket_fields.CreateForm(admin_, in).status();
  ASSERT_TRUE(HasDetail(st, "ticket_field_ids", "InvalidValue"));
  EXPECT_NE(st.details()[0].description.find("424242"), std::string::npos);
  EXPECT_TRUE(
      HasDetail(svc_->ticket_fields.CreateForm(admin_, Form(" ")).status(), "name", "BlankValue"));
}

TEST_F(TicketFieldServiceTest, ExactlyOneDefaultForm) {
  auto first = svc_->ticket_fields.ListForms(admin_)->front();
  auto b = svc_->ticket_fields.CreateForm(admin_, Form("B"));
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->is_default);
  TicketFormInput make_default;
  make_default.is_default = true;
  ASSERT_TRUE(svc_->ticket_fields.UpdateForm(admin_, b->id, make_default).ok());
  EXPECT_FALSE(svc_->ticket_fields.GetForm(admin_, first.id)->is_default);
  EXPECT_TRUE(svc_->ticket_fields.GetForm(admin_, b->id)->is_default);

  TicketFormInput unset;
  unset.is_default = false;
  EXPECT_EQ(svc_->ticket_fields.UpdateForm(admin_, b->id, unset).status().code(),
            ErrorCode::kValidation);
  EXPECT_EQ(svc_->ticket_fields.DeleteForm(admin_, b->id).code(), ErrorCode::kValidation);
  EXPECT_TRUE(svc_->ticket_fields.DeleteForm(admin_, first.id).ok());
  auto c = Form("C");
  c.is_default = true;
  auto created = svc_->ticket_fields.CreateForm(admin_, c);
  ASSERT_TRUE(created.ok());
  auto forms = svc_->ticket_fields.ListForms(admin_);
  EXPECT_EQ(std::count_if(forms->begin(), forms->end(), [](const auto& f) { return f.is_default; }),
            1);
}

TEST_F(TicketFieldServiceTest, EndUsersSeeVisibleActiveFormsAndFiltersApply) {
  auto hidden = Form("Internal");
  hidden.end_user_visible = false;
  auto h = svc_->ticket_fields.CreateForm(admin_, hidden);
  auto inactive = Form("Old");
  inactive.active = false;
  ASSERT_TRUE(svc_->ticket_fields.CreateForm(admin_, inactive).ok());
  auto end_user = ContextFor(NewUser("Eve", domain::Role::kEndUser), domain::Role::kEndUser);
  auto seen = svc_->ticket_fields.ListForms(end_user);
  ASSERT_TRUE(seen.ok());
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ(seen->front().name, "Default Ticket Form");
  EXPECT_EQ(svc_->ticket_fields.GetForm(end_user, h->id).status().code(), ErrorCode::kNotFound);
  TicketFormFilter only_inactive;
  only_inactive.active = false;
  EXPECT_EQ(svc_->ticket_fields.ListForms(admin_, only_inactive)->size(), 1u);
  EXPECT_EQ(svc_->ticket_fields.GetForms(admin_, {h->id, TicketFormId(9999)})->size(), 1u);
}

TEST_F(TicketFieldServiceTest, ReorderAndCloneForms) {
  auto a = svc_->ticket_fields.ListForms(admin_)->front();
  auto b = svc_->ticket_fields.CreateForm(admin_, Form("B"));
  auto list = svc_->ticket_fields.ReorderForms(admin_, {b->id, a.id});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->front().id, b->id);
  auto clone = svc_->ticket_fields.CloneForm(admin_, a.id, /*prepend_title=*/true);
  ASSERT_TRUE(clone.ok()) << clone.status().ToString();
  EXPECT_EQ(clone->name, "Clone of Default Ticket Form");
  EXPECT_FALSE(clone->is_default);
  EXPECT_EQ(clone->ticket_field_ids, a.ticket_field_ids);
  EXPECT_NE(clone->id, a.id);
}

// --- ticket values ---

TEST_F(TicketFieldServiceTest, ValidatesEachTypeOfValue) {
  auto text = Create(Field("text", "Text"));
  auto area = Create(Field("textarea", "Area"));
  auto integer = Create(Field("integer", "Int"));
  auto decimal = Create(Field("decimal", "Dec"));
  auto date = Create(Field("date", "Date"));
  auto check = Create(Field("checkbox", "Check"));
  auto re_in = Field("regexp", "Code");
  re_in.regexp_for_validation = "[A-Z]{3}";
  auto re = Create(re_in);
  auto tagger = Create(Dropdown("tagger", "Plan", {{"Gold", "gold"}, {"Silver", "silver"}}));
  auto multi = Create(Dropdown("multiselect", "Tags", {{"A", "opt_a"}, {"B", "opt_b"}}));

  auto good = Validate(Values({{text.id.value, "hello"},
                               {area.id.value, "long\ntext"},
                               {integer.id.value, 42},
                               {decimal.id.value, "1.50"},
                               {date.id.value, "2024-02-29"},
                               {check.id.value, true},
                               {re.id.value, "ABC"},
                               {tagger.id.value, "gold"},
                               {multi.id.value, json::array{"opt_b", "opt_a"}}}));
  ASSERT_TRUE(good.values.ok()) << good.values.status().ToString();
  const auto& v = *good.values;
  EXPECT_EQ(v.size(), 9u);
  EXPECT_EQ(ValueOf(v, integer.id), json::value("42"));
  EXPECT_EQ(ValueOf(v, decimal.id), json::value("1.50"));
  EXPECT_EQ(ValueOf(v, date.id), json::value("2024-02-29"));
  EXPECT_EQ(ValueOf(v, check.id), json::value(true));
  EXPECT_EQ(ValueOf(v, multi.id), (json::value(json::array{"opt_b", "opt_a"})));

  std::vector<std::pair<TicketFieldId, json::value>> bad;
  bad.emplace_back(integer.id, "forty");
  bad.emplace_back(integer.id, 1.5);
  bad.emplace_back(decimal.id, "1,5");
  bad.emplace_back(date.id, "2023-02-29");
  bad.emplace_back(date.id, "29/02/2024");
  bad.emplace_back(check.id, "maybe");
  bad.emplace_back(re.id, "abcd");
  bad.emplace_back(tagger.id, "bronze");
  bad.emplace_back(multi.id, json::array{"zz"});
  bad.emplace_back(text.id, json::object{});
  bad.emplace_back(text.id, std::string(65537, 'x'));
  for (const auto& [id, value] : bad) {
    auto r = Validate(Values({{id.value, value}}));
    EXPECT_TRUE(HasDetail(r.values.status(), "custom_fields", "InvalidValue"))
        << json::serialize(value);
  }
}

TEST_F(TicketFieldServiceTest, UnknownFieldIdIsNamedInThe422) {
  auto r = Validate(Values({{987654, "x"}}));
  ASSERT_TRUE(HasDetail(r.values.status(), "custom_fields", "InvalidValue"));
  EXPECT_NE(r.values.status().details()[0].description.find("987654"), std::string::npos);
  auto no_id = Validate(json::array{json::object{{"value", "x"}}});
  EXPECT_EQ(no_id.values.status().code(), ErrorCode::kValidation);
}

TEST_F(TicketFieldServiceTest, MergesIntoCurrentValuesAndNullClears) {
  auto a = Create(Field("text", "A"));
  auto b = Create(Field("text", "B"));
  auto c = Create(Field("integer", "C"));
  auto r = Validate(Values({{b.id.value, "new"}, {c.id.value, nullptr}}),
                    Values({{a.id.value, "keep"}, {b.id.value, "old"}, {c.id.value, "7"}}));
  ASSERT_TRUE(r.values.ok()) << r.values.status().ToString();
  EXPECT_EQ(*r.values, Values({{a.id.value, "keep"}, {b.id.value, "new"}}));
  // An empty string clears too; ids may come as strings.
  auto s = Validate(json::array{json::object{{"id", std::to_string(a.id.value)}, {"value", ""}}},
                    *r.values);
  ASSERT_TRUE(s.values.ok());
  EXPECT_EQ(*s.values, Values({{b.id.value, "new"}}));
}

TEST_F(TicketFieldServiceTest, OptionValueChangesSyncTags) {
  auto plan = Create(Dropdown("tagger", "Plan", {{"Gold", "gold"}, {"Silver", "silver"}}));
  auto medals =
      Create(Dropdown("multiselect", "Medals", {{"A", "m_a"}, {"B", "m_b"}, {"C", "m_c"}}));
  auto vip_in = Field("checkbox", "VIP");
  vip_in.tag = "vip";
  auto vip = Create(vip_in);

  auto first = Validate(Values({{plan.id.value, "gold"},
                                {medals.id.value, json::array{"m_a", "m_b"}},
                                {vip.id.value, true}}));
  ASSERT_TRUE(first.values.ok()) << first.values.status().ToString();
  EXPECT_EQ(first.add, (std::vector<std::string>{"gold", "m_a", "m_b", "vip"}));
  EXPECT_TRUE(first.remove.empty());

  auto second = Validate(Values({{plan.id.value, "silver"},
                                 {medals.id.value, json::array{"m_b", "m_c"}},
                                 {vip.id.value, false}}),
                         *first.values);
  ASSERT_TRUE(second.values.ok());
  EXPECT_EQ(second.add, (std::vector<std::string>{"silver", "m_c"}));
  EXPECT_EQ(second.remove, (std::vector<std::string>{"gold", "m_a", "vip"}));

  auto unchanged = Validate(Values({{plan.id.value, "silver"}}), *second.values);
  EXPECT_TRUE(unchanged.add.empty() && unchanged.remove.empty());
  auto cleared = Validate(Values({{plan.id.value, nullptr}}), *second.values);
  EXPECT_EQ(cleared.remove, (std::vector<std::string>{"silver"}));
}

TEST_F(TicketFieldServiceTest, RequiredFieldsMustBeSetToSolve) {
  auto in = Field("text", "Root cause");
  in.required = true;
  auto f = Create(in);
  Status st;
  ASSERT_TRUE(store_
                  ->Read([&](storage::Transaction& tx) {
                    st = TicketFieldService::CheckRequiredOnSolve(tx, account_, json::array{});
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_TRUE(HasDetail(st, "custom_fields", "BlankValue"));
  ASSERT_TRUE(store_
                  ->Read([&](storage::Transaction& tx) {
                    st = TicketFieldService::CheckRequiredOnSolve(tx, account_,
                                                                  Values({{f.id.value, "disk"}}));
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_TRUE(st.ok()) << st.ToString();
}

}  // namespace
}  // namespace comptoir::services
