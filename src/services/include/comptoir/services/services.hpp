// Services: every use-case service of Comptoir, built on one store and clock. The
// composition root (app) creates one and hands it to the API. Thread-safe.
#pragma once

#include <boost/json/parse.hpp>
#include <memory>
#include <mutex>

#include "comptoir/services/account_service.hpp"
#include "comptoir/services/auth_service.hpp"
#include "comptoir/services/automation_service.hpp"
#include "comptoir/services/cluster.hpp"
#include "comptoir/services/custom_field_service.hpp"
#include "comptoir/services/custom_role_service.hpp"
#include "comptoir/services/delivery_service.hpp"
#include "comptoir/services/export_service.hpp"
#include "comptoir/services/group_service.hpp"
#include "comptoir/services/job_queue.hpp"
#include "comptoir/services/job_service.hpp"
#include "comptoir/services/macro_service.hpp"
#include "comptoir/services/organization_service.hpp"
#include "comptoir/services/password_reset_service.hpp"
#include "comptoir/services/schedule_service.hpp"
#include "comptoir/services/search_service.hpp"
#include "comptoir/services/session_service.hpp"
#include "comptoir/services/sla_service.hpp"
#include "comptoir/services/ticket_field_service.hpp"
#include "comptoir/services/ticket_metrics.hpp"
#include "comptoir/services/ticket_service.hpp"
#include "comptoir/services/trigger_service.hpp"
#include "comptoir/services/upload_service.hpp"
#include "comptoir/services/user_service.hpp"
#include "comptoir/services/view_service.hpp"

namespace comptoir::services {

struct ServicesOptions {
  AccountOptions accounts;
  AuthOptions auth;
  SessionOptions sessions;
  ClusterOptions cluster;
  QueueOptions queue;
  DeliveryOptions delivery;
  AutomationOptions automations;
  ExportOptions exports;
  PasswordResetOptions password_resets;  // public_url: the delivery placeholders' one
};

inline PasswordResetOptions PasswordResetOptionsOf(const ServicesOptions& o) {
  PasswordResetOptions r = o.password_resets;
  r.public_url = o.delivery.placeholders.public_url;
  return r;
}

struct Services {
  Services(storage::Store& store, const Clock& clock, storage::BlobStore& blobs,
           ServicesOptions options = {})
      : env{store, clock},
        cluster(env, options.cluster),
        queue(env, cluster.node_id(), options.queue),
        accounts(env, options.accounts),
        auth(env, options.auth),
        sessions(env, auth, options.sessions),
        users(env, auth),
        jobs(env, queue),
        organizations(env, auth),
        groups(env, auth),
        custom_roles(env, auth),
        custom_fields(env, auth),
        uploads(env, auth, blobs),
        ticket_fields(env, auth, blobs),
        triggers(env),
        schedules(env),
        tickets(env, users, uploads, ticket_fields, &triggers),
        macros(env, tickets, options.delivery.placeholders),
        delivery(env, queue, options.delivery),
        views(env, tickets),
        automations(env, tickets, options.automations),
        slas(env, queue),
        exports(env, options.exports),
        ticket_metrics(env, tickets),
        search(env, tickets),
        password_resets(env, queue, delivery, auth, PasswordResetOptionsOf(options)) {
    delivery.RegisterHandlers();
    password_resets.RegisterHandlers();
    // SLA clocks: every ticket write updates them in its transaction; breaches and
    // recomputes are jobs.
    slas.RegisterHandlers();
    // SLA business hours are the ticket's schedule; a schedule change recomputes targets.
    slas.SetScheduleLookup([this](storage::Transaction& tx, AccountId account,
                                  std::optional<std::int64_t> schedule_id) {
      return schedules.ForTicket(tx, account, schedule_id);
    });
    // Ticket metrics count business minutes in the ticket's schedule.
    tickets.metrics().SetBusinessTime([this](storage::Transaction& tx, AccountId account,
                                             std::optional<std::int64_t> schedule_id)
                                          -> Result<std::optional<domain::BusinessSeconds>> {
      auto schedule = schedules.ForTicket(tx, account, schedule_id);
      if (!schedule.ok()) return schedule.status();
      if (!schedule->has_value()) return std::optional<domain::BusinessSeconds>();
      return std::optional<domain::BusinessSeconds>([s = **schedule](Timestamp from, Timestamp to) {
        return s.BusinessSecondsBetween(from, to);
      });
    });
    schedules.SetChangeHook(
        [this](storage::Transaction& tx, AccountId account, std::int64_t schedule_id) {
          return slas.OnScheduleChanged(tx, account, schedule_id);
        });
    tickets.SetSlaHook([this](storage::Transaction& tx, const domain::Ticket& before,
                              const domain::Ticket& after, bool creating,
                              const domain::Comment* comment) {
      return slas.OnTicketWritten(tx, before, after, creating, comment);
    });
    // Rule effects (notifications, webhooks, targets) of triggers and automations become
    // jobs in the ticket's transaction.
    auto sink = [this](storage::Transaction& tx, const Context& ctx, const domain::Ticket& ticket,
                       const domain::Audit& audit, const std::vector<rules::Effect>& effects,
                       boost::json::array& audit_events) {
      return delivery.ApplyEffects(tx, ctx, ticket, audit, effects, audit_events);
    };
    tickets.SetEffectSink(sink);
    automations.SetEffectSink(sink);
    // View counts read this node's own ticket writes at once (other nodes' through the
    // ticket events below).
    tickets.SetAfterWrite([this](AccountId account) { views.TicketsChanged(account); });
    // Triggers' business-hours conditions read the account's schedules at the update.
    tickets.SetBusinessHours([this](storage::Transaction& tx, AccountId account, Timestamp now) {
      return schedules.FactsAt(tx, account, now);
    });
    // Events of every node (after their commit): an enqueue wakes this node's idle
    // workers; a change of an account's triggers drops this node's compiled set; a ticket
    // change makes the account's cached view counts stale. The store may deliver an event
    // while these services are being destroyed: `alive_` is checked under its lock.
    store.Subscribe([this, alive = alive_](const std::string& event) {
      std::lock_guard lock(alive->mu);
      if (alive->gone) return;
      OnEvent(event);
    });
  }
  ~Services() {
    std::lock_guard lock(alive_->mu);
    alive_->gone = true;
  }
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  // Joins the cluster and starts the job workers (after every Register).
  Status Start() {
    // Rows written before the search index existed (or by the demo seeder) get indexed.
    COMPTOIR_RETURN_IF_ERROR(search.Backfill(1000).status());
    COMPTOIR_RETURN_IF_ERROR(cluster.Start());
    queue.Start();
    return Status::Ok();
  }
  // Stops taking jobs and leaves the cluster.
  void Stop() {
    queue.Stop();
    cluster.Stop();
  }

