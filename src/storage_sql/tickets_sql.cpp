// SQL for tickets (with their tag and collaborator side tables), comments, audits and
// attachments.
#include <algorithm>
#include <ctime>

#include "condition_sql.hpp"
#include "repos_internal.hpp"
#include "sql_util.hpp"

namespace comptoir::sql {

namespace {

constexpr const char* kTicketCols =
    "id, account_id, external_id, subject, raw_subject, description, recipient, status, "
    "priority, type, requester_id, submitter_id, assignee_id, organization_id, group_id, "
    "brand_id, ticket_form_id, problem_id, collaborator_ids, follower_ids, email_cc_ids, tags, "
    "custom_fields, via_channel, via_source, is_public, due_at, created_at, updated_at, "
    "solved_at, deleted_at, status_updated_at, initially_assigned_at, assigned_at, "
    "requester_updated_at, assignee_updated_at, reopens, replies, satisfaction_score, "
    "schedule_id, sla_next_breach_at, sla_last_breach_at, generated_timestamp";

}  // namespace

const char* const kTicketColumns = kTicketCols;

domain::Ticket MapTicket(const Row& r) {
  domain::Ticket t;
  t.id = TicketId(r.Int(0));
  t.account_id = AccountId(r.Int(1));
  t.external_id = r.Text(2);
  t.subject = r.Text(3);
  t.raw_subject = r.Text(4);
  t.description = r.Text(5);
  t.recipient = r.Text(6);
  t.status = static_cast<domain::TicketStatus>(r.Int(7));
  t.priority = static_cast<domain::TicketPriority>(r.Int(8));
  t.type = static_cast<domain::TicketType>(r.Int(9));
  t.requester_id = UserId(r.Int(10));
  t.submitter_id = UserId(r.Int(11));
  t.assignee_id = UserId(r.Int(12));
  t.organization_id = OrganizationId(r.Int(13));
  t.group_id = GroupId(r.Int(14));
  t.brand_id = r.Int(15);
  t.ticket_form_id = TicketFormId(r.Int(16));
  t.problem_id = TicketId(r.Int(17));
  t.collaborator_ids = IdsFromJson(r.Text(18));
  t.follower_ids = IdsFromJson(r.Text(19));
  t.email_cc_ids = IdsFromJson(r.Text(20));
  t.tags = StringListFromJson(r.Text(21));
  t.custom_fields = ArrayFromJson(r.Text(22));
  t.via_channel = r.Text(23);
  t.via_source = r.Text(24);
  t.is_public = r.Bool(25);
  t.due_at = r.Int(26);
  t.created_at = r.Int(27);
  t.updated_at = r.Int(28);
  t.solved_at = r.Int(29);
  t.deleted_at = r.Int(30);
  t.status_updated_at = r.Int(31);
  t.initially_assigned_at = r.Int(32);
  t.assigned_at = r.Int(33);
  t.requester_updated_at = r.Int(34);
  t.assignee_updated_at = r.Int(35);
  t.reopens = static_cast<int>(r.Int(36));
  t.replies = static_cast<int>(r.Int(37));
  t.satisfaction_score = r.Text(38);
  if (!r.IsNull(39)) t.schedule_id = r.Int(39);
  t.sla_next_breach_at = r.Int(40);  // written by the SLA repository only
  t.sla_last_breach_at = r.Int(41);
  t.generated_timestamp = r.Int(42);
  return t;
}

namespace {

Params TicketValues(const domain::Ticket& t) {
  return {t.account_id.value,
          TextOrNull(t.external_id),
          t.subject,
          t.raw_subject,
          t.description,
          t.recipient,
          static_cast<std::int64_t>(t.status),
          static_cast<std::int64_t>(t.priority),
          static_cast<std::int64_t>(t.type),
          t.requester_id.value,
          t.submitter_id.value,
          IdOrNull(t.assignee_id.value),
          IdOrNull(t.organization_id.value),
          IdOrNull(t.group_id.value),
          IdOrNull(t.brand_id),
          IdOrNull(t.ticket_form_id.value),
          IdOrNull(t.problem_id.value),
          IdsToJson(t.collaborator_ids),
          IdsToJson(t.follower_ids),
          IdsToJson(t.email_cc_ids),
          ToJson(t.tags),
          boost::json::serialize(t.custom_fields),
          t.via_channel,
          t.via_source,
          Bool(t.is_public),
          t.due_at,
          t.created_at,
          t.updated_at,
          t.solved_at,
          t.deleted_at,
          t.status_updated_at,
          t.initially_assigned_at,
          t.assigned_at,
          t.requester_updated_at,
          t.assignee_updated_at,
          static_cast<std::int64_t>(t.reopens),
          static_cast<std::int64_t>(t.replies),
          t.satisfaction_score,
          t.schedule_id ? Value(*t.schedule_id) : Value()};
}

// The export stream position of a write (incremental exports): the wall-clock second of
// the write, or the ticket's own updated_at / deleted_at when later. Update keeps the
// stored value when it is larger, so a ticket never moves back in the stream.
Timestamp GeneratedTimestamp(const domain::Ticket& t) {
  const Timestamp wall = static_cast<Timestamp>(std::time(nullptr));
  return std::max({wall, t.updated_at, t.deleted_at, t.created_at});
}

Params WithGenerated(Params p, Timestamp gen) {
  p.emplace_back(gen);
  return p;
}

}  // namespace

std::string TicketWhere(AccountId account, const TicketFilter& f, Params& params) {
  std::string where = "account_id = ?";
  params.emplace_back(account.value);
  where += f.deleted ? " AND deleted_at <> 0" : " AND deleted_at = 0";
  auto eq = [&](const char* col, std::int64_t v) {
    if (v == 0) return;
    where += std::string(" AND ") + col + " = ?";
    params.emplace_back(v);
  };
  eq("requester_id", f.requester_id.value);
  eq("assignee_id", f.assignee_id.value);
  eq("organization_id", f.organization_id.value);
  eq("group_id", f.group_id.value);
  eq("problem_id", f.problem_id.value);
  if (f.cc_user_id) {
    where +=
        " AND id IN (SELECT ticket_id FROM ticket_collaborators WHERE account_id = ? AND "
        "user_id = ? AND kind IN (0, 2))";
    params.emplace_back(account.value);
    params.emplace_back(f.cc_user_id.value);
  }
  if (!f.external_id.empty()) {
    where += " AND external_id = ?";
    params.emplace_back(f.external_id);
  }
  if (!f.statuses.empty()) {
    where += " AND status IN (" + Placeholders(f.statuses.size()) + ")";
    for (auto s : f.statuses) params.emplace_back(static_cast<std::int64_t>(s));
  }
  if (f.updated_since) {
    where += " AND updated_at >= ?";
    params.emplace_back(f.updated_since);
  }
  if (f.restricted) {
    const std::int64_t me = f.restricted_user.value;
    std::string own =
        "requester_id = ? OR id IN (SELECT ticket_id FROM ticket_collaborators WHERE "
        "account_id = ? AND user_id = ?)";
    Params own_params{me, account.value, me};
    if (f.restricted_is_staff) {
      where += " AND (" + own + " OR assignee_id = ?";
      for (auto& p : own_params) params.push_back(p);
      params.emplace_back(me);
      if (!f.restricted_groups.empty()) {
        where += " OR group_id IN (" + Placeholders(f.restricted_groups.size()) + ")";
        for (auto g : f.restricted_groups) params.emplace_back(g.value);
      }
      where += ")";
    } else {
      where += " AND (" + own;
      for (auto& p : own_params) params.push_back(p);
      if (!f.restricted_shared_organizations.empty()) {
        where += " OR (is_public = 1 AND organization_id IN (" +
                 Placeholders(f.restricted_shared_organizations.size()) + "))";
        for (auto o : f.restricted_shared_organizations) params.emplace_back(o.value);
      }
      where += ")";
    }
  }
  return where;
}

namespace {

constexpr const char* kCommentCols =
    "id, account_id, ticket_id, audit_id, author_id, body, html_body, plain_body, is_public, "
    "via_channel, metadata, created_at";

domain::Comment MapComment(const Row& r) {
  domain::Comment c;
  c.id = CommentId(r.Int(0));
  c.account_id = AccountId(r.Int(1));
  c.ticket_id = TicketId(r.Int(2));
  c.audit_id = AuditId(r.Int(3));
  c.author_id = UserId(r.Int(4));
  c.body = r.Text(5);
  c.html_body = r.Text(6);
  c.plain_body = r.Text(7);
  c.is_public = r.Bool(8);
  c.via_channel = r.Text(9);
  c.metadata = r.Text(10);
  c.created_at = r.Int(11);
  return c;
}

constexpr const char* kAuditCols =
    "id, account_id, ticket_id, author_id, via_channel, via_source, metadata, events, "
    "created_at";

domain::Audit MapAudit(const Row& r) {
  domain::Audit a;
  a.id = AuditId(r.Int(0));
  a.account_id = AccountId(r.Int(1));
  a.ticket_id = TicketId(r.Int(2));
  a.author_id = UserId(r.Int(3));
  a.via_channel = r.Text(4);
  a.via_source = r.Text(5);
  a.metadata = r.Text(6);
  a.events = ArrayFromJson(r.Text(7));
  a.created_at = r.Int(8);
  return a;
}

}  // namespace

const char* const kAuditColumns = kAuditCols;
domain::Audit MapTicketAudit(const Row& r) { return MapAudit(r); }

namespace {

constexpr const char* kAttachmentCols =
    "id, account_id, upload_token, comment_id, ticket_id, uploader_id, file_name, "
    "content_type, content_hash, size, is_inline, redacted, created_at";

domain::Attachment MapAttachment(const Row& r) {
  domain::Attachment a;
  a.id = AttachmentId(r.Int(0));
  a.account_id = AccountId(r.Int(1));
  a.upload_token = r.Text(2);
  a.comment_id = CommentId(r.Int(3));
  a.ticket_id = TicketId(r.Int(4));
  a.uploader_id = UserId(r.Int(5));
  a.file_name = r.Text(6);
  a.content_type = r.Text(7);
  a.content_hash = r.Text(8);
  a.size = r.Int(9);
  a.is_inline = r.Bool(10);
  a.redacted = r.Bool(11);
  a.created_at = r.Int(12);
  return a;
}

}  // namespace

std::string TicketAccessWhere(AccountId account, const TicketFilter& f, Params& params) {
  return TicketWhere(account, f, params);
}

// --- tickets ---

Result<domain::Ticket> SqlTickets::Get(AccountId account, TicketId id) {
  return One<domain::Ticket>(c_.Query(std::string("SELECT ") + kTicketCols +
                                          " FROM tickets WHERE account_id = ? AND id = ?",
                                      {account.value, id.value}),
                             MapTicket);
}

Result<std::vector<domain::Ticket>> SqlTickets::GetMany(AccountId account,
                                                        const std::vector<TicketId>& ids) {
  if (ids.empty()) return std::vector<domain::Ticket>{};
  Params params{account.value};
  for (auto id : ids) params.emplace_back(id.value);
  return All<domain::Ticket>(c_.Query(std::string("SELECT ") + kTicketCols +
                                          " FROM tickets WHERE +account_id = ? AND id IN (" +
                                          Placeholders(ids.size()) + ") ORDER BY id",
                                      params),
                             MapTicket);
}

Result<Page<domain::Ticket>> SqlTickets::List(AccountId account, const TicketFilter& filter,
                                              const PageRequest& page) {
  Params params;
  std::string where = TicketWhere(account, filter, params);
  static const std::vector<std::string> kSortable = {"id",     "created_at", "updated_at",
                                                     "status", "priority",   "subject"};
  if (!page.cursor && filter.sort_by != "id" &&
      std::find(kSortable.begin(), kSortable.end(), filter.sort_by) != kSortable.end()) {
    // Offset pages sorted by another column (id breaks ties).
    Page<domain::Ticket> out;
    if (page.count) {
      auto n = c_.Query("SELECT COUNT(*) FROM tickets WHERE " + where, params);
      if (!n.ok()) return std::move(n).TakeStatus();
      out.total = (*n)[0].Int(0);
    }
    const char* dir = page.descending ? " DESC" : " ASC";
    std::string sql = std::string("SELECT ") + kTicketCols + " FROM tickets WHERE " + where +
                      " ORDER BY " + filter.sort_by + dir + ", id" + dir + " LIMIT ? OFFSET ?";
    params.emplace_back(static_cast<std::int64_t>(page.limit + 1));
    params.emplace_back(static_cast<std::int64_t>(page.offset));
    auto rows = c_.Query(sql, params);
    if (!rows.ok()) return std::move(rows).TakeStatus();
    out.has_more = static_cast<int>(rows->size()) > page.limit;
    if (out.has_more) rows->pop_back();
    for (const auto& r : *rows) out.items.push_back(MapTicket(r));
    out.has_before = page.offset > 0;
    return out;
  }
  return RunPaged<domain::Ticket>(c_, kTicketCols, "tickets", where, std::move(params), page, "id",
                                  MapTicket);
}

Result<std::int64_t> SqlTickets::Count(AccountId account, const TicketFilter& filter) {
  Params params;
  std::string where = TicketWhere(account, filter, params);
  auto rows = c_.Query("SELECT COUNT(*) FROM tickets WHERE " + where, params);
  if (!rows.ok()) return std::move(rows).TakeStatus();
  return (*rows)[0].Int(0);
}

Status SqlTickets::WriteSideTables(const domain::Ticket& t) {
  const Params key{t.account_id.value, t.id.value};
  for (const char* sql :
       {"DELETE FROM ticket_tags WHERE account_id = ? AND ticket_id = ?",
        "DELETE FROM ticket_collaborators WHERE account_id = ? AND ticket_id = ?"}) {
    auto n = c_.Exec(sql, key);
    if (!n.ok()) return std::move(n).TakeStatus();
  }
  for (const auto& tag : t.tags) {
    auto n = c_.Exec("INSERT INTO ticket_tags (account_id, ticket_id, tag) VALUES (?, ?, ?)",
                     {t.account_id.value, t.id.value, tag});
    if (!n.ok()) return std::move(n).TakeStatus();
  }
  // kind: 0 collaborator, 1 follower, 2 email CC.
  const std::vector<std::int64_t>* lists[] = {&t.collaborator_ids, &t.follower_ids,
                                              &t.email_cc_ids};
  for (std::int64_t kind = 0; kind < 3; ++kind) {
    for (auto user : *lists[kind]) {
      auto n = c_.Exec(
          "INSERT INTO ticket_collaborators (account_id, ticket_id, user_id, kind) "
          "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
          {t.account_id.value, t.id.value, user, kind});
      if (!n.ok()) return std::move(n).TakeStatus();
    }
  }
  return Status::Ok();
}

Result<TicketId> SqlTickets::Insert(const domain::Ticket& t) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO tickets (account_id, external_id, subject, raw_subject, description, "
      "recipient, status, priority, type, requester_id, submitter_id, assignee_id, "
      "organization_id, group_id, brand_id, ticket_form_id, problem_id, collaborator_ids, "
      "follower_ids, email_cc_ids, tags, custom_fields, via_channel, via_source, is_public, "
      "due_at, created_at, updated_at, solved_at, deleted_at, status_updated_at, "
      "initially_assigned_at, assigned_at, requester_updated_at, assignee_updated_at, reopens, "
      "replies, satisfaction_score, schedule_id, generated_timestamp) VALUES (" +
          Placeholders(40) + ") RETURNING id",
      WithGenerated(TicketValues(t), GeneratedTimestamp(t)));
  if (!id.ok()) return std::move(id).TakeStatus();
  domain::Ticket copy = t;
  copy.id = TicketId(*id);
  COMPTOIR_RETURN_IF_ERROR(WriteSideTables(copy));
  return copy.id;
}

