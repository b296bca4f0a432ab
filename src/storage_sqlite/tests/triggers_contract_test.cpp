// The storage contract for trigger categories and triggers, on every store.
#include "store_fixture.hpp"

namespace comptoir {
namespace {

namespace json = boost::json;
using storage::Transaction;

class TriggerStoreTest : public testing::StoreContractTest {};

domain::Trigger Sample(AccountId account, std::string title, int position) {
  domain::Trigger t;
  t.account_id = account;
  t.title = std::move(title);
  t.raw_title = t.title;
  t.description = "desc";
  t.position = position;
  t.conditions.all = {{"update_type", "is", json::value("Create")},
                      {"group_id", "is", json::value(nullptr)}};
  t.conditions.any = {{"current_tags", "includes", json::value("a b")}};
  t.actions = {{"notification_user", json::array{"requester_id", "S {{ticket.id}}", "B é"}},
               {"priority", json::value("high")}};
  t.created_at = 100;
  t.updated_at = 200;
  return t;
}

TEST_P(TriggerStoreTest, TriggersReadBackWithEveryFieldInPositionOrder) {
  domain::TriggerId first;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    auto a = tx.triggers().Insert(Sample(account_, "Second", 2));
                    if (!a.ok()) return a.status();
                    auto b = tx.triggers().Insert(Sample(account_, "First", 1));
                    if (!b.ok()) return b.status();
                    first = *b;
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) {
                    auto got = tx.triggers().Get(account_, first);
                    EXPECT_TRUE(got.ok());
                    if (!got.ok()) return got.status();
                    domain::Trigger want = Sample(account_, "First", 1);
                    EXPECT_EQ(got->title, "First");
                    EXPECT_EQ(got->description, "desc");
                    EXPECT_TRUE(got->active);
                    EXPECT_FALSE(got->is_default);
                    EXPECT_EQ(got->conditions, want.conditions);
                    EXPECT_EQ(got->actions, want.actions);
                    EXPECT_EQ(got->created_at, 100);
                    auto list = tx.triggers().List(account_);
                    EXPECT_TRUE(list.ok());
                    EXPECT_EQ(list->size(), 2u);
                    EXPECT_EQ((*list)[0].title, "First");
                    // Other accounts see nothing.
                    EXPECT_EQ(
                        tx.triggers().Get(AccountId(account_.value + 99), first).status().code(),
                        ErrorCode::kNotFound);
                    EXPECT_TRUE(tx.triggers().List(AccountId(account_.value + 99))->empty());
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    auto t = tx.triggers().Get(account_, first);
                    if (!t.ok()) return t.status();
                    t->active = false;
                    t->is_default = true;
                    t->category_id = domain::TriggerCategoryId(5);
                    t->actions = {{"status", json::value("solved")}};
                    COMPTOIR_RETURN_IF_ERROR(tx.triggers().Update(*t));
                    auto n = tx.triggers().CountInCategory(account_, domain::TriggerCategoryId(5));
                    EXPECT_EQ(*n, 1);
                    auto back = tx.triggers().Get(account_, first);
                    EXPECT_FALSE(back->active);
                    EXPECT_TRUE(back->is_default);
                    EXPECT_EQ(back->actions.size(), 1u);
                    COMPTOIR_RETURN_IF_ERROR(tx.triggers().Delete(account_, first));
                    EXPECT_EQ(tx.triggers().Delete(account_, first).code(), ErrorCode::kNotFound);
                    return Status::Ok();
                  })
                  .ok());
}

TEST_P(TriggerStoreTest, CategoriesCrud) {
  ASSERT_TRUE(
      store_
          ->Write([&](Transaction& tx) {
            domain::TriggerCategory c;
            c.account_id = account_;
            c.name = "Notifications";
            c.position = 3;
            c.created_at = c.updated_at = 10;
            auto id = tx.trigger_categories().Insert(c);
            if (!id.ok()) return id.status();
            c.name = "Routing";
            c.position = 1;
            auto id2 = tx.trigger_categories().Insert(c);
            if (!id2.ok()) return id2.status();
            auto list = tx.trigger_categories().List(account_);
            EXPECT_EQ(list->size(), 2u);
            EXPECT_EQ((*list)[0].name, "Routing");
            auto got = tx.trigger_categories().Get(account_, *id);
            got->name = "Renamed";
            COMPTOIR_RETURN_IF_ERROR(tx.trigger_categories().Update(*got));
            EXPECT_EQ(tx.trigger_categories().Get(account_, *id)->name, "Renamed");
            EXPECT_EQ(
                tx.trigger_categories().Get(AccountId(account_.value + 1), *id).status().code(),
                ErrorCode::kNotFound);
            return tx.trigger_categories().Delete(account_, *id);
          })
          .ok());
}

INSTANTIATE_TEST_SUITE_P(Stores, TriggerStoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace comptoir
