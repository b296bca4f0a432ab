#include "comptoir/services/seeder.hpp"

#include <algorithm>
#include <array>
#include <random>
#include <string>
#include <vector>

#include "comptoir/html/sanitize.hpp"
#include "comptoir/search/search.hpp"
#include "comptoir/services/search_service.hpp"

namespace comptoir::services {

namespace {

constexpr std::array<const char*, 12> kSubjectsEn = {
    "Cannot sign in to my account",  "Invoice shows the wrong amount",
    "Refund for a double charge",    "Delivery is late",
    "How do I change my password?",  "The app crashes on start",
    "Please cancel my subscription", "Question about the new pricing",
    "Export to CSV fails",           "Two-factor code never arrives",
    "Order arrived damaged",         "Feature request: dark mode"};
constexpr std::array<const char*, 12> kSubjectsFr = {
    "Impossible de me connecter",
    "La facture indique un mauvais montant",
    "Remboursement d'un double débit",
    "La livraison est en retard",
    "Comment changer mon mot de passe ?",
    "L'application plante au démarrage",
    "Merci de résilier mon abonnement",
    "Question sur les nouveaux tarifs",
    "L'export CSV échoue",
    "Le code de double authentification n'arrive pas",
    "Commande reçue endommagée",
    "Demande de fonctionnalité : mode sombre"};
constexpr std::array<const char*, 10> kSentencesEn = {
    "I tried again this morning and it still does not work.",
    "Could you please look into this as soon as possible?",
    "The error message says something about a timeout.",
    "We have about forty people affected in our team.",
    "I already cleared the cache and restarted the browser.",
    "Thanks for the quick answer, that solved part of the problem.",
    "Attached is a screenshot of what I see.",
    "This started after the update last week.",
    "Our contract number is in the signature below.",
    "Is there a workaround while you investigate?"};
constexpr std::array<const char*, 10> kSentencesFr = {
    "J'ai réessayé ce matin et cela ne fonctionne toujours pas.",
    "Pourriez-vous regarder cela dès que possible ?",
    "Le message d'erreur parle d'un délai dépassé.",
    "Une quarantaine de personnes sont concernées dans notre équipe.",
    "J'ai déjà vidé le cache et redémarré le navigateur.",
    "Merci pour la réponse rapide, cela a résolu une partie du problème.",
    "Vous trouverez ci-joint une capture d'écran.",
    "Cela a commencé après la mise à jour de la semaine dernière.",
    "Notre numéro de contrat figure dans la signature ci-dessous.",
    "Existe-t-il une solution de contournement pendant l'analyse ?"};
constexpr std::array<const char*, 12> kSubjectsUk = {
    "Не можу увійти до облікового запису",
    "У рахунку неправильна сума",
    "Повернення коштів за подвійне списання",
    "Доставка затримується",
    "Як змінити пароль?",
    "Застосунок аварійно завершується під час запуску",
    "Прошу скасувати мою підписку",
    "Принтер не друкує після оновлення",
    "Експорт у CSV не працює",
    "Код двофакторної автентифікації не надходить",
    "Замовлення прибуло пошкодженим",
    "Запит на функцію: темна тема"};
constexpr std::array<const char*, 10> kSentencesUk = {
    "Я спробував ще раз сьогодні вранці, і це досі не працює.",
    "Чи не могли б ви переглянути це якнайшвидше?",
    "У повідомленні про помилку йдеться про тайм-аут.",
    "У нашій команді постраждало близько сорока людей.",
    "Я вже очистив кеш і перезапустив браузер.",
    "Дякую за швидку відповідь, частину проблеми вирішено.",
    "Додаю знімок екрана з тим, що я бачу.",
    "Це почалося після оновлення минулого тижня.",
    "Номер нашого договору вказано в підписі нижче.",
    "Чи є обхідний шлях, поки ви розбираєтеся?"};
// Words mixed into the text so that free-text searches have selective terms (the
// equipment, the places, the products of a help desk's everyday tickets).
constexpr std::array<const char*, 24> kThingsFr = {
    "imprimante", "scanner",       "routeur", "badge",      "ordinateur portable",
    "écran",      "clavier",       "VPN",     "messagerie", "agenda",
    "téléphone",  "facture",       "devis",   "contrat",    "colis",
    "entrepôt",   "désactivation", "réseau",  "sauvegarde", "tablette",
    "licence",    "casque",        "webcam",  "serveur"};
constexpr std::array<const char*, 24> kThingsEn = {
    "printer",      "scanner",  "router", "badge",   "laptop",  "screen",   "keyboard", "VPN",
    "mailbox",      "calendar", "phone",  "invoice", "quote",   "contract", "parcel",   "warehouse",
    "deactivation", "network",  "backup", "tablet",  "licence", "headset",  "webcam",   "server"};
constexpr std::array<const char*, 6> kGroups = {"Support",  "Facturation", "Technique",
                                                "Niveau 2", "Logistique",  "Ventes"};
constexpr std::array<const char*, 8> kTags = {"billing", "login",  "bug",     "refund",
                                              "vip",     "mobile", "feature", "shipping"};

enum class Lang { kEn, kFr, kUk };

// 2 to 4 sentences, one of them about a thing (the ticket's own, or another).
std::string Paragraph(std::mt19937& rng, Lang lang, const char* thing) {
  std::uniform_int_distribution<int> n(2, 4);
  std::uniform_int_distribution<std::size_t> pick(0, kSentencesEn.size() - 1);
  std::string out;
  const int count = n(rng);
  for (int i = count; i > 0; --i) {
    if (!out.empty()) out += ' ';
    out += lang == Lang::kFr   ? kSentencesFr[pick(rng)]
           : lang == Lang::kUk ? kSentencesUk[pick(rng)]
                               : kSentencesEn[pick(rng)];
    if (i == count && lang != Lang::kUk) {
      out += lang == Lang::kFr ? " Concerne : " : " About: ";
      out += thing;
      out += '.';
    }
  }
  return out;
}

}  // namespace

Result<SeedReport> Seeder::Run(AccountId account, const SeedOptions& o,
                               const std::function<void(std::int64_t)>& progress) {
  SeedReport report;
  std::mt19937 rng(o.random_seed);
  const Timestamp now = env_.clock.Now();
  std::vector<UserId> users;
  std::vector<UserId> agents;

  // Agents that work the tickets, then end users in batches.
  COMPTOIR_RETURN_IF_ERROR(env_.store.Read([&](storage::Transaction& tx) -> Status {
    storage::UserFilter f;
    f.roles = {domain::Role::kAgent, domain::Role::kAdmin};
    storage::PageRequest p;
    p.limit = 100;
    auto staff = tx.users().List(account, f, p);
    if (!staff.ok()) return staff.status();
    for (const auto& u : staff->items) agents.push_back(u.id);
    return Status::Ok();
  }));
  if (agents.empty()) return Invalid("base", "InvalidValue", "Seed needs at least one agent");
  for (std::int64_t done = 0; done < o.users;) {
    const std::int64_t n = std::min<std::int64_t>(o.batch * 5, o.users - done);
    COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](storage::Transaction& tx) -> Status {
      for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t k = done + i;
        domain::User u;
        u.account_id = account;
        u.name = "Customer " + std::to_string(k);
        u.email = "customer" + std::to_string(k) + "@seed.example";
        u.created_at = u.updated_at = now;
        auto id = tx.users().Insert(u);
        if (!id.ok()) return id.status();
        u.id = *id;
        // The search entry with the row (the start-up backfill runs once per database).
        COMPTOIR_RETURN_IF_ERROR(IndexUser(tx, u));
        domain::Identity ident;
        ident.account_id = account;
        ident.user_id = *id;
        ident.value = u.email;
        ident.primary = true;
        ident.created_at = ident.updated_at = now;
        COMPTOIR_RETURN_IF_ERROR(tx.identities().Insert(ident).status());
        users.push_back(*id);
      }
      return Status::Ok();
    }));
    done += n;
  }
  report.users = static_cast<std::int64_t>(users.size());

  std::uniform_int_distribution<std::size_t> any_user(0, users.size() - 1);
  std::uniform_int_distribution<std::size_t> any_agent(0, agents.size() - 1);
  std::uniform_int_distribution<std::size_t> any_subject(0, kSubjectsEn.size() - 1);
  std::uniform_int_distribution<std::size_t> any_tag(0, kTags.size() - 1);
  std::uniform_int_distribution<int> status(0, 4);
  std::uniform_int_distribution<int> priority(0, 4);
  std::uniform_int_distribution<int> coin(0, 1);
  std::uniform_int_distribution<Timestamp> age(0, 365 * 86400);
  std::uniform_int_distribution<int> percent(0, 99);
  std::uniform_int_distribution<std::size_t> any_thing(0, kThingsFr.size() - 1);

  // Groups: the account's default "Support" and a few more, found or created.
  std::vector<GroupId> groups;
  COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](storage::Transaction& tx) -> Status {
    storage::PageRequest all;
    all.limit = 1000;
    auto existing = tx.groups().List(account, storage::GroupFilter{}, all);
    if (!existing.ok()) return existing.status();
    for (const char* name : kGroups) {
      GroupId id;
      for (const auto& g : existing->items) {
        if (g.name == name) id = g.id;
      }
      if (!id) {
        domain::Group g;
        g.account_id = account;
        g.name = name;
        g.created_at = g.updated_at = now;
        auto gid = tx.groups().Insert(g);
        if (!gid.ok()) return gid.status();
        id = *gid;
      }
      groups.push_back(id);
    }
    return Status::Ok();
  }));
  std::uniform_int_distribution<std::size_t> any_group(0, groups.size() - 1);

  for (std::int64_t done = 0; done < o.tickets;) {
    const std::int64_t n = std::min<std::int64_t>(o.batch, o.tickets - done);
    COMPTOIR_RETURN_IF_ERROR(env_.store.Write([&](storage::Transaction& tx) -> Status {
      for (std::int64_t i = 0; i < n; ++i) {
        // 45 % French, 45 % English, 10 % Ukrainian.
        const int roll = percent(rng);
        const Lang lang = roll < 45 ? Lang::kFr : roll < 90 ? Lang::kEn : Lang::kUk;
        const std::size_t thing_at = any_thing(rng);
        const char* thing = lang == Lang::kFr ? kThingsFr[thing_at] : kThingsEn[thing_at];
        domain::Ticket t;
        t.account_id = account;
        t.subject = lang == Lang::kFr   ? kSubjectsFr[any_subject(rng)]
                    : lang == Lang::kUk ? kSubjectsUk[any_subject(rng)]
                                        : kSubjectsEn[any_subject(rng)];
        if (lang != Lang::kUk) {
          t.subject += " (";
          t.subject += thing;
          t.subject += ")";
        }
        t.group_id = groups[any_group(rng)];
        t.raw_subject = t.subject;
        t.requester_id = users[any_user(rng)];
        t.submitter_id = t.requester_id;
        t.status = static_cast<domain::TicketStatus>(status(rng));
        t.priority = static_cast<domain::TicketPriority>(priority(rng));
        if (t.status != domain::TicketStatus::kNew) t.assignee_id = agents[any_agent(rng)];
        t.tags = {kTags[any_tag(rng)]};
        t.via_channel = coin(rng) == 1 ? "email" : "web";
        t.created_at = now - age(rng);
        t.updated_at = std::min(t.created_at + 3600, now);  // never ahead of the clock
        t.status_updated_at = t.updated_at;
        t.requester_updated_at = t.created_at;
        if (t.assignee_id) t.initially_assigned_at = t.assigned_at = t.updated_at;
        if (t.status == domain::TicketStatus::kSolved) t.solved_at = t.updated_at;
        const bool long_one = done == 0 && i == 0 && o.long_ticket_comments > 0;
        const int comments = long_one ? o.long_ticket_comments : o.comments_per_ticket;
        std::string first = Paragraph(rng, lang, thing);
        // The search index entry, written with the ticket (as TicketService does).
        std::string public_text;
        std::string private_text;
        t.description = first;
        auto id = tx.tickets().Insert(t);
        if (!id.ok()) return id.status();
        if (long_one) report.long_ticket_id = id->value;
        for (int c = 0; c < comments; ++c) {
          domain::Audit a;
          a.account_id = account;
          a.ticket_id = *id;
          a.author_id = c % 2 == 0 ? t.requester_id : agents[any_agent(rng)];
          a.via_channel = t.via_channel;
          a.created_at = t.created_at + c * 600;
          auto aid = tx.audits().Insert(a);
          if (!aid.ok()) return aid.status();
          domain::Comment cm;
          cm.account_id = account;
          cm.ticket_id = *id;
          cm.audit_id = *aid;
          cm.author_id = a.author_id;
          cm.body = c == 0 ? first
                           : Paragraph(rng, lang,
                                       lang == Lang::kFr ? kThingsFr[any_thing(rng)]
                                                         : kThingsEn[any_thing(rng)]);
          cm.html_body = html::PlainToHtml(cm.body);
          cm.plain_body = cm.body;
          cm.is_public = c % 3 != 2;
          cm.via_channel = t.via_channel;
          cm.created_at = a.created_at;
          auto cid = tx.comments().Insert(cm);
          if (!cid.ok()) return cid.status();
          a.id = *aid;
          a.events.push_back(boost::json::object{{"type", "Comment"}, {"comment_id", cid->value}});
          COMPTOIR_RETURN_IF_ERROR(tx.audits().Update(a));
          ++report.comments;
          std::string& text = cm.is_public ? public_text : private_text;
          if (!text.empty()) text += ' ';
          text += search::IndexText(cm.body);
        }
        if (comments == 0) public_text = search::IndexText(first);
        COMPTOIR_RETURN_IF_ERROR(tx.search().IndexTicket(account, *id, search::IndexText(t.subject),
                                                         public_text, private_text));
      }
      return Status::Ok();
    }));
    done += n;
    report.tickets = done;
    if (progress) progress(done);
  }
  return report;
}

}  // namespace comptoir::services
