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
    int ws_auth_timeout_seconds = 10;  // agent socket: time to send the auth message
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
  // Files that arrive with messages (e-mail attachments, inline images). A file over max_bytes,
  // or past the first max_count of a message, is not stored: the message lists it as omitted.
  struct Attachments {
    int max_bytes = 10 * 1024 * 1024;  // decoded bytes per file (SMTP's message cap bounds the sum)
    int max_count = 20;                // files kept per message
  } attachments;
  // --- end attachments config ---
  // --- identity config ---
  struct Identity {
    std::string default_region = "CN";    // phone numbers without a country code
    std::string extra_types;              // "name:kind:verified|claimed,..." (docs/identity.md)
    int contradiction_window_hours = 72;  // a return and an exchange of one order this close
  } identity;
  // --- end identity config ---
  // --- tickets config ---
  struct Tickets {
    int sla_poll_ms = 5000;  // how often the SLA timer pass runs (a pass also claims due rows)
    bool csat_enabled = true;
    std::string csat_message =
        "How did we do? Reply with a number from 1 (poor) to 5 (excellent), and a comment if you like.";
    int auto_close_days = 4;         // solved tickets close after this many days; 0 = never
    int followup_after_hours = 72;   // silent-customer follow-up after an agent reply; 0 = off
    std::string followup_message = "Is there anything else we can help you with? Just reply to this message.";
    int lifecycle_poll_ms = 60000;   // how often auto-close and follow-ups are looked for
  } tickets;
  // --- end tickets config ---
  // --- routing engine config ---
  struct Routing {
    std::string data_dir;  // shipped intents and sentiment lexicons; empty: the build's data/
    int bot_answer_threshold_percent = 40;   // FAQ confidence the bot needs to answer
    int faq_suggest_threshold_percent = 25;  // for agents' suggestions
    int bot_max_unresolved_turns = 3;        // unanswered customer messages before a hand-off
    bool mask_sensitive_words = true;        // agents see *** for words listed with mask=true
  } routing;
  // --- end routing engine config ---
  // --- assignment config ---
  // The assignment engine (issue 7): timer pass, offers, aging, VIP tiers of the default router.
  struct Assignment {
    int poll_ms = 1000;                  // a pass at least this often
    int batch = 5000;                    // tasks per matching round
    int aging_seconds = 60;              // +1 priority per this many seconds waited (0: off)
    int max_missed_offers = 3;           // in a row, then the agent is set away
    int position_interval_seconds = 60;  // queue position told at most this often (0: never)
    // Channels whose waiting customers are told their position (comma-separated; never voice or
    // email: they have no place for a system message).
    std::string position_channels = "webchat,wechat,sms";
    int expected_wait_window_seconds = 900;  // recent assignments per queue that give the expected wait
    std::string vip_tiers = "vip";       // comma-separated customer tiers routed at vip_priority
    int vip_priority = 100;
  } assignment;
  // --- end assignment config ---
  // --- sip config ---
  // The voice channel's SIP redirect server (issue 5): UDP and TCP on the same port.
  struct Sip {
    bool enabled = true;
    std::string host = "127.0.0.1";
    int port = 5060;  // 0: any free port (tests), written to port_file
    std::string port_file;
    int max_message_bytes = 16 * 1024;
    int max_connections = 256;
    int idle_timeout_seconds = 120;
    int t1_ms = 500;  // RFC 3261 timer T1; T2 = 8 * T1 (Timer G cap), Timer H = 64 * T1
    int ring_timeout_seconds = 60;
  } sip;
  // --- end sip config ---
  // --- workbench config ---
  // --- end workbench config ---
};

// Looks up an environment variable; injectable so tests need not touch the real environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_environment();

Result<Config> load_config(const std::optional<std::filesystem::path>& file, const EnvLookup& env);
Result<Config> load_config_text(std::string_view toml_text, const EnvLookup& env);

}  // namespace cc::app