Status SqlTickets::Update(const domain::Ticket& t) {
  Params p = TicketValues(t);
  const Timestamp gen = GeneratedTimestamp(t);
  p.emplace_back(gen);
  p.emplace_back(gen);
  p.emplace_back(t.account_id.value);
  p.emplace_back(t.id.value);
  COMPTOIR_RETURN_IF_ERROR(ExecOne(
      c_,
      "UPDATE tickets SET account_id = ?, external_id = ?, subject = ?, raw_subject = ?, "
      "description = ?, recipient = ?, status = ?, priority = ?, type = ?, requester_id = ?, "
      "submitter_id = ?, assignee_id = ?, organization_id = ?, group_id = ?, brand_id = ?, "
      "ticket_form_id = ?, problem_id = ?, collaborator_ids = ?, follower_ids = ?, "
      "email_cc_ids = ?, tags = ?, custom_fields = ?, via_channel = ?, via_source = ?, "
      "is_public = ?, due_at = ?, created_at = ?, updated_at = ?, solved_at = ?, deleted_at = ?, "
      "status_updated_at = ?, initially_assigned_at = ?, assigned_at = ?, "
      "requester_updated_at = ?, assignee_updated_at = ?, reopens = ?, replies = ?, "
      "satisfaction_score = ?, schedule_id = ?, generated_timestamp = CASE WHEN "
      "generated_timestamp > ? THEN generated_timestamp ELSE ? END WHERE account_id = ? AND "
      "id = ?",
      p));
  return WriteSideTables(t);
}

