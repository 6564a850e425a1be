#pragma once
// The WeChat API's wire formats, as pure functions: the token response, errcode results, and
// the customer-service message body. The calls themselves are in wechat_access_tokens.cpp and
// wechat_sender.cpp.
#include <chrono>
#include <optional>
#include <string>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"
#include "cc/net/http_client.hpp"
#include "cc/services/ports/access_token_store.hpp"
#include "cc/services/ports/channel_sender.hpp"

namespace cc::channels::wechat {

struct ApiError {
  int errcode = 0;
  std::string errmsg;
};

// errcode/errmsg of a JSON body; nullopt when the body has no errcode (or is not JSON).
std::optional<ApiError> api_error_of(const std::string& body);

// 40001 (invalid credential), 40014 (invalid access_token), 42001 (expired): fetch a new token.
bool is_token_rejected(int errcode);

// {"access_token","expires_in"} -> the token and when it expires, counted from `now`.
Result<services::CachedAccessToken> parse_token_response(const net::ClientResponse& response,
                                                         domain::TimePoint now);

// What a /cgi-bin/message/custom/send answer means for the outbox. `token_rejected` is set when
// the caller should refresh the token and try once more.
struct SendVerdict {
  services::SendOutcome outcome;
  bool token_rejected = false;
};
SendVerdict classify_send_response(const net::ClientResponse& response);

// The JSON body of a customer-service message: text by default; image (media_id) or news
// (articles) when the message's metadata says {"wechat_msgtype": "image" | "news", ...}.
Result<std::string> custom_message_body(const std::string& openid, const domain::Message& message);

}  // namespace cc::channels::wechat
