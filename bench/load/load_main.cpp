// cc-load: replays a mixed contact-center load against a running cc-server and checks afterwards
// that nothing was lost or repeated. See README.md here for the options and what each figure means.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <sstream>
#include <unistd.h>

#include "cc/channels/sms/sms_form.hpp"
#include "cc/channels/sms/sms_signature.hpp"
#include "cc/channels/wechat/wechat_crypto.hpp"
#include "cc/channels/wechat/wechat_signature.hpp"
#include "load_clients.hpp"
#include "load_options.hpp"
#include "load_stats.hpp"
#include "provider_fakes.hpp"

namespace cc::bench {
namespace {

using nlohmann::json;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr const char* kTwilioSid = "AC00000000000000000000000000load1";
constexpr const char* kTwilioToken = "load-twilio-auth-token";
constexpr const char* kFromNumber = "+15005550006";
constexpr const char* kPublicBase = "https://load.example.test/sms";
constexpr const char* kWechatAppId = "wxload0000000001";
constexpr const char* kWechatSecret = "load-wechat-secret";
constexpr const char* kWechatToken = "loadtoken";
constexpr const char* kAesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
constexpr const char* kSupport = "support@load.test";

std::string url_encode(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

struct Customer {
  std::string visitor_token;
  std::string openid;
  std::string phone;
  std::string email;
  std::unique_ptr<WebSocket> visitor_ws;  // opened on first use by the worker that owns it
  struct Waiter {
    explicit Waiter(asio::any_io_executor executor) : timer(executor, std::chrono::seconds(30)) {}
    asio::steady_timer timer;  // cancelled by the ack or error frame
    bool acked = false;
  };
  std::map<std::string, std::shared_ptr<Waiter>> waiting;  // client_message_id -> waiter
};

struct Agent {
  std::string id;
  std::string token;
  std::unique_ptr<WebSocket> ws;
};

enum class Kind { webchat, wechat, sms, email };
const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::webchat: return "webchat";
    case Kind::wechat: return "wechat";
    case Kind::sms: return "sms";
    case Kind::email: return "email";
  }
  return "?";
}

class LoadRun {
 public:
  LoadRun(asio::io_context& io, Options options)
      : io_(io), options_(std::move(options)),
        fakes_(io, fake_credentials()),
        run_(random_run_id()) {}
  static FakeCredentials fake_credentials() {
    return FakeCredentials{kTwilioSid, kTwilioToken, kWechatAppId, kWechatSecret};
  }

  asio::awaitable<void> main();
  int exit_code() const { return failed_ ? 1 : 0; }

 private:
  static std::string random_run_id() {
    std::random_device device;
    char text[16];
    std::snprintf(text, sizeof text, "%06x", device() & 0xffffff);
    return text;
  }
  HttpConnection connection() { return HttpConnection(io_.get_executor(), options_.host, options_.port); }
  asio::awaitable<json> api(HttpConnection& http, http::verb verb, std::string target, json body,
                            std::string token, unsigned expected);
  asio::awaitable<void> setup();
  asio::awaitable<std::string> create_account(HttpConnection& http, std::string channel, json config);
  asio::awaitable<void> worker(std::size_t index);
  asio::awaitable<bool> send_one(std::size_t worker, std::size_t n, HttpConnection& http, SmtpSession& smtp);
  asio::awaitable<bool> send_webchat(Customer& customer, const std::string& uid, const std::string& content);
  asio::awaitable<void> read_visitor(Customer* customer);
  asio::awaitable<void> read_agent(Agent* agent);
  asio::awaitable<void> reply(Agent* agent, std::string conversation_id, std::size_t n);
  asio::awaitable<void> sample_server();
  asio::awaitable<void> sleep_ms(int ms) {
    asio::steady_timer timer(io_, std::chrono::milliseconds(ms));
    co_await timer.async_wait(kTuple);
  }
  Kind pick_kind(std::size_t n) const;
  static json credentials(const std::string& email, const std::string& password) {
    return json{{"email", email}, {"password", password}};
  }
  static json agent_body(const std::string& email) {
    return json{{"email", email}, {"password", "load-agent-password"}, {"name", email}, {"role", "agent"}};
  }
  static json routing_body() {
    return json{{"capacity", {{"webchat", 1000}, {"wechat", 1000}, {"sms", 1000}, {"email", 1000}}}};  // the API's maximum
  }
  static json status_body(const char* status) { return json{{"status", status}}; }
  static std::string id_text(const json& id) {
    return id.is_string() ? id.get<std::string>() : std::to_string(id.get<long>());
  }
  json account_config(const std::string& channel) const {
    const auto fake_base = "http://127.0.0.1:" + std::to_string(fakes_.http_port());
    if (channel == "wechat") {
      return json{{"app_id", kWechatAppId}, {"app_secret", kWechatSecret}, {"token", kWechatToken},
                  {"encoding_aes_key", kAesKey}, {"api_base_url", fake_base}};
    }
    if (channel == "sms") {
      return json{{"account_sid", kTwilioSid}, {"auth_token", kTwilioToken}, {"from_number", kFromNumber},
                  {"api_base_url", fake_base}, {"public_base_url", kPublicBase}};
    }
    return json{{"addresses", {kSupport}},
                {"smtp_relay", {{"host", "127.0.0.1"}, {"port", fakes_.smtp_port()}, {"starttls", false}}},
                {"webhook_secret", "load-webhook-secret-0123456789abcdef"}};
  }
  // Not inside coroutines: GCC 12 miscompiles local arrays in coroutine frames.
  std::string phone_of(std::size_t i) const {
    char phone[32];
    std::snprintf(phone, sizeof phone, "+1555%07zu", ((std::hash<std::string>{}(run_) % 900 + 100) * 10000 + i) % 10000000);
    return phone;
  }
  std::string sms_sid_of(std::size_t n) const {
    char sid[40];
    std::snprintf(sid, sizeof sid, "SM%s%026zu", run_.c_str(), n);
    return sid;
  }
  void check_database();
  void report();

