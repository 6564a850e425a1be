#include "cc/services/auth_service.hpp"

#include "cc/async/run_on.hpp"
#include "cc/crypto/encoding.hpp"
#include "cc/crypto/hmac.hpp"
#include "cc/crypto/password.hpp"
#include "cc/crypto/random.hpp"
#include "cc/domain/identifiers.hpp"

namespace cc::services {

AuthService::AuthService(AgentRepository& agents, TokenRepository& tokens, AuditLog& audit,
                         boost::asio::any_io_executor cpu_executor, std::chrono::hours token_ttl)
    : agents_(agents),
      tokens_(tokens),
      audit_(audit),
      cpu_(std::move(cpu_executor)),
      token_ttl_(token_ttl),
      dummy_hash_(crypto::hash_password(crypto::random_bytes(16))) {}

std::string AuthService::token_hash(std::string_view token) {
  return crypto::to_hex(crypto::sha256(token));
}

boost::asio::awaitable<Result<LoginResult>> AuthService::login(std::string email,
                                                               std::string password) {
  const auto normalized = domain::normalize_email(email);
  Result<AgentCredentials> found = Error::not_found("no such agent");
  if (normalized) found = co_await agents_.find_by_email(*normalized);
  if (!found && found.error().code != ErrorCode::not_found) co_return found.error();

  const std::string hash = found ? found->password_hash : dummy_hash_;
  auto checking = [hash, password] { return crypto::verify_password(password, hash); };
  const bool password_ok = co_await async::run_on(cpu_, std::move(checking));
  if (!found || !password_ok || !found->agent.active) {
    std::optional<domain::Id> who;
    if (found) who = found->agent.id;
    auto entry = audit_entry(who, "auth.login_failed", "agent", who ? std::to_string(*who) : "",
                             {{"email", normalized.value_or("")}});
    co_await audit_.record(std::move(entry));
    co_return Error::unauthorized("email or password is wrong");
  }
  LoginResult result{crypto::new_token("cct_"),
                     std::chrono::system_clock::now() + token_ttl_, found->agent};
  auto stored = co_await tokens_.store(result.agent.id, token_hash(result.token), result.expires_at);
  if (!stored) co_return stored.error();
  auto entry = audit_entry(result.agent.id, "auth.login", "agent", std::to_string(result.agent.id));
  co_await audit_.record(std::move(entry));
  co_return result;
}

boost::asio::awaitable<Result<domain::Principal>> AuthService::authenticate(
    std::string_view bearer_token) {
  if (bearer_token.empty() || bearer_token.size() > 256) {
    co_return Error::unauthorized("a bearer token is required");
  }
  co_return co_await tokens_.find_active(token_hash(bearer_token));
}

boost::asio::awaitable<Status> AuthService::logout(std::string_view bearer_token) {
  co_return co_await tokens_.revoke(token_hash(bearer_token));
}

}  // namespace cc::services
