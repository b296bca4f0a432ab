// CopyDatabase: copies every table of a SQLite install into a PostgreSQL database
// (`comptoir db copy`). The source is read in one read transaction (one snapshot, so a
// running server may keep writing); the target schema comes from PgStore::Migrate.
// Rows go in key order, in batches of multi-row INSERTs, one target transaction per
// batch that also records the progress in db_copy_progress, so an interrupted copy
// resumes from its last committed batch. Each table is then verified: row count and a
// SHA-256 over a canonical text form of its rows in key order, on both sides.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "comptoir/common/status.hpp"

namespace comptoir::db_copy {

struct CopyOptions {
  std::string from;  // sqlite:///absolute/path or sqlite://relative/path
  std::string to;    // postgresql://… (an empty database, or an interrupted copy)
  int batch_size = 1000;
  std::ostream* progress = nullptr;  // progress bars (stderr in the CLI); null: quiet
  int stop_after_batches = 0;        // tests: stop (kAborted) after this many batches
};

struct TableReport {
  std::string name;
  std::int64_t source_rows = 0;
  std::int64_t target_rows = 0;
  std::int64_t copied = 0;  // rows inserted by this run
  bool skipped = false;     // already done by an earlier run
  std::string source_checksum;
  std::string target_checksum;
  bool ok() const { return source_rows == target_rows && source_checksum == target_checksum; }
};

struct CopyReport {
  std::vector<TableReport> tables;
  std::int64_t rows_copied = 0;
  double seconds = 0;
  bool ok() const;
};

Result<CopyReport> CopyDatabase(const CopyOptions& options);

// The summary table: name, rows, checksum OK/MISMATCH.
std::string FormatReport(const CopyReport& report);

// SHA-256 of rows in canonical text form: each value as text (integers in decimal),
// NULL as "\x00", fields separated by "\x1f", rows terminated by "\x1e".
class RowHasher {
 public:
  RowHasher();
  ~RowHasher();
  RowHasher(const RowHasher&) = delete;
  RowHasher& operator=(const RowHasher&) = delete;
  void AddRow(const std::vector<std::string>& values, const std::vector<bool>& nulls);
  std::string HexDigest();  // once

 private:
  void* ctx_;
};

}  // namespace comptoir::db_copy