Status SqlTickets::Delete(AccountId account, TicketId id) {
  const Params key{account.value, id.value};
  for (const char* sql : {"DELETE FROM ticket_tags WHERE account_id = ? AND ticket_id = ?",
                          "DELETE FROM ticket_collaborators WHERE account_id = ? AND ticket_id = ?",
                          "DELETE FROM attachments WHERE account_id = ? AND ticket_id = ?",
                          "DELETE FROM ticket_comments WHERE account_id = ? AND ticket_id = ?",
                          "DELETE FROM ticket_audits WHERE account_id = ? AND ticket_id = ?"}) {
    auto n = c_.Exec(sql, key);
    if (!n.ok()) return std::move(n).TakeStatus();
  }
  return ExecOne(c_, "DELETE FROM tickets WHERE account_id = ? AND id = ?", key);
}

Result<std::vector<std::pair<std::string, std::int64_t>>> SqlTickets::TagCounts(AccountId account,
                                                                                int limit) {
  auto rows = c_.Query(
      "SELECT tt.tag, COUNT(*) AS n FROM ticket_tags tt JOIN tickets t ON t.id = tt.ticket_id "
      "WHERE tt.account_id = ? AND t.deleted_at = 0 GROUP BY tt.tag ORDER BY n DESC, tt.tag "
      "LIMIT ?",
      {account.value, static_cast<std::int64_t>(limit)});
  if (!rows.ok()) return std::move(rows).TakeStatus();
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (const auto& r : *rows) out.emplace_back(r.Text(0), r.Int(1));
  return out;
}

