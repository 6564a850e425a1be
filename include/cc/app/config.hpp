#pragma once
// The server's configuration: defaults, then the TOML file (if any), then CC_* environment
// variables, each field overridable by exactly one variable named in config/contact-center.example.toml.
// Invalid values stop start-up with a message naming the field.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "cc/domain/error.hpp"

namespace cc::app {

struct Config {
  struct Http {
    std::string host = "127.0.0.1";
    int port = 8080;
    int max_body_bytes = 1024 * 1024;
    int header_timeout_seconds = 10;
    int idle_timeout_seconds = 60;
    int request_timeout_seconds = 30;
    int max_connections = 20000;
  } http;
  struct Database {
    std::string url;
    int pool_size = 4;
  } database;
  struct Redis {
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string channel = "cc:bus";
  } redis;
  struct Security {
    std::string secret_key;
    int token_ttl_hours = 12;
    int visitor_token_ttl_hours = 720;
  } security;
  struct Server {
    int io_threads = 2;
    std::string web_root = "web";
    std::string migrations_dir = "migrations";
    bool migrate_on_start = true;
    int shutdown_grace_ms = 10000;
    std::string instance_id;  // empty: hostname + pid
    std::string port_file;    // when set, the bound HTTP port is written here (tests use port 0)
    std::string log_level = "info";
  } server;
  // The email channel's SMTP listener (issue 4).
  struct Smtp {
    bool enabled = true;
    std::string host = "127.0.0.1";
    int port = 2525;
    std::string hostname = "localhost";  // our name in the greeting and EHLO reply
    int max_message_bytes = 10 * 1024 * 1024;
    int max_connections = 200;
    int timeout_seconds = 300;
    std::string tls_certificate_file;  // STARTTLS is offered when both files are set
    std::string tls_private_key_file;
    std::string port_file;  // when set, the bound SMTP port is written here (tests use port 0)
  } smtp;
  // --- attachments config ---
  // --- end attachments config ---
  // --- identity config ---
  // --- end identity config ---
  // --- tickets config ---
  // --- end tickets config ---
  // --- routing engine config ---
  // --- end routing engine config ---
  // --- assignment config ---
  // --- end assignment config ---
  // --- sip config ---
  // --- end sip config ---
};

// Looks up an environment variable; injectable so tests need not touch the real environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_environment();

Result<Config> load_config(const std::optional<std::filesystem::path>& file, const EnvLookup& env);
Result<Config> load_config_text(std::string_view toml_text, const EnvLookup& env);

}  // namespace cc::app
