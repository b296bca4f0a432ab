// WriteAttachment: work that must commit together with the next write of this thread.
//
// A background job runs items through the same services as API requests; each service
// opens its own Store::Write. To record an item's result (and check the job's lease)
// in the same transaction as the item's effect, the job installs an attachment around
// the service call: the next Store::Write started on this thread runs the attachment
// after its own function succeeded, inside the same transaction, so the effect and the
// record commit together or not at all (a crash between them cannot happen, so an item
// never runs twice). An attachment runs in at most one committed transaction; a write
// that fails or rolls back leaves it for the next write. Every Store implementation
// wraps its function with `WriteAttachment::Wrap`.
#pragma once

#include <atomic>
#include <optional>
#include <utility>

#include "comptoir/storage/store.hpp"

namespace comptoir::storage {

class WriteAttachment {
 public:
  // Installs `fn` on this thread until destruction. Attachments do not nest.
  explicit WriteAttachment(TxFn fn) : fn_(std::move(fn)), previous_(current_) { current_ = this; }
  ~WriteAttachment() { current_ = previous_; }
  WriteAttachment(const WriteAttachment&) = delete;
  WriteAttachment& operator=(const WriteAttachment&) = delete;

  // True once a transaction that ran the attachment has committed.
  bool committed() const { return committed_.load(); }

  // For Store implementations: `fn` followed by the current attachment of this thread
  // (none when no attachment is installed or it has already committed).
  static std::optional<TxFn> Wrap(const TxFn& fn) {
    WriteAttachment* a = current_;
    if (a == nullptr || a->committed_.load()) return std::nullopt;
    return TxFn([a, &fn](Transaction& tx) -> Status {
      Status st = fn(tx);
      if (!st.ok()) return st;
      st = a->fn_(tx);
      if (!st.ok()) return st;
      tx.OnCommit([a] { a->committed_.store(true); });
      return Status::Ok();
    });
  }

 private:
  TxFn fn_;
  WriteAttachment* previous_;
  std::atomic<bool> committed_{false};
  static inline thread_local WriteAttachment* current_ = nullptr;
};

}  // namespace comptoir::storage
