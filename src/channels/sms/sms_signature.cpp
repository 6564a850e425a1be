#include "cc/channels/sms/sms_signature.hpp"

#include "cc/crypto/encoding.hpp"
#include "cc/crypto/hmac.hpp"

namespace cc::channels::sms {

std::string twilio_signature(std::string_view auth_token, std::string_view url,
                             const FormFields& fields) {
  std::string data(url);
  for (const auto& [name, value] : fields.all()) {  // already sorted by name
    data += name;
    data += value;
  }
  return crypto::base64_encode(crypto::hmac_sha1(auth_token, data));
}

bool verify_twilio_signature(std::string_view auth_token, std::string_view url,
                             const FormFields& fields, std::string_view header) {
  if (auth_token.empty() || header.empty()) return false;
  return crypto::constant_time_equal(twilio_signature(auth_token, url, fields), header);
}

std::string public_request_url(std::string_view public_base_url, std::string_view target) {
  while (!public_base_url.empty() && public_base_url.back() == '/')
    public_base_url.remove_suffix(1);
  std::string url(public_base_url);
  if (target.empty() || target.front() != '/') url += '/';
  url += target;
  return url;
}

}  // namespace cc::channels::sms