Status SqlTickets::ReassignUser(AccountId account, UserId from, UserId to) {
  // Requester and submitter move; collaborator lists are rewritten by the caller through
  // Update (they are JSON); the side table follows here for lookups.
  for (const char* sql :
       {"UPDATE tickets SET requester_id = ? WHERE account_id = ? AND requester_id = ?",
        "UPDATE tickets SET submitter_id = ? WHERE account_id = ? AND submitter_id = ?"}) {
    auto n = c_.Exec(sql, {to.value, account.value, from.value});
    if (!n.ok()) return std::move(n).TakeStatus();
  }
  return Status::Ok();
}

Result<Page<domain::Ticket>> SqlTickets::ListMatching(AccountId account, const TicketQuery& q,
                                                      const PageRequest& page) {
  Params params;
  std::string where = TicketWhere(account, q.filter, params);
  COMPTOIR_RETURN_IF_ERROR(CompileConditions(q, c_.dialect(), where, params));
  Page<domain::Ticket> out;
  const int limit = page.limit <= 0 ? 100 : page.limit;
  if (page.count) {
    auto n = c_.Query("SELECT COUNT(*) FROM tickets WHERE " + where, params);
    if (!n.ok()) return std::move(n).TakeStatus();
    out.total = (*n)[0].Int(0);
  }
  std::string sql = std::string("SELECT ") + kTicketCols + " FROM tickets WHERE " + where;
  if (page.cursor) {
    if (page.after_id) {
      sql += " AND tickets.id > ?";
      params.emplace_back(page.after_id);
    }
    sql += " ORDER BY tickets.id ASC LIMIT ?";
    params.emplace_back(static_cast<std::int64_t>(limit + 1));
  } else {
    auto order = CompileOrder(q);
    if (!order.ok()) return order.status();
    sql += " ORDER BY " + *order + " LIMIT ? OFFSET ?";
    params.emplace_back(static_cast<std::int64_t>(limit + 1));
    params.emplace_back(static_cast<std::int64_t>(page.offset));
  }
  auto rows = c_.Query(sql, params);
  if (!rows.ok()) return std::move(rows).TakeStatus();
  out.has_more = static_cast<int>(rows->size()) > limit;
  if (out.has_more) rows->pop_back();
  out.items.reserve(rows->size());
  for (const auto& r : *rows) out.items.push_back(MapTicket(r));
  out.has_before = page.cursor ? page.after_id != 0 : page.offset > 0;
  return out;
}

