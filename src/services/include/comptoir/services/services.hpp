// Services: every use-case service of Comptoir, built on one store and clock. The
// composition root (app) creates one and hands it to the API. Thread-safe.
#pragma once

#include "comptoir/services/auth_service.hpp"
#include "comptoir/services/custom_field_service.hpp"
#include "comptoir/services/custom_role_service.hpp"
#include "comptoir/services/group_service.hpp"
#include "comptoir/services/job_service.hpp"
#include "comptoir/services/organization_service.hpp"
#include "comptoir/services/ticket_field_service.hpp"
#include "comptoir/services/ticket_service.hpp"
#include "comptoir/services/upload_service.hpp"
#include "comptoir/services/user_service.hpp"

namespace comptoir::services {

struct Services {
  Services(storage::Store& store, const Clock& clock, storage::BlobStore& blobs,
           AuthOptions auth_options = {})
      : env{store, clock},
        auth(env, auth_options),
        users(env, auth),
        jobs(env),
        organizations(env, auth),
        groups(env, auth),
        custom_roles(env, auth),
        custom_fields(env, auth),
        uploads(env, auth, blobs),
        ticket_fields(env, auth, blobs),
        tickets(env, users, uploads, ticket_fields) {}

  ServiceEnv env;
  AuthService auth;
  UserService users;
  JobService jobs;
  OrganizationService organizations;  // organisations, memberships, tags
  GroupService groups;                // groups and group memberships
  CustomRoleService custom_roles;
  CustomFieldService custom_fields;  // user_fields and organization_fields
  UploadService uploads;             // uploads and attachments (blob store)
  TicketFieldService ticket_fields;  // ticket fields and ticket forms
  TicketService tickets;             // tickets, comments, audits, requests
};

}  // namespace comptoir::services
