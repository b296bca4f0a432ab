// The side-effect tables (migration 6) on every store: webhooks with their filters and
// circuit, invocations and attempts, targets, e-mail settings (upsert), sent e-mails,
// broadcasts with per-reader read marks, and the queue's Postpone; all scoped by account.
#include "store_fixture.hpp"

namespace comptoir {
namespace {

using storage::Transaction;

class DeliveryContractTest : public testing::StoreContractTest {};

TEST_P(DeliveryContractTest, WebhooksInvocationsAndAttempts) {
  const AccountId elsewhere(account_.value + 1000);
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) -> Status {
                    auto& d = tx.delivery();
                    storage::Webhook w;
                    w.account_id = account_;
                    w.name = "Orders 100%_hook";
                    w.endpoint = "https://example.com/h";
                    w.signing_secret = "s";
                    w.authentication = R"({"type":"bearer_token"})";
                    w.created_at = w.updated_at = 10;
                    auto id = d.InsertWebhook(w);
                    EXPECT_TRUE(id.ok());
                    if (!id.ok()) return id.status();
                    w.name = "Other";
                    w.status = "inactive";
                    auto id2 = d.InsertWebhook(w);
                    EXPECT_TRUE(id2.ok());
                    storage::WebhookFilter f;
                    f.name_contains = "100%_";
                    auto list = d.ListWebhooks(account_, f, storage::PageRequest{});
                    EXPECT_TRUE(list.ok());
                    if (list.ok()) {
                      EXPECT_EQ(list->items.size(), 1U);
                      if (!list->items.empty()) {
                        EXPECT_EQ(list->items[0].id, *id);
                      }
                    }
                    f = {};
                    f.name_contains = "0%";  // LIKE wildcards are literal
                    list = d.ListWebhooks(account_, f, storage::PageRequest{});
                    EXPECT_TRUE(list.ok() && list->items.size() == 1);
                    f = {};
                    f.status = "inactive";
                    list = d.ListWebhooks(account_, f, storage::PageRequest{});
                    EXPECT_TRUE(list.ok() && list->items.size() == 1 && list->items[0].id == *id2);
                    EXPECT_EQ(d.GetWebhook(elsewhere, *id).status().code(), ErrorCode::kNotFound);
                    EXPECT_TRUE(d.SetWebhookCircuit(account_, *id, 3, 500).ok());
                    auto got = d.GetWebhook(account_, *id);
                    EXPECT_TRUE(got.ok());
                    if (got.ok()) {
                      EXPECT_EQ(got->consecutive_failures, 3);
                      EXPECT_EQ(got->circuit_open_until, 500);
                      EXPECT_EQ(got->authentication, R"({"type":"bearer_token"})");
                    }
                    storage::WebhookInvocation inv;
                    inv.account_id = account_;
                    inv.webhook_id = *id;
                    inv.status = "pending";
                    inv.created_at = inv.updated_at = 11;
                    auto i1 = d.InsertInvocation(inv);
                    auto i2 = d.InsertInvocation(inv);
                    EXPECT_TRUE(i1.ok() && i2.ok());
                    auto invs = d.ListInvocations(account_, *id, storage::PageRequest{});
                    EXPECT_TRUE(invs.ok() && invs->items.size() == 2 &&
                                invs->items[0].id == *i2);  // newest first
                    storage::WebhookAttempt a;
                    a.account_id = account_;
                    a.invocation_id = *i1;
                    a.status = "failed";
                    a.status_code = 500;
                    a.created_at = 12;
                    EXPECT_TRUE(d.InsertAttempt(a).ok());
                    a.status = "success";
                    a.status_code = 200;
                    EXPECT_TRUE(d.InsertAttempt(a).ok());
                    auto attempts = d.ListAttempts(account_, *i1);
                    EXPECT_TRUE(attempts.ok() && attempts->size() == 2 &&
                                (*attempts)[1].status_code == 200);
                    EXPECT_TRUE(d.ListAttempts(elsewhere, *i1)->empty());
                    EXPECT_EQ(d.DeleteWebhook(elsewhere, *id).code(), ErrorCode::kNotFound);
                    EXPECT_TRUE(d.DeleteWebhook(account_, *id).ok());
                    EXPECT_EQ(d.GetInvocation(account_, *i1).status().code(), ErrorCode::kNotFound);
                    EXPECT_TRUE(d.ListAttempts(account_, *i1)->empty());
                    return Status::Ok();
                  })
                  .ok());
}

