#pragma once
// Port: who asked a channel account to stop messaging them (SMS STOP / 退订), in the table
// channel_opt_outs. Written by the SMS adapter when a keyword arrives; read by its sender before
// every send. Addresses are normalised by the channel (E.164 for SMS).
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

class OptOutStore {
 public:
  virtual ~OptOutStore() = default;
  // Idempotent: a repeated opt-out keeps the first row's time and updates keyword and customer.
  virtual boost::asio::awaitable<Status> record(domain::Id channel_account_id, std::string address,
                                                std::optional<domain::Id> customer_id,
                                                std::string keyword) = 0;
  // Idempotent: removing an address that is not opted out is Ok.
  virtual boost::asio::awaitable<Status> remove(domain::Id channel_account_id,
                                                std::string address) = 0;
  virtual boost::asio::awaitable<Result<bool>> contains(domain::Id channel_account_id,
                                                        std::string address) = 0;
};

}  // namespace cc::services