Result<std::int64_t> SqlTickets::CountMatching(AccountId account, const TicketQuery& q) {
  Params params;
  std::string where = TicketWhere(account, q.filter, params);
  COMPTOIR_RETURN_IF_ERROR(CompileConditions(q, c_.dialect(), where, params));
  auto rows = c_.Query("SELECT COUNT(*) FROM tickets WHERE " + where, params);
  if (!rows.ok()) return std::move(rows).TakeStatus();
  return (*rows)[0].Int(0);
}

Result<std::vector<TicketId>> SqlTickets::MatchingIds(AccountId account, const TicketQuery& q,
                                                      std::int64_t limit) {
  Params params;
  std::string where = TicketWhere(account, q.filter, params);
  COMPTOIR_RETURN_IF_ERROR(CompileConditions(q, c_.dialect(), where, params));
  params.emplace_back(limit);
  auto rows = c_.Query("SELECT tickets.id FROM tickets WHERE " + where + " LIMIT ?", params);
  if (!rows.ok()) return std::move(rows).TakeStatus();
  std::vector<TicketId> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.emplace_back(r.Int(0));
  return out;
}

// --- comments ---

Result<domain::Comment> SqlComments::Get(AccountId account, CommentId id) {
  return One<domain::Comment>(c_.Query(std::string("SELECT ") + kCommentCols +
                                           " FROM ticket_comments WHERE account_id = ? AND id = ?",
                                       {account.value, id.value}),
                              MapComment);
}