  asio::io_context& io_;
  Options options_;
  ProviderFakes fakes_;
  std::string run_;
  std::string admin_token_;
  std::string webchat_id_, wechat_id_, sms_id_;
  std::string wechat_aes_key_;
  std::vector<Customer> customers_;
  std::vector<Agent> agents_;
  std::size_t next_ = 0;
  std::size_t workers_left_ = 0;
  Clock::time_point started_{}, finished_{};
  std::map<std::string, Clock::time_point> acked_at_;  // uid -> ack
  std::map<std::string, Kind> acked_kind_;
  std::map<std::string, Clock::time_point> event_at_;  // uid -> first message.created
  std::map<std::string, int> events_seen_;
  std::map<std::string, std::string> replies_acked_;  // reply uid -> message id
  std::size_t replies_started_ = 0, replies_done_ = 0, reply_failures_ = 0, send_failures_ = 0;
  std::size_t created_events_ = 0;
  Latencies ack_latency_;
  std::map<Kind, Latencies> ack_by_kind_;
  long cpu_ticks_start_ = -1, cpu_ticks_end_ = -1;
  long rss_max_kib_ = 0;
  bool sampling_ = true;
  bool failed_ = false;
};

asio::awaitable<json> LoadRun::api(HttpConnection& http, http::verb verb, std::string target, json body,
                                   std::string token, unsigned expected) {
  const auto text = body.is_null() ? std::string() : body.dump();
  const std::string content_type = text.empty() ? "" : "application/json";
  auto response = co_await http.call(verb, target, text, content_type, token);
  if (!response || response->result_int() != expected) {
    throw std::runtime_error(std::string(http::to_string(verb)) + " " + target + " -> " +
                             (response ? std::to_string(response->result_int()) + " " + response->body()
                                       : std::string("no answer")));
  }
  co_return response->body().empty() ? json() : json::parse(response->body());
}

asio::awaitable<std::string> LoadRun::create_account(HttpConnection& http, std::string channel, json config) {
  const json body{{"channel", channel}, {"name", "load-" + channel + "-" + run_}, {"config", config}};
  auto created = co_await api(http, http::verb::post, "/api/v1/channel-accounts", body, admin_token_, 201);
  co_return id_text(created["id"]);
}

asio::awaitable<void> LoadRun::setup() {
  auto http = connection();
  // Request bodies are named locals: GCC 12 miscompiles brace-initialised temporaries in co_await.
  const json admin_login = credentials(options_.admin_email, options_.admin_password);
  const auto login = co_await api(http, http::verb::post, "/api/v1/auth/login", admin_login, "", 200);
  admin_token_ = login["token"];
  fakes_.start();
  const json webchat_config = json::object();
  webchat_id_ = co_await create_account(http, "webchat", webchat_config);
  const json wechat_config = account_config("wechat");
  wechat_id_ = co_await create_account(http, "wechat", wechat_config);
  const json sms_config = account_config("sms");
  sms_id_ = co_await create_account(http, "sms", sms_config);
  if (options_.smtp_port != 0) {
    const json email_config = account_config("email");
    co_await create_account(http, "email", email_config);
  }
  wechat_aes_key_ = channels::wechat::aes_key_from_encoding_key(kAesKey).value();

  customers_.resize(options_.customers);
  const json empty = json::object();
  for (std::size_t i = 0; i < customers_.size(); ++i) {
    auto& customer = customers_[i];
    const auto session = co_await api(http, http::verb::post, "/widget/v1/" + webchat_id_ + "/sessions", empty, "", 201);
    customer.visitor_token = session["visitor_token"];
    customer.phone = phone_of(i);
    customer.openid = "oLoad" + run_ + std::to_string(i) + std::string(12, 'x');
    customer.email = "c" + std::to_string(i) + "-" + run_ + "@customer.load.test";
  }
  const json routing = routing_body();
  const json online = status_body("online");
  for (std::size_t i = 0; i < options_.agents; ++i) {
    Agent agent;
    const auto email = "load-agent-" + run_ + "-" + std::to_string(i) + "@load.test";
    const json new_agent = agent_body(email);
    const auto created = co_await api(http, http::verb::post, "/api/v1/agents", new_agent, admin_token_, 201);
    agent.id = id_text(created["id"]);
    const json agent_login = credentials(email, "load-agent-password");
    const auto token = co_await api(http, http::verb::post, "/api/v1/auth/login", agent_login, "", 200);
    agent.token = token["token"];
    co_await api(http, http::verb::put, "/api/v1/agents/" + agent.id + "/routing", routing, admin_token_, 200);
    agent.ws = co_await open_websocket(io_.get_executor(), options_.host, options_.port, "/api/v1/ws", agent.token);
    if (!agent.ws) throw std::runtime_error("agent WebSocket refused");
    co_await api(http, http::verb::put, "/api/v1/me/status", online, agent.token, 200);
    agents_.push_back(std::move(agent));
  }
  for (auto& agent : agents_) asio::co_spawn(io_, read_agent(&agent), asio::detached);
}

Kind LoadRun::pick_kind(std::size_t n) const {
  const auto total = options_.mix_webchat + options_.mix_wechat + options_.mix_sms + options_.mix_email;
  auto slot = (n * 2654435761u) % total;
  if (slot < options_.mix_webchat) return Kind::webchat;
  slot -= options_.mix_webchat;
  if (slot < options_.mix_wechat) return Kind::wechat;
  slot -= options_.mix_wechat;
  if (slot < options_.mix_sms) return Kind::sms;
  return Kind::email;
}

asio::awaitable<void> LoadRun::read_visitor(Customer* customer) {
  for (;;) {
    beast::flat_buffer buffer;
    auto [ec, n] = co_await customer->visitor_ws->async_read(buffer, kTuple);
    if (ec) co_return;
    const auto frame = json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
    if (!frame.is_object()) continue;
    const auto type = frame.value("type", "");
    const auto& data = frame.contains("data") ? frame["data"] : json::object();
    if (type == "ack" || type == "error") {
      const auto id = data.value("client_message_id", "");
      if (auto waiter = customer->waiting.find(id); waiter != customer->waiting.end()) {
        waiter->second->acked = type == "ack";
        waiter->second->timer.cancel();
        customer->waiting.erase(waiter);
      }
    } else if (type == "message" && data.value("direction", "") == "outbound") {
      fakes_.record(data.value("content", ""));  // web chat replies are delivered here
    }
  }
}

asio::awaitable<bool> LoadRun::send_webchat(Customer& customer, const std::string& uid, const std::string& content) {
  if (!customer.visitor_ws) {
    customer.visitor_ws = co_await open_websocket(io_.get_executor(), options_.host, options_.port,
                                                  "/widget/v1/ws?token=" + url_encode(customer.visitor_token), "");
    if (!customer.visitor_ws) co_return false;
    asio::co_spawn(io_, read_visitor(&customer), asio::detached);
  }
  auto waiter = std::make_shared<Customer::Waiter>(io_.get_executor());
  customer.waiting[uid] = waiter;
  const auto frame = json{{"type", "message"}, {"client_message_id", uid}, {"content", content}}.dump();
  auto [write_ec, written] = co_await customer.visitor_ws->async_write(asio::buffer(frame), kTuple);
  if (write_ec) co_return false;
  co_await waiter->timer.async_wait(kTuple);  // the ack, an error frame or 30 s
  co_return waiter->acked;
}

asio::awaitable<bool> LoadRun::send_one(std::size_t worker, std::size_t n, HttpConnection& http, SmtpSession& smtp) {
  const auto owned = std::max<std::size_t>(1, customers_.size() / options_.concurrency);
  auto& customer = customers_[(worker + options_.concurrency * ((n / 7) % owned)) % customers_.size()];
  const auto uid = run_ + "." + std::to_string(n);
  std::string content = "load uid=" + uid + " ";
  if (content.size() < options_.content_bytes) content.append(options_.content_bytes - content.size(), 'x');
  const auto kind = pick_kind(n);
  const auto sent = Clock::now();
  bool ok = false;
  switch (kind) {
    case Kind::webchat:
      ok = co_await send_webchat(customer, uid, content);
      break;
    case Kind::wechat: {
      const auto msg_id = std::to_string(std::stoul(run_, nullptr, 16) % 100000) + std::to_string(1000000000 + n);
      const auto xml = "<xml><ToUserName><![CDATA[gh_load]]></ToUserName><FromUserName><![CDATA[" + customer.openid +
                       "]]></FromUserName><CreateTime>" + std::to_string(::time(nullptr)) +
                       "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[" + content +
                       "]]></Content><MsgId>" + msg_id + "</MsgId></xml>";
      const std::string random16 = "0123456789abcdef";
      const auto encrypted = channels::wechat::encrypt_message(wechat_aes_key_, xml, kWechatAppId, random16);
      const auto timestamp = std::to_string(::time(nullptr));
      const auto nonce = std::to_string(n);
      const auto target = "/webhooks/wechat/" + wechat_id_ + "?signature=" +
                          channels::wechat::url_signature(kWechatToken, timestamp, nonce) + "&timestamp=" + timestamp +
                          "&nonce=" + nonce + "&encrypt_type=aes&msg_signature=" +
                          channels::wechat::message_signature(kWechatToken, timestamp, nonce, encrypted);
      const auto body = "<xml><ToUserName><![CDATA[gh_load]]></ToUserName><Encrypt><![CDATA[" + encrypted +
                        "]]></Encrypt></xml>";
      auto response = co_await http.call(http::verb::post, target, body, "text/xml");
      ok = response && response->result_int() == 200;
      break;
    }
    case Kind::sms: {
      const auto sid = sms_sid_of(n);
      std::vector<std::pair<std::string, std::string>> fields{
          {"AccountSid", kTwilioSid}, {"ApiVersion", "2010-04-01"}, {"Body", content},   {"From", customer.phone},
          {"MessageSid", sid},        {"NumMedia", "0"},            {"NumSegments", "1"}, {"SmsStatus", "received"},
          {"To", kFromNumber}};
      std::string form;
      for (const auto& [name, value] : fields) form += (form.empty() ? "" : "&") + name + "=" + url_encode(value);
      const auto path = "/webhooks/sms/" + sms_id_;
      const auto signature = channels::sms::twilio_signature(kTwilioToken, std::string(kPublicBase) + path,
                                                             channels::sms::FormFields(fields));
      auto response = co_await http.call(http::verb::post, path, form, "application/x-www-form-urlencoded", "",
                                         "X-Twilio-Signature", signature);
      ok = response && response->result_int() == 200;
      break;
    }
    case Kind::email: {
      const auto data = "From: <" + customer.email + ">\r\nTo: <" + std::string(kSupport) + ">\r\nSubject: load " + uid +
                        "\r\nMessage-ID: <" + uid + "@customer.load.test>\r\nMIME-Version: 1.0\r\n"
                        "Content-Type: text/plain; charset=utf-8\r\n\r\n" + content;
      ok = co_await smtp.send(customer.email, kSupport, data);
      break;
    }
  }
  if (!ok) co_return false;
  const auto now = Clock::now();
  acked_at_[uid] = now;
  acked_kind_[uid] = kind;
  ack_latency_.add(ms_between(sent, now));
  ack_by_kind_[kind].add(ms_between(sent, now));
  co_return true;
}

asio::awaitable<void> LoadRun::worker(std::size_t index) {
  auto http = connection();
  SmtpSession smtp(io_.get_executor(), options_.host, options_.smtp_port);
  while (next_ < options_.messages) {
    const auto n = next_++;
    if (options_.rate > 0) {
      const auto due = started_ + std::chrono::microseconds(static_cast<long>(1e6 * static_cast<double>(n) / options_.rate));
      asio::steady_timer timer(io_, due);
      co_await timer.async_wait(kTuple);
    }
    const bool ok = co_await send_one(index, n, http, smtp);
    if (!ok) ++send_failures_;
  }
  if (--workers_left_ == 0) finished_ = Clock::now();
}

asio::awaitable<void> LoadRun::read_agent(Agent* agent) {
  std::size_t seen = 0;
  for (;;) {
    beast::flat_buffer buffer;
    auto [ec, n] = co_await agent->ws->async_read(buffer, kTuple);
    if (ec) co_return;
    const auto frame = json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
    if (!frame.is_object() || frame.value("type", "") != "message.created") continue;
    const auto& message = frame["data"]["message"];
    const auto content = message.value("content", "");
    const auto at = content.find("uid=" + run_ + ".");
    if (at == std::string::npos || message.value("direction", "") != "inbound") continue;
    auto end = at + 4;
    while (end < content.size() && !std::isspace(static_cast<unsigned char>(content[end]))) ++end;
    const auto uid = content.substr(at + 4, end - at - 4);
    ++created_events_;
    if (++events_seen_[uid] == 1) event_at_[uid] = Clock::now();
    const auto conversation_id = frame["data"].contains("conversation")
                                     ? id_text(frame["data"]["conversation"]["id"])
                                     : id_text(message["conversation_id"]);
    if (options_.reply_every > 0 && seen++ % options_.reply_every == 0) {
      asio::co_spawn(io_, reply(agent, conversation_id, replies_started_++), asio::detached);
    }
  }
}

asio::awaitable<void> LoadRun::reply(Agent* agent, std::string conversation_id, std::size_t n) {
  auto http = connection();
  const auto uid = run_ + ".r" + std::to_string(n);
  const json body{{"content", "load reply uid=" + uid + " thanks"}};
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto response = co_await http.call(http::verb::post, "/api/v1/conversations/" + conversation_id + "/messages",
                                       body.dump(), "application/json", agent->token, "Idempotency-Key",
                                       "load-" + run_ + "-r" + std::to_string(n));
    if (response && response->result_int() == 201) {
      replies_acked_[uid] = conversation_id;
      break;
    }
    if (response && response->result_int() != 409 && response->result_int() != 503) {
      std::cerr << "reply refused: " << response->result_int() << " " << response->body().substr(0, 200) << "\n";
      break;
    }
    co_await sleep_ms(100);
  }
  if (!replies_acked_.count(uid)) ++reply_failures_;
  ++replies_done_;
}