  void OnEvent(const std::string& event) {
    if (event.find(R"("type":"queue")") != std::string::npos) {
      queue.Wake();
      return;
    }
    const bool triggers_changed = event.find(R"("type":"triggers")") != std::string::npos;
    const bool ticket_changed = event.find(R"("type":"ticket")") != std::string::npos;
    const bool schedules_changed = event.find(R"("type":"schedules")") != std::string::npos;
    if (!triggers_changed && !ticket_changed && !schedules_changed) return;
    boost::system::error_code ec;
    auto v = boost::json::parse(event, ec);
    if (ec || !v.is_object()) return;
    const auto* id = v.get_object().if_contains("account_id");
    if (id == nullptr || !id->is_int64()) return;
    if (triggers_changed) triggers.Invalidate(AccountId(id->get_int64()));
    if (ticket_changed) views.TicketsChanged(AccountId(id->get_int64()));
    if (schedules_changed) schedules.Invalidate(AccountId(id->get_int64()));
  }

  struct Alive {
    std::mutex mu;
    bool gone = false;
  };
  std::shared_ptr<Alive> alive_ = std::make_shared<Alive>();  // first: built before the rest

  ServiceEnv env;
  Cluster cluster;          // this node: heartbeat, live nodes, once-per-period tasks
  JobQueue queue;           // the leased job queue shared by every node
  AccountService accounts;  // tenants: the account a Host header addresses
  AuthService auth;
  SessionService sessions;  // browser sessions (cookie + CSRF token)
  UserService users;
  JobService jobs;
  OrganizationService organizations;  // organisations, memberships, tags
  GroupService groups;                // groups and group memberships
  CustomRoleService custom_roles;
  CustomFieldService custom_fields;  // user_fields and organization_fields
  UploadService uploads;             // uploads and attachments (blob store)
  TicketFieldService ticket_fields;  // ticket fields and ticket forms
  TriggerService triggers;           // triggers and trigger categories (business rules)
  ScheduleService schedules;         // business-hours schedules and holidays
  TicketService tickets;             // tickets, comments, audits, requests
  MacroService macros;               // macros: canned responses applied to tickets
  DeliveryService delivery;          // webhooks, targets, e-mail, broadcasts (side effects)
  ViewService views;                 // views: saved ticket lists and their counts
  AutomationService automations;     // time-based rules and their hourly sweep
  SlaService slas;                   // SLA policies, metric clocks, breach jobs
  ExportService exports;             // incremental exports (tickets, users, orgs, events)
  // The reads of the ticket metric sets.
  TicketMetricService ticket_metrics;
  SearchService search;                  // /search: the full-text index and the query language
  PasswordResetService password_resets;  // "forgot password" e-mails and their tokens
};

}  // namespace comptoir::services
