#pragma once
// Login, bearer-token authentication and logout. Passwords are checked with argon2id on the
// CPU pool (never on an I/O thread); tokens are random, returned once, and stored hashed.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>

#include "cc/services/ports/agent_repository.hpp"
#include "cc/services/ports/audit_log.hpp"
#include "cc/services/ports/token_repository.hpp"

namespace cc::services {

struct LoginResult {
  std::string token;
  domain::TimePoint expires_at;
  domain::Agent agent;
};

class AuthService {
 public:
  AuthService(AgentRepository& agents, TokenRepository& tokens, AuditLog& audit,
              boost::asio::any_io_executor cpu_executor, std::chrono::hours token_ttl);

  boost::asio::awaitable<Result<LoginResult>> login(std::string email, std::string password);
  boost::asio::awaitable<Result<domain::Principal>> authenticate(std::string_view bearer_token);
  boost::asio::awaitable<Status> logout(std::string_view bearer_token);

  static std::string token_hash(std::string_view token);

 private:
  AgentRepository& agents_;
  TokenRepository& tokens_;
  AuditLog& audit_;
  boost::asio::any_io_executor cpu_;
  std::chrono::hours token_ttl_;
  std::string dummy_hash_;  // verified against for unknown emails, so timing reveals nothing
};

}  // namespace cc::services