asio::awaitable<void> LoadRun::sample_server() {
  const auto read_stat = [this]() -> long {
    std::ifstream stat("/proc/" + std::to_string(options_.server_pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    const auto close = text.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream fields(text.substr(close + 2));
    std::string skip;
    for (int i = 0; i < 11; ++i) fields >> skip;
    long utime = 0, stime = 0;
    fields >> utime >> stime;
    return utime + stime;
  };
  cpu_ticks_start_ = read_stat();
  while (sampling_) {
    std::ifstream status("/proc/" + std::to_string(options_.server_pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("VmRSS:", 0) == 0) rss_max_kib_ = std::max(rss_max_kib_, std::atol(line.c_str() + 6));
    }
    co_await sleep_ms(200);
    cpu_ticks_end_ = read_stat();
  }
}

asio::awaitable<void> LoadRun::main() {
  try {
    co_await setup();
    std::cout << "run " << run_ << ": " << options_.messages << " messages, " << options_.concurrency
              << " concurrent senders, " << customers_.size() << " customers, " << agents_.size() << " agents, rate "
              << (options_.rate > 0 ? std::to_string(options_.rate) + "/s" : std::string("as fast as possible"))
              << std::endl;
    if (options_.server_pid > 0) asio::co_spawn(io_, sample_server(), asio::detached);
    started_ = Clock::now();
    workers_left_ = options_.concurrency;
    for (std::size_t i = 0; i < options_.concurrency; ++i) asio::co_spawn(io_, worker(i), asio::detached);
    while (workers_left_ > 0) co_await sleep_ms(20);
    // Agent events, replies and their deliveries follow the acks: wait for them to settle.
    const auto settle_until = Clock::now() + std::chrono::seconds(options_.settle_seconds);
    while (Clock::now() < settle_until) {
      const bool events_done = event_at_.size() >= acked_at_.size();
      const bool replies_done = replies_done_ == replies_started_;
      const bool delivered = fakes_.delivered() >= replies_acked_.size();
      if (events_done && replies_done && delivered) break;
      co_await sleep_ms(50);
    }
    sampling_ = false;
    co_await sleep_ms(250);
    report();
    if (!options_.database_url.empty()) check_database();
  } catch (const std::exception& e) {
    std::cerr << "load run failed: " << e.what() << std::endl;
    failed_ = true;
  }
  for (auto& agent : agents_) {
    beast::error_code ignored;
    beast::get_lowest_layer(*agent.ws).close();
  }
  for (auto& customer : customers_) {
    if (customer.visitor_ws) beast::get_lowest_layer(*customer.visitor_ws).close();
  }
  io_.stop();
}

void LoadRun::report() {
  const double seconds = std::chrono::duration<double>(finished_ - started_).count();
  Latencies to_agent;
  for (const auto& [uid, acked] : acked_at_) {
    if (auto event = event_at_.find(uid); event != event_at_.end()) to_agent.add(std::max(0.0, ms_between(acked, event->second)));
  }
  const double delivery_seconds =
      std::max(1e-3, std::chrono::duration<double>(fakes_.last_delivery() - started_).count());
  std::printf("inbound acked       %zu of %zu in %.2f s: %.0f msgs/s durably stored (%zu failed sends)\n",
              acked_at_.size(), options_.messages, seconds, static_cast<double>(acked_at_.size()) / seconds,
              send_failures_);
  std::printf("ack latency         %s\n", ack_latency_.summary().c_str());
  for (auto& [kind, latencies] : ack_by_kind_) std::printf("  %-8s          %s\n", kind_name(kind), latencies.summary().c_str());
  std::printf("ack -> agent event  %s (%zu acked messages without an event)\n", to_agent.summary().c_str(),
              acked_at_.size() - to_agent.count());
  std::printf("replies             %zu acked of %zu (%zu failed); %zu delivered at the fakes, %.0f delivered/s\n",
              replies_acked_.size(), replies_started_, reply_failures_, fakes_.delivered(),
              static_cast<double>(fakes_.delivered()) / delivery_seconds);
  if (options_.server_pid > 0 && cpu_ticks_start_ >= 0) {
    const double cpu = static_cast<double>(cpu_ticks_end_ - cpu_ticks_start_) / static_cast<double>(sysconf(_SC_CLK_TCK));
    std::printf("server              max RSS %.1f MiB, CPU %.2f s (%.1f us per acked message)\n",
                static_cast<double>(rss_max_kib_) / 1024.0, cpu,
                acked_at_.empty() ? 0.0 : 1e6 * cpu / static_cast<double>(acked_at_.size()));
  }
  std::size_t duplicated_events = 0;
  for (const auto& [uid, count] : events_seen_) duplicated_events += count > 1 ? 1 : 0;
  std::size_t twice = 0, missing = 0;
  for (const auto& [uid, conversation] : replies_acked_) {
    const auto found = fakes_.deliveries().find(uid);
    if (found == fakes_.deliveries().end()) ++missing;
    else if (found->second > 1) ++twice;
  }
  std::printf("check (client side) replies delivered twice %zu, not delivered %zu; agent events repeated %zu\n", twice,
              missing, duplicated_events);
  if (twice > 0 || missing > 0 || send_failures_ > 0 || reply_failures_ > 0) failed_ = true;
  std::printf("RESULT_JSON {\"acked\":%zu,\"seconds\":%.3f,\"ack_p50_ms\":%.3f,\"ack_p99_ms\":%.3f,\"ack_max_ms\":%.3f,"
              "\"event_p50_ms\":%.3f,\"event_p99_ms\":%.3f,\"replies\":%zu,\"delivered\":%zu}\n",
              acked_at_.size(), seconds, ack_latency_.quantile(0.5), ack_latency_.quantile(0.99), ack_latency_.max(),
              to_agent.quantile(0.5), to_agent.quantile(0.99), replies_acked_.size(), fakes_.delivered());
}

void LoadRun::check_database() {
  pqxx::connection db(options_.database_url);
  pqxx::nontransaction tx(db);
  std::map<std::string, long> stored;
  const auto pattern = "%uid=" + run_ + ".%";
  for (const auto& row : tx.exec_params(
           "SELECT substring(content from 'uid=([^[:space:]]+)'), count(*) FROM messages "
           "WHERE direction = 'inbound' AND content LIKE $1 GROUP BY 1", pattern)) {
    stored[row[0].as<std::string>()] = row[1].as<long>();
  }
  std::size_t lost = 0, duplicated = 0, unacked_stored = 0;
  for (const auto& [uid, at] : acked_at_) {
    const auto found = stored.find(uid);
    if (found == stored.end()) ++lost;
    else if (found->second > 1) ++duplicated;
  }
  for (const auto& [uid, count] : stored) unacked_stored += acked_at_.count(uid) ? 0 : 1;
  std::size_t reply_rows_wrong = 0, outbox_not_sent = 0;
  for (const auto& row : tx.exec_params(
           "SELECT m.idempotency_key, count(DISTINCT m.id), count(o.id), count(o.id) FILTER (WHERE o.status = 'sent') "
           "FROM messages m LEFT JOIN outbox o ON o.message_id = m.id WHERE m.idempotency_key LIKE $1 GROUP BY 1",
           "load-" + run_ + "-r%")) {
    if (row[1].as<long>() != 1 || row[2].as<long>() > 1) ++reply_rows_wrong;
    if (row[2].as<long>() == 1 && row[3].as<long>() != 1) ++outbox_not_sent;
  }
  std::printf("check (database)    acked %zu: lost %zu, duplicated %zu; stored but not acked %zu; "
              "replies with != 1 row %zu, outbox rows not sent %zu\n",
              acked_at_.size(), lost, duplicated, unacked_stored, reply_rows_wrong, outbox_not_sent);
  if (lost > 0 || duplicated > 0 || reply_rows_wrong > 0 || outbox_not_sent > 0) failed_ = true;
}

// A ceiling, not a load: GET `path` as fast as `connections` keep-alive connections allow.
asio::awaitable<void> trivial_client(asio::io_context& io, const Options& options, Clock::time_point until,
                                     std::size_t* done, std::size_t* failed, std::size_t* running) {
  HttpConnection http(io.get_executor(), options.host, options.port);
  while (Clock::now() < until) {
    auto response = co_await http.call(http::verb::get, options.trivial_path, "", "");
    if (response && response->result_int() == 200) ++*done;
    else ++*failed;
  }
  if (--*running == 0) io.stop();
}

int run_trivial(const Options& options) {
  asio::io_context io(1);
  std::size_t done = 0, failed = 0, running = options.concurrency;
  const auto started = Clock::now();
  const auto until = started + std::chrono::seconds(options.trivial_seconds);
  for (std::size_t i = 0; i < options.concurrency; ++i) {
    asio::co_spawn(io, trivial_client(io, options, until, &done, &failed, &running), asio::detached);
  }
  io.run();
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::printf("trivial GET %s:%u%s: %zu ok, %zu failed in %.2f s: %.0f req/s\n", options.host.c_str(), options.port,
              options.trivial_path.c_str(), done, failed, seconds, static_cast<double>(done) / seconds);
  std::printf("RESULT_JSON {\"trivial_rps\":%.1f,\"failed\":%zu}\n", static_cast<double>(done) / seconds, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace cc::bench

int main(int argc, char** argv) {
  auto options = cc::bench::parse_options(argc, argv);
  if (!options) return 2;
  if (!options->trivial_path.empty()) return cc::bench::run_trivial(*options);
  boost::asio::io_context io(1);
  cc::bench::LoadRun run(io, *options);
  boost::asio::co_spawn(io, run.main(), boost::asio::detached);
  io.run();
  return run.exit_code();
}
