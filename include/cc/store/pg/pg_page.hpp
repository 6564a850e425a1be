#pragma once
// Keyset pagination over a result fetched with LIMIT n + 1: the extra row only tells that
// another page exists.
#include <pqxx/pqxx>

#include "cc/domain/cursor.hpp"
#include "cc/domain/types.hpp"

namespace cc::store {

template <class T, class From>
domain::Page<T> page_from(const pqxx::result& rows, int limit, From from) {
  domain::Page<T> page;
  const auto count = std::min<std::size_t>(rows.size(), static_cast<std::size_t>(limit));
  page.items.reserve(count);
  for (std::size_t i = 0; i < count; ++i) page.items.push_back(from(rows[static_cast<int>(i)]));
  if (rows.size() > count && !page.items.empty()) {
    page.next_cursor = domain::encode_cursor(page.items.back().id);
  }
  return page;
}

}  // namespace cc::store
