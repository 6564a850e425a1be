#include "cc/app/config.hpp"

#include <charconv>
#include <cstdlib>
#include <set>
#include <toml++/toml.h>
#include <variant>
#include <vector>

namespace cc::app {
namespace {

struct IntRange {
  int min;
  int max;
};

// One row per setting: its TOML path, its environment variable, where it goes, and its range.
struct Field {
  const char* path;
  const char* env;
  std::variant<std::string*, int*, bool*> target;
  IntRange range{0, 0};
};

std::vector<Field> fields_of(Config& c) {
  return {
      {"http.host", "CC_HTTP_HOST", &c.http.host},
      {"http.port", "CC_HTTP_PORT", &c.http.port, {0, 65535}},
      {"http.max_body_bytes", "CC_HTTP_MAX_BODY_BYTES", &c.http.max_body_bytes, {1024, 64 << 20}},
      {"http.header_timeout_seconds", "CC_HTTP_HEADER_TIMEOUT_SECONDS", &c.http.header_timeout_seconds, {1, 300}},
      {"http.idle_timeout_seconds", "CC_HTTP_IDLE_TIMEOUT_SECONDS", &c.http.idle_timeout_seconds, {1, 3600}},
      {"http.request_timeout_seconds", "CC_HTTP_REQUEST_TIMEOUT_SECONDS", &c.http.request_timeout_seconds, {1, 600}},
      {"http.max_connections", "CC_HTTP_MAX_CONNECTIONS", &c.http.max_connections, {1, 1000000}},
      {"http.ws_auth_timeout_seconds", "CC_HTTP_WS_AUTH_TIMEOUT_SECONDS", &c.http.ws_auth_timeout_seconds, {1, 300}},
      {"database.url", "CC_DATABASE_URL", &c.database.url},
      {"database.pool_size", "CC_DATABASE_POOL_SIZE", &c.database.pool_size, {1, 256}},
      {"redis.host", "CC_REDIS_HOST", &c.redis.host},
      {"redis.port", "CC_REDIS_PORT", &c.redis.port, {1, 65535}},
      {"redis.channel", "CC_REDIS_CHANNEL", &c.redis.channel},
      {"security.secret_key", "CC_SECRET_KEY", &c.security.secret_key},
      {"security.token_ttl_hours", "CC_TOKEN_TTL_HOURS", &c.security.token_ttl_hours, {1, 24 * 90}},
      {"security.visitor_token_ttl_hours", "CC_VISITOR_TOKEN_TTL_HOURS", &c.security.visitor_token_ttl_hours, {1, 24 * 365}},
      {"server.io_threads", "CC_IO_THREADS", &c.server.io_threads, {1, 256}},
      {"server.web_root", "CC_WEB_ROOT", &c.server.web_root},
      {"server.migrations_dir", "CC_MIGRATIONS_DIR", &c.server.migrations_dir},
      {"server.migrate_on_start", "CC_MIGRATE_ON_START", &c.server.migrate_on_start},
      {"server.shutdown_grace_ms", "CC_SHUTDOWN_GRACE_MS", &c.server.shutdown_grace_ms, {0, 600000}},
      {"server.instance_id", "CC_INSTANCE_ID", &c.server.instance_id},
      {"server.port_file", "CC_PORT_FILE", &c.server.port_file},
      {"server.log_level", "CC_LOG_LEVEL", &c.server.log_level},
      {"smtp.enabled", "CC_SMTP_ENABLED", &c.smtp.enabled},
      {"smtp.host", "CC_SMTP_HOST", &c.smtp.host},
      {"smtp.port", "CC_SMTP_PORT", &c.smtp.port, {0, 65535}},
      {"smtp.hostname", "CC_SMTP_HOSTNAME", &c.smtp.hostname},
      {"smtp.max_message_bytes", "CC_SMTP_MAX_MESSAGE_BYTES", &c.smtp.max_message_bytes, {1024, 256 << 20}},
      {"smtp.max_connections", "CC_SMTP_MAX_CONNECTIONS", &c.smtp.max_connections, {1, 100000}},
      {"smtp.timeout_seconds", "CC_SMTP_TIMEOUT_SECONDS", &c.smtp.timeout_seconds, {5, 3600}},
      {"smtp.tls_certificate_file", "CC_SMTP_TLS_CERTIFICATE_FILE", &c.smtp.tls_certificate_file},
      {"smtp.tls_private_key_file", "CC_SMTP_TLS_PRIVATE_KEY_FILE", &c.smtp.tls_private_key_file},
      {"smtp.port_file", "CC_SMTP_PORT_FILE", &c.smtp.port_file},
      // --- attachments config ---
      {"attachments.max_bytes", "CC_ATTACHMENT_MAX_BYTES", &c.attachments.max_bytes, {0, 256 << 20}},
      {"attachments.max_count", "CC_ATTACHMENT_MAX_COUNT", &c.attachments.max_count, {0, 200}},
      // --- end attachments config ---
      // --- identity config ---
      {"identity.default_region", "CC_IDENTITY_DEFAULT_REGION", &c.identity.default_region},
      {"identity.extra_types", "CC_IDENTITY_EXTRA_TYPES", &c.identity.extra_types},
      {"identity.contradiction_window_hours", "CC_IDENTITY_CONTRADICTION_WINDOW_HOURS",
       &c.identity.contradiction_window_hours, {1, 24 * 365}},
      // --- end identity config ---
      // --- tickets config ---
      {"tickets.sla_poll_ms", "CC_TICKETS_SLA_POLL_MS", &c.tickets.sla_poll_ms, {50, 3600000}},
      {"tickets.csat_enabled", "CC_TICKETS_CSAT_ENABLED", &c.tickets.csat_enabled},
      {"tickets.csat_message", "CC_TICKETS_CSAT_MESSAGE", &c.tickets.csat_message},
      {"tickets.auto_close_days", "CC_TICKETS_AUTO_CLOSE_DAYS", &c.tickets.auto_close_days, {0, 3650}},
      {"tickets.followup_after_hours", "CC_TICKETS_FOLLOWUP_AFTER_HOURS", &c.tickets.followup_after_hours,
       {0, 24 * 365}},
      {"tickets.followup_message", "CC_TICKETS_FOLLOWUP_MESSAGE", &c.tickets.followup_message},
      {"tickets.lifecycle_poll_ms", "CC_TICKETS_LIFECYCLE_POLL_MS", &c.tickets.lifecycle_poll_ms, {50, 3600000}},
      // --- end tickets config ---
      // --- routing engine config ---
      {"routing.data_dir", "CC_ROUTING_DATA_DIR", &c.routing.data_dir},
      {"routing.bot_answer_threshold_percent", "CC_ROUTING_BOT_ANSWER_THRESHOLD_PERCENT",
       &c.routing.bot_answer_threshold_percent, {1, 100}},
      {"routing.faq_suggest_threshold_percent", "CC_ROUTING_FAQ_SUGGEST_THRESHOLD_PERCENT",
       &c.routing.faq_suggest_threshold_percent, {0, 100}},
      {"routing.bot_max_unresolved_turns", "CC_ROUTING_BOT_MAX_UNRESOLVED_TURNS",
       &c.routing.bot_max_unresolved_turns, {1, 20}},
      {"routing.mask_sensitive_words", "CC_ROUTING_MASK_SENSITIVE_WORDS", &c.routing.mask_sensitive_words},
      // --- end routing engine config ---
      // --- assignment config ---
      {"assignment.poll_ms", "CC_ASSIGNMENT_POLL_MS", &c.assignment.poll_ms, {50, 60000}},
      {"assignment.batch", "CC_ASSIGNMENT_BATCH", &c.assignment.batch, {1, 100000}},
      {"assignment.aging_seconds", "CC_ASSIGNMENT_AGING_SECONDS", &c.assignment.aging_seconds, {0, 86400}},
      {"assignment.max_missed_offers", "CC_ASSIGNMENT_MAX_MISSED_OFFERS", &c.assignment.max_missed_offers, {1, 100}},
      {"assignment.position_interval_seconds", "CC_ASSIGNMENT_POSITION_INTERVAL_SECONDS",
       &c.assignment.position_interval_seconds, {0, 86400}},
      {"assignment.position_channels", "CC_ASSIGNMENT_POSITION_CHANNELS", &c.assignment.position_channels},
      {"assignment.expected_wait_window_seconds", "CC_ASSIGNMENT_EXPECTED_WAIT_WINDOW_SECONDS",
       &c.assignment.expected_wait_window_seconds, {60, 86400}},
      {"assignment.vip_tiers", "CC_ASSIGNMENT_VIP_TIERS", &c.assignment.vip_tiers},
      {"assignment.vip_priority", "CC_ASSIGNMENT_VIP_PRIORITY", &c.assignment.vip_priority, {0, 1000}},
      // --- end assignment config ---
      // --- sip config ---
      {"sip.enabled", "CC_SIP_ENABLED", &c.sip.enabled},
      {"sip.host", "CC_SIP_HOST", &c.sip.host},
      {"sip.port", "CC_SIP_PORT", &c.sip.port, {0, 65535}},
      {"sip.port_file", "CC_SIP_PORT_FILE", &c.sip.port_file},
      {"sip.max_message_bytes", "CC_SIP_MAX_MESSAGE_BYTES", &c.sip.max_message_bytes, {1024, 65000}},
      {"sip.max_connections", "CC_SIP_MAX_CONNECTIONS", &c.sip.max_connections, {1, 100000}},
      {"sip.idle_timeout_seconds", "CC_SIP_IDLE_TIMEOUT_SECONDS", &c.sip.idle_timeout_seconds, {5, 3600}},
      {"sip.t1_ms", "CC_SIP_T1_MS", &c.sip.t1_ms, {50, 5000}},
      {"sip.ring_timeout_seconds", "CC_SIP_RING_TIMEOUT_SECONDS", &c.sip.ring_timeout_seconds, {5, 3600}},
      // --- end sip config ---
      // --- workbench config ---
      // --- end workbench config ---
  };
}

Error field_error(const Field& field, const std::string& source, const std::string& what) {
  return Error::invalid("config field " + std::string(field.path) + " (" + source + ") " + what,
                        field.path);
}

// Applies a text value (from the environment) to a field.
std::optional<Error> apply_text(const Field& field, const std::string& text, const std::string& source) {
  if (auto* s = std::get_if<std::string*>(&field.target)) {
    **s = text;
  } else if (auto* b = std::get_if<bool*>(&field.target)) {
    if (text == "true" || text == "1") **b = true;
    else if (text == "false" || text == "0") **b = false;
    else return field_error(field, source, "must be true or false");
  } else {
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) {
      return field_error(field, source, "must be an integer");
    }
    **std::get_if<int*>(&field.target) = value;
  }
  return std::nullopt;
}

std::optional<Error> apply_toml(const Field& field, const toml::node& node) {
  const std::string source = "in the config file";
  if (auto* s = std::get_if<std::string*>(&field.target)) {
    if (!node.is_string()) return field_error(field, source, "must be a string");
    **s = *node.value<std::string>();
  } else if (auto* b = std::get_if<bool*>(&field.target)) {
    if (!node.is_boolean()) return field_error(field, source, "must be true or false");
    **b = *node.value<bool>();
  } else {
    if (!node.is_integer()) return field_error(field, source, "must be an integer");
    const auto value = *node.value<std::int64_t>();
    if (value < INT32_MIN || value > INT32_MAX) return field_error(field, source, "is out of range");
    **std::get_if<int*>(&field.target) = static_cast<int>(value);
  }
  return std::nullopt;
}

void collect_paths(const toml::table& table, const std::string& prefix, std::vector<std::string>& out) {
  for (const auto& [key, node] : table) {
    const auto path = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (const auto* sub = node.as_table()) {
      collect_paths(*sub, path, out);
    } else {
      out.push_back(path);
    }
  }
}

std::optional<Error> validate(Config& config, const std::vector<Field>& fields) {
  for (const auto& field : fields) {
    if (const auto* value = std::get_if<int*>(&field.target)) {
      if (**value < field.range.min || **value > field.range.max) {
        return field_error(field, field.env, "must be between " + std::to_string(field.range.min) +
                                                 " and " + std::to_string(field.range.max));
      }
    }
  }
  if (config.database.url.empty()) {
    return Error::invalid("config field database.url (CC_DATABASE_URL) is required", "database.url");
  }
  if (config.security.secret_key.size() < 32) {
    return Error::invalid(
        "config field security.secret_key (CC_SECRET_KEY) must be at least 32 characters",
        "security.secret_key");
  }
  static const std::set<std::string> kLevels{"trace", "debug", "info", "warn", "error", "off"};
  if (!kLevels.count(config.server.log_level)) {
    return Error::invalid("config field server.log_level (CC_LOG_LEVEL) must be one of trace, debug, "
                          "info, warn, error, off",
                          "server.log_level");
  }
  return std::nullopt;
}

Result<Config> build(const toml::table* table, const EnvLookup& env) {
  Config config;
  const auto fields = fields_of(config);
  if (table != nullptr) {
    std::vector<std::string> paths;
    collect_paths(*table, "", paths);
    for (const auto& path : paths) {
      const auto known = std::find_if(fields.begin(), fields.end(),
                                      [&path](const Field& f) { return path == f.path; });
      if (known == fields.end()) {
        return Error::invalid("config file has an unknown field " + path, path);
      }
      if (auto error = apply_toml(*known, *table->at_path(path).node())) return *error;
    }
  }
  for (const auto& field : fields) {
    if (auto value = env(field.env)) {
      if (auto error = apply_text(field, *value, field.env)) return *error;
    }
  }
  if (auto error = validate(config, fields)) return *error;
  return config;
}

}  // namespace

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Result<Config> load_config_text(std::string_view toml_text, const EnvLookup& env) {
  try {
    const auto table = toml::parse(toml_text);
    return build(&table, env);
  } catch (const toml::parse_error& e) {
    return Error::invalid(std::string("config file is not valid TOML: ") + std::string(e.description()));
  }
}

Result<Config> load_config(const std::optional<std::filesystem::path>& file, const EnvLookup& env) {
  if (!file) return build(nullptr, env);
  try {
    const auto table = toml::parse_file(file->string());
    return build(&table, env);
  } catch (const toml::parse_error& e) {
    return Error::invalid("config file " + file->string() + " is not valid TOML: " +
                          std::string(e.description()));
  }
}

}  // namespace cc::app