Result<Page<domain::Comment>> SqlComments::ListForTicket(AccountId account, TicketId ticket,
                                                         bool public_only,
                                                         const PageRequest& page) {
  std::string where = "account_id = ? AND ticket_id = ?";
  if (public_only) where += " AND is_public = 1";
  return RunPaged<domain::Comment>(c_, kCommentCols, "ticket_comments", where,
                                   {account.value, ticket.value}, page, "id", MapComment);
}

Result<std::vector<domain::Comment>> SqlComments::ListForAudits(
    AccountId account, const std::vector<AuditId>& audits) {
  if (audits.empty()) return std::vector<domain::Comment>{};
  Params params{account.value};
  for (auto a : audits) params.emplace_back(a.value);
  return All<domain::Comment>(
      c_.Query(std::string("SELECT ") + kCommentCols +
                   " FROM ticket_comments WHERE account_id = ? AND audit_id IN (" +
                   Placeholders(audits.size()) + ") ORDER BY id",
               params),
      MapComment);
}

Result<CommentId> SqlComments::Insert(const domain::Comment& c) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO ticket_comments (account_id, ticket_id, audit_id, author_id, body, "
      "html_body, plain_body, is_public, via_channel, metadata, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {c.account_id.value, c.ticket_id.value, c.audit_id.value, c.author_id.value, c.body,
       c.html_body, c.plain_body, Bool(c.is_public), c.via_channel,
       c.metadata.empty() ? std::string("{}") : c.metadata, c.created_at});
  if (!id.ok()) return std::move(id).TakeStatus();
  return CommentId(*id);
}

