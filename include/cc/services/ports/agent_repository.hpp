#pragma once
// Port: agents (users of every role). Implemented by store/pg/pg_agent_repository.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

struct NewAgent {
  std::string email;
  std::string name;
  std::string password_hash;
  domain::Role role = domain::Role::agent;
};

struct AgentPatch {
  std::optional<std::string> name;
  std::optional<std::string> password_hash;
  std::optional<domain::Role> role;
  std::optional<bool> active;
  // nullopt: unchanged; "": cleared; otherwise an already validated sip:/sips: URI.
  std::optional<std::string> sip_uri;
};

struct AgentCredentials {
  domain::Agent agent;
  std::string password_hash;
};

class AgentRepository {
 public:
  virtual ~AgentRepository() = default;
  // conflict when the email is taken (case-insensitive).
  virtual boost::asio::awaitable<Result<domain::Agent>> create(NewAgent agent) = 0;
  virtual boost::asio::awaitable<Result<domain::Agent>> get(domain::Id id) = 0;
  virtual boost::asio::awaitable<Result<AgentCredentials>> find_by_email(std::string email) = 0;
  virtual boost::asio::awaitable<Result<domain::Page<domain::Agent>>> list(
      std::optional<domain::Id> after, int limit) = 0;
  virtual boost::asio::awaitable<Result<domain::Agent>> update(domain::Id id, AgentPatch patch) = 0;
  virtual boost::asio::awaitable<Result<domain::Agent>> set_status(domain::Id id,
                                                                   domain::AgentStatus status) = 0;
  // Ids of online agents, and of online supervisors/admins (who watch the whole floor).
  virtual boost::asio::awaitable<Result<std::vector<domain::Id>>> online_agent_ids() = 0;
  virtual boost::asio::awaitable<Result<std::vector<domain::Id>>> online_supervisor_ids() = 0;
};

}  // namespace cc::services
