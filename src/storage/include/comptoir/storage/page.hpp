// Paging requests and results shared by every repository's List().
#pragma once

#include <cstdint>
#include <vector>

namespace comptoir::storage {

// Offset mode (page/per_page) or cursor mode (after/before an id). Rows are ordered by
// id (ascending unless `descending`); cursor pages are always returned in that order.
struct PageRequest {
  int limit = 100;
  int offset = 0;              // offset mode
  bool cursor = false;         // cursor mode when true
  std::int64_t after_id = 0;   // cursor: rows after this id in the order
  std::int64_t before_id = 0;  // cursor: rows before this id in the order
  bool count = false;          // fill Page::total
  bool descending = false;
};

template <typename T>
struct Page {
  std::vector<T> items;
  bool has_more = false;    // more rows beyond this page in the direction read
  bool has_before = false;  // cursor mode: rows exist before the first item
  std::int64_t total = 0;   // when PageRequest::count
};

}  // namespace comptoir::storage