Status SqlComments::Update(const domain::Comment& c) {
  return ExecOne(c_,
                 "UPDATE ticket_comments SET author_id = ?, body = ?, html_body = ?, "
                 "plain_body = ?, is_public = ?, created_at = ? WHERE account_id = ? AND id = ?",
                 {c.author_id.value, c.body, c.html_body, c.plain_body, Bool(c.is_public),
                  c.created_at, c.account_id.value, c.id.value});
}

Status SqlComments::ReassignAuthor(AccountId account, UserId from, UserId to) {
  for (const char* sql :
       {"UPDATE ticket_comments SET author_id = ? WHERE account_id = ? AND author_id = ?",
        "UPDATE ticket_audits SET author_id = ? WHERE account_id = ? AND author_id = ?"}) {
    auto n = c_.Exec(sql, {to.value, account.value, from.value});
    if (!n.ok()) return std::move(n).TakeStatus();
  }
  return Status::Ok();
}

// --- audits ---

Result<domain::Audit> SqlAudits::Get(AccountId account, AuditId id) {
  return One<domain::Audit>(c_.Query(std::string("SELECT ") + kAuditCols +
                                         " FROM ticket_audits WHERE account_id = ? AND id = ?",
                                     {account.value, id.value}),
                            MapAudit);
}

Result<Page<domain::Audit>> SqlAudits::List(AccountId account, TicketId ticket,
                                            const PageRequest& page) {
  std::string where = "account_id = ?";
  Params params{account.value};
  if (ticket) {
    where += " AND ticket_id = ?";
    params.emplace_back(ticket.value);
  }
  return RunPaged<domain::Audit>(c_, kAuditCols, "ticket_audits", where, std::move(params), page,
                                 "id", MapAudit);
}

Result<AuditId> SqlAudits::Insert(const domain::Audit& a) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO ticket_audits (account_id, ticket_id, author_id, via_channel, via_source, "
      "metadata, events, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {a.account_id.value, a.ticket_id.value, a.author_id.value, a.via_channel, a.via_source,
       a.metadata.empty() ? std::string("{}") : a.metadata, boost::json::serialize(a.events),
       a.created_at});
  if (!id.ok()) return std::move(id).TakeStatus();
  return AuditId(*id);
}

Status SqlAudits::Update(const domain::Audit& a) {
  return ExecOne(
      c_,
      "UPDATE ticket_audits SET metadata = ?, events = ?, created_at = ? WHERE "
      "account_id = ? AND id = ?",
      {a.metadata, boost::json::serialize(a.events), a.created_at, a.account_id.value, a.id.value});
}

// --- attachments ---

