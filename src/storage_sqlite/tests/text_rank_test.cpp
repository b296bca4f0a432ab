// text_rank (sqlite_connection.cpp) against FTS5's own bm25: the same scores for the text
// phrases, whatever filter tokens follow them in the MATCH.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <string>

#include "sqlite_connection.hpp"

namespace comptoir::sqlite {
namespace {

class TextRankTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("comptoir-text-rank-" +
              std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                .string();
    std::filesystem::remove(path_);
    auto c = SqliteConnection::Open(path_, /*read_only=*/false);
    ASSERT_TRUE(c.ok()) << c.status().message();
    conn_ = std::move(c).value();
    ASSERT_TRUE(conn_
                    ->ExecScript("CREATE VIRTUAL TABLE t USING fts5(subject, body, meta, "
                                 "tokenize = 'unicode61 remove_diacritics 0')")
                    .ok());
    const char* rows[][3] = {
        {"facture en retard", "la facture de mars est en retard, facture jointe", "xs1 xg7"},
        {"invoice overdue", "the invoice is overdue", "xs1 xg8"},
        {"écran noir", "l ecran reste noir apres la mise a jour", "xs2 xg7"},
        {"facture", "merci", "xs4 xg7"},
        {"question", "une facture une facture une facture", "xs1 xg7"},
        {"рахунок", "рахунок не прийшов, facture", "xs1 xg9"},
    };
    for (const auto& r : rows) {
      auto ins = conn_->Exec("INSERT INTO t (subject, body, meta) VALUES (?, ?, ?)",
                             {std::string(r[0]), std::string(r[1]), std::string(r[2])});
      ASSERT_TRUE(ins.ok()) << ins.status().message();
    }
  }
  void TearDown() override {
    conn_.reset();
    std::filesystem::remove(path_);
  }

  // rowid → score of the ranking expression for the MATCH.
  std::map<std::int64_t, double> Scores(const std::string& rank, const std::string& match) {
    std::map<std::int64_t, double> out;
    auto rows = conn_->Query("SELECT rowid, " + rank + " FROM t WHERE t MATCH ?", {match});
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    if (!rows.ok()) return out;
    for (const auto& row : *rows) out[row.Int(0)] = row.Real(1);
    return out;
  }

  std::string path_;
  std::unique_ptr<SqliteConnection> conn_;
};

void ExpectSameScores(const std::map<std::int64_t, double>& a,
                      const std::map<std::int64_t, double>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [id, score] : a) {
    ASSERT_TRUE(b.contains(id)) << id;
    EXPECT_NEAR(score, b.at(id), 1e-9 * std::max(1.0, std::fabs(score))) << "row " << id;
  }
}

TEST_F(TextRankTest, EqualsBm25WhenEveryPhraseIsText) {
  for (const std::string match : {"facture", "facture retard", "\"en retard\"", "рахунок"}) {
    SCOPED_TRACE(match);
    auto bm25 = Scores("bm25(t, 1.0, 2.0, 0.0)", match);
    EXPECT_FALSE(bm25.empty());
    ExpectSameScores(Scores("text_rank(t, -1, 1.0, 2.0, 0.0)", match), bm25);
  }
}

TEST_F(TextRankTest, FilterTokensAfterTheTextChangeNothing) {
  // The text alone, ranked by bm25, restricted to the rows the filter keeps.
  auto alone = Scores("bm25(t, 1.0, 1.0, 0.0)", "facture");
  auto filtered =
      Scores("text_rank(t, 1, 1.0, 1.0, 0.0)", "(facture) AND meta : xs1 AND meta : xg7");
  ASSERT_EQ(filtered.size(), 2u);  // rows 1 and 5
  for (const auto& [id, score] : filtered) {
    ASSERT_TRUE(alone.contains(id));
    EXPECT_NEAR(score, alone.at(id), 1e-9) << id;
  }
  // More occurrences rank first (scores are negated, lower is better).
  EXPECT_LT(filtered.at(5), filtered.at(1));
}

TEST_F(TextRankTest, ColumnWeightsApply) {
  auto subject_only = Scores("text_rank(t, 1, 1.0, 0.0, 0.0)", "facture");
  EXPECT_EQ(subject_only.at(5), 0.0);  // only in the body
  EXPECT_LT(subject_only.at(4), 0.0);
}

}  // namespace
}  // namespace comptoir::sqlite