TEST_P(DeliveryContractTest, SettingsSentEmailsBroadcastsTargets) {
  const AccountId elsewhere(account_.value + 1000);
  ASSERT_TRUE(
      store_
          ->Write([&](Transaction& tx) -> Status {
            auto& d = tx.delivery();
            EXPECT_EQ(d.GetEmailSettings(account_).status().code(), ErrorCode::kNotFound);
            storage::EmailSettings s;
            s.account_id = account_;
            s.smtp_host = "smtp.example.com";
            s.password = "pw";
            s.updated_at = 1;
            EXPECT_TRUE(d.PutEmailSettings(s).ok());
            s.smtp_port = 2525;
            s.updated_at = 2;
            EXPECT_TRUE(d.PutEmailSettings(s).ok());  // upsert
            auto got = d.GetEmailSettings(account_);
            EXPECT_TRUE(got.ok() && got->smtp_port == 2525 && got->password == "pw");
            EXPECT_EQ(d.GetEmailSettings(elsewhere).status().code(), ErrorCode::kNotFound);

            storage::SentEmail e;
            e.account_id = account_;
            e.ticket_id = TicketId(5);
            e.message_id = "m1@x";
            e.recipient = "a@x.com";
            EXPECT_TRUE(d.RecordSentEmail(e).ok());
            EXPECT_TRUE(d.RecordSentEmail(e).ok());  // recorded once
            e.message_id = "m2@x";
            EXPECT_TRUE(d.RecordSentEmail(e).ok());
            auto sent = d.ListSentEmails(account_, TicketId(5), 10);
            EXPECT_TRUE(sent.ok() && sent->size() == 2 && (*sent)[0].message_id == "m1@x");

            storage::Broadcast b;
            b.account_id = account_;
            b.author_id = UserId(1);
            b.subject = "s";
            b.message = "m";
            b.group_ids = {3, 4};
            b.created_at = 9;
            auto bid = d.InsertBroadcast(b, {UserId(7), UserId(8)});
            EXPECT_TRUE(bid.ok());
            if (!bid.ok()) return bid.status();
            auto mine = d.ListBroadcastsFor(account_, UserId(7), storage::PageRequest{});
            EXPECT_TRUE(mine.ok() && mine->items.size() == 1 &&
                        mine->items[0].group_ids == std::vector<std::int64_t>({3, 4}) &&
                        mine->items[0].read_at == 0);
            EXPECT_TRUE(
                d.ListBroadcastsFor(account_, UserId(9), storage::PageRequest{})->items.empty());
            EXPECT_EQ(d.MarkBroadcastRead(account_, *bid, UserId(9), 20).code(),
                      ErrorCode::kNotFound);
            EXPECT_EQ(d.MarkBroadcastRead(elsewhere, *bid, UserId(7), 20).code(),
                      ErrorCode::kNotFound);
            EXPECT_TRUE(d.MarkBroadcastRead(account_, *bid, UserId(7), 20).ok());
            EXPECT_TRUE(d.MarkBroadcastRead(account_, *bid, UserId(7), 30).ok());
            mine = d.ListBroadcastsFor(account_, UserId(7), storage::PageRequest{});
            EXPECT_TRUE(mine.ok() && mine->items[0].read_at == 20);  // first read kept
            auto other = d.ListBroadcastsFor(account_, UserId(8), storage::PageRequest{});
            EXPECT_TRUE(other.ok() && other->items[0].read_at == 0);
            auto all = d.ListAllBroadcasts(account_, storage::PageRequest{});
            EXPECT_TRUE(all.ok() && all->items.size() == 1 && all->items[0].id == *bid);
            EXPECT_TRUE(d.ListAllBroadcasts(elsewhere, storage::PageRequest{})->items.empty());
            EXPECT_EQ(d.DeleteBroadcast(elsewhere, *bid).code(), ErrorCode::kNotFound);
            EXPECT_TRUE(d.DeleteBroadcast(account_, *bid).ok());
            EXPECT_TRUE(
                d.ListBroadcastsFor(account_, UserId(7), storage::PageRequest{})->items.empty());
            EXPECT_EQ(d.DeleteBroadcast(account_, *bid).code(), ErrorCode::kNotFound);

            storage::Target t;
            t.account_id = account_;
            t.type = "http_target";
            t.title = "T";
            t.created_at = 1;
            auto tid = d.InsertTarget(t);
            EXPECT_TRUE(tid.ok());
            if (!tid.ok()) return tid.status();
            t.id = *tid;
            t.active = false;
            EXPECT_TRUE(d.UpdateTarget(t).ok());
            EXPECT_FALSE(d.GetTarget(account_, *tid)->active);
            EXPECT_TRUE(d.ListTargets(elsewhere)->empty());
            storage::TargetFailure f;
            f.account_id = account_;
            f.target_id = *tid;
            f.status_code = 502;
            auto fid = d.InsertTargetFailure(f);
            EXPECT_TRUE(fid.ok());
            EXPECT_EQ(d.GetTargetFailure(elsewhere, *fid).status().code(), ErrorCode::kNotFound);
            EXPECT_EQ(d.ListTargetFailures(account_, 10)->size(), 1U);
            EXPECT_EQ(d.DeleteTarget(elsewhere, *tid).code(), ErrorCode::kNotFound);
            EXPECT_TRUE(d.DeleteTarget(account_, *tid).ok());
            return Status::Ok();
          })
          .ok());
}

TEST_P(DeliveryContractTest, PostponeGivesTheAttemptBack) {
  std::int64_t id = 0;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) -> Status {
                    storage::QueuedJob j;
                    j.account_id = account_;
                    j.kind = "email";
                    j.payload = "{}";
                    j.idempotency_key = "k";
                    j.status = "queued";
                    j.run_at = j.created_at = j.updated_at = 100;
                    auto r = tx.queue().Enqueue(j);
                    if (!r.ok()) return r.status();
                    id = *r;
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) -> Status {
                    auto leased = tx.queue().Lease("n1", 100, 130, 1);
                    EXPECT_TRUE(leased.ok() && leased->size() == 1 && (*leased)[0].attempts == 1);
                    EXPECT_EQ(tx.queue().Postpone(id, "n2", 200, "wait", 101).code(),
                              ErrorCode::kFailedPrecondition);
                    return tx.queue().Postpone(id, "n1", 200, "circuit open", 101);
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([&](Transaction& tx) -> Status {
                    auto j = tx.queue().Get(account_, id);
                    EXPECT_TRUE(j.ok());
                    if (j.ok()) {
                      EXPECT_EQ(j->status, "queued");
                      EXPECT_EQ(j->attempts, 0);
                      EXPECT_EQ(j->run_at, 200);
                      EXPECT_EQ(j->last_error, "circuit open");
                    }
                    auto ready = tx.queue().AnyReady(150);
                    EXPECT_TRUE(ready.ok() && !*ready);
                    return Status::Ok();
                  })
                  .ok());
}

INSTANTIATE_TEST_SUITE_P(Stores, DeliveryContractTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace comptoir