Result<domain::Attachment> SqlAttachments::Get(AccountId account, AttachmentId id) {
  return One<domain::Attachment>(c_.Query(std::string("SELECT ") + kAttachmentCols +
                                              " FROM attachments WHERE account_id = ? AND id = ?",
                                          {account.value, id.value}),
                                 MapAttachment);
}

Result<std::vector<domain::Attachment>> SqlAttachments::ListByToken(AccountId account,
                                                                    std::string_view token) {
  return All<domain::Attachment>(
      c_.Query(std::string("SELECT ") + kAttachmentCols +
                   " FROM attachments WHERE account_id = ? AND upload_token = ? ORDER BY id",
               {account.value, std::string(token)}),
      MapAttachment);
}

Result<std::vector<domain::Attachment>> SqlAttachments::ListForComments(
    AccountId account, const std::vector<CommentId>& comments) {
  if (comments.empty()) return std::vector<domain::Attachment>{};
  Params params{account.value};
  for (auto c : comments) params.emplace_back(c.value);
  return All<domain::Attachment>(
      c_.Query(std::string("SELECT ") + kAttachmentCols +
                   " FROM attachments WHERE account_id = ? AND comment_id IN (" +
                   Placeholders(comments.size()) + ") ORDER BY id",
               params),
      MapAttachment);
}

Result<AttachmentId> SqlAttachments::Insert(const domain::Attachment& a) {
  auto id = InsertReturningId(
      c_,
      "INSERT INTO attachments (account_id, upload_token, comment_id, ticket_id, uploader_id, "
      "file_name, content_type, content_hash, size, is_inline, redacted, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {a.account_id.value, a.upload_token, IdOrNull(a.comment_id.value),
       IdOrNull(a.ticket_id.value), a.uploader_id.value, a.file_name, a.content_type,
       a.content_hash, a.size, Bool(a.is_inline), Bool(a.redacted), a.created_at});
  if (!id.ok()) return std::move(id).TakeStatus();
  return AttachmentId(*id);
}

Status SqlAttachments::Update(const domain::Attachment& a) {
  return ExecOne(c_,
                 "UPDATE attachments SET comment_id = ?, ticket_id = ?, file_name = ?, "
                 "content_type = ?, content_hash = ?, size = ?, is_inline = ?, redacted = ? "
                 "WHERE account_id = ? AND id = ?",
                 {IdOrNull(a.comment_id.value), IdOrNull(a.ticket_id.value), a.file_name,
                  a.content_type, a.content_hash, a.size, Bool(a.is_inline), Bool(a.redacted),
                  a.account_id.value, a.id.value});
}

Status SqlAttachments::Delete(AccountId account, AttachmentId id) {
  return ExecOne(c_, "DELETE FROM attachments WHERE account_id = ? AND id = ?",
                 {account.value, id.value});
}

Result<std::vector<domain::Attachment>> SqlAttachments::ListForTicket(AccountId account,
                                                                      TicketId ticket) {
  return All<domain::Attachment>(
      c_.Query(std::string("SELECT ") + kAttachmentCols +
                   " FROM attachments WHERE account_id = ? AND ticket_id = ? ORDER BY id",
               {account.value, ticket.value}),
      MapAttachment);
}

Result<std::vector<domain::Attachment>> SqlAttachments::ListUnclaimedBefore(Timestamp before,
                                                                            int limit) {
  return All<domain::Attachment>(
      c_.Query(std::string("SELECT ") + kAttachmentCols +
                   " FROM attachments WHERE comment_id IS NULL AND created_at < ? "
                   "ORDER BY id LIMIT ?",
               {before, static_cast<std::int64_t>(limit)}),
      MapAttachment);
}

Result<std::int64_t> SqlAttachments::CountByHash(std::string_view content_hash) {
  auto rows = c_.Query("SELECT COUNT(*) FROM attachments WHERE content_hash = ?",
                       {std::string(content_hash)});
  if (!rows.ok()) return std::move(rows).TakeStatus();
  return (*rows)[0].Int(0);
}

}  // namespace comptoir::sql
